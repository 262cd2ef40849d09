"""Security headers on every response (DESIGN section 6)."""

from flask import request

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)


# Organizer pages show personal data (a revealed passport number, travel, visas): no browser
# or proxy keeps a copy, unless the view chose its own caching.
PRIVATE_PREFIXES = ("/institutes/", "/account/")


def init_app(app) -> None:
    production = app.config["PLANNER_ENV"] == "production"

    @app.after_request
    def set_security_headers(response):
        if request.path.startswith(PRIVATE_PREFIXES) and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "private, no-store"
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        if production:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=63072000; includeSubDomains"
            )
        return response
