"""Settings read from PLANNER_* environment variables, with safe defaults for development only."""

import os
from datetime import timedelta
from pathlib import Path

DEFAULT_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - refused in production
# A fixed development key so a fresh checkout can store encrypted fields; refused in production.
DEFAULT_ENCRYPTION_KEYS = "dev:ZGV2LW9ubHktMzItYnl0ZS1rZXktbm90LXNlY3JldCE="

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS_DIRECTORY = PROJECT_ROOT / "migrations"


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete for the chosen environment."""


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(f"PLANNER_{name}", default)


def load_config(instance_path: str) -> dict:
    """Build the Flask config from the environment."""
    env = _env("ENV", "development")
    production = env == "production"
    database_url = _env("DATABASE_URL") or f"sqlite:///{Path(instance_path) / 'planner.sqlite'}"
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    config = {
        "PLANNER_ENV": env,
        "SECRET_KEY": _env("SECRET_KEY", DEFAULT_SECRET_KEY),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BASE_URL": (_env("BASE_URL") or "http://127.0.0.1:5000").rstrip("/"),
        "ENCRYPTION_KEYS": _env("ENCRYPTION_KEYS", DEFAULT_ENCRYPTION_KEYS),
        "RATELIMIT_STORAGE_URI": _env("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": _env("LOGIN_RATE_LIMIT", "10 per minute;50 per hour"),
        # Failed sign-ins per account, from any address (beside the per-address limit above).
        "LOGIN_ACCOUNT_RATE_LIMIT": _env("LOGIN_ACCOUNT_RATE_LIMIT", "10 per 15 minutes"),
        # The "forgot password" form answers no sooner than this, account or not.
        "PASSWORD_RESET_MIN_SECONDS": float(_env("PASSWORD_RESET_MIN_SECONDS", "0.5")),
        # Reverse proxies in front of the app: their X-Forwarded-For/-Proto are trusted, so
        # rate limits count each client, not the proxy (0: served directly).
        "PROXY_HOPS": int(_env("PROXY_HOPS", "0")),
        "MAIL_BACKEND": _env("MAIL_BACKEND", "smtp" if production else "file"),
        "MAIL_HOST": _env("MAIL_HOST", "127.0.0.1"),
        "MAIL_PORT": int(_env("MAIL_PORT", "25")),
        "MAIL_USERNAME": _env("MAIL_USERNAME"),
        "MAIL_PASSWORD": _env("MAIL_PASSWORD"),
        "MAIL_USE_TLS": _env("MAIL_USE_TLS", "false").lower() == "true",
        "MAIL_USE_SSL": _env("MAIL_USE_SSL", "false").lower() == "true",
        "MAIL_TIMEOUT": float(_env("MAIL_TIMEOUT", "30")),
        "MAIL_FROM": _env("MAIL_FROM", "Institute Planner <planner@localhost>"),
        "MAIL_FILE_DIR": _env("MAIL_FILE_DIR", str(Path(instance_path) / "mail")),
        # One separator for every CSV export: ";" (Russian-locale spreadsheets), "," or "tab".
        "CSV_SEPARATOR": {"tab": "\t"}.get(_env("CSV_SEPARATOR", ";"), _env("CSV_SEPARATOR", ";")),
        "UPLOAD_DIR": _env("UPLOAD_DIR", str(Path(instance_path) / "uploads")),
        "DOCUMENT_CACHE_DIR": _env("DOCUMENT_CACHE_DIR", str(Path(instance_path) / "documents")),
        # Documents are rendered by `flask render-documents` (a process of their own); a request
        # for a PDF not yet rendered waits this long for it. RENDER_INLINE renders in the
        # request instead (tests; a single-process setup without the render worker).
        "RENDER_INLINE": _env("RENDER_INLINE", "false").lower() == "true",
        "RENDER_WORKER": False,  # set by `flask render-documents` in its own process
        "RENDER_WAIT_SECONDS": float(_env("RENDER_WAIT_SECONDS", "20")),
        # A PDF the web process must make itself (a visa letter: never cached, never given to
        # the render worker) is rendered by a child process, stopped after this many seconds.
        "RENDER_PROCESS_TIMEOUT_SECONDS": float(_env("RENDER_PROCESS_TIMEOUT_SECONDS", "60")),
        # After a change, shared documents are re-rendered once the data has been quiet this
        # long (seconds), and at the latest RENDER_MAX_DELAY after the first change.
        "RENDER_QUIET_SECONDS": float(_env("RENDER_QUIET_SECONDS", "5")),
        "RENDER_MAX_DELAY_SECONDS": float(_env("RENDER_MAX_DELAY_SECONDS", "60")),
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        # A backup archive uploaded for a restore may be larger than other uploads.
        "BACKUP_UPLOAD_LIMIT": int(_env("BACKUP_UPLOAD_LIMIT_MB", "100")) * 1024 * 1024,
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "LANGUAGES": {"en": "English", "ru": "Русский"},
        "WTF_CSRF_TIME_LIMIT": None,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "TEMPLATES_AUTO_RELOAD": not production,
    }
    if production:
        config.update(
            SESSION_COOKIE_NAME="__Host-session",
            SESSION_COOKIE_SECURE=True,
            REMEMBER_COOKIE_SECURE=True,
            PREFERRED_URL_SCHEME="https",
        )
        trusted = _env("TRUSTED_HOSTS")
        from urllib.parse import urlsplit

        config["TRUSTED_HOSTS"] = (
            [h.strip() for h in trusted.split(",") if h.strip()]
            if trusted
            else [urlsplit(config["BASE_URL"]).hostname]
        )
    return config


def check_production(config: dict) -> None:
    """Refuse to run in production with development secrets."""
    if config.get("PLANNER_ENV") != "production":
        return
    if not config.get("SECRET_KEY") or config["SECRET_KEY"] == DEFAULT_SECRET_KEY:
        raise ConfigError("PLANNER_SECRET_KEY must be set to a long random value in production.")
    if len(config["SECRET_KEY"]) < 32:
        raise ConfigError("PLANNER_SECRET_KEY must be at least 32 characters in production.")
    if not config.get("ENCRYPTION_KEYS") or config["ENCRYPTION_KEYS"] == DEFAULT_ENCRYPTION_KEYS:
        raise ConfigError("PLANNER_ENCRYPTION_KEYS must be set in production.")
    if not config["BASE_URL"].startswith("https://"):
        raise ConfigError("PLANNER_BASE_URL must be an https:// address in production.")
    if config.get("PASSWORD_HASH_PROFILE", "production") != "production":
        raise ConfigError("PASSWORD_HASH_PROFILE is for tests only, never for production.")
    check_rate_limit_storage(config)


def check_rate_limit_storage(config: dict) -> None:
    """Refuse per-process rate limits (memory://) when several workers serve production.

    Each worker would count on its own: with 4 workers, 40 password guesses a minute pass a
    limit of 10. When the number of workers cannot be known, say so loudly in the log.
    """
    from planner.workers import web_workers

    storage = (config.get("RATELIMIT_STORAGE_URI") or "memory://").strip()
    if not storage.startswith("memory://") or config.get("RATELIMIT_ENABLED") is False:
        return
    workers = web_workers()
    if workers is not None and workers > 1:
        raise ConfigError(
            f"PLANNER_RATELIMIT_STORAGE_URI is memory:// but {workers} workers serve the app: "
            "each would count rate limits on its own. Use Redis "
            "(PLANNER_RATELIMIT_STORAGE_URI=redis://host:6379/0) or one worker."
        )
    if workers is None:
        import logging

        logging.getLogger("planner.config").warning(
            "PLANNER_RATELIMIT_STORAGE_URI is memory://: rate limits hold only with ONE web "
            "worker process. With several, use Redis (redis://host:6379/0), or set "
            "PLANNER_WORKERS=1 to say there is one."
        )
