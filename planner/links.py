"""Addresses the app writes into e-mails, PDFs and feeds: always from the configured
``BASE_URL``, never from the request's Host header (a forged Host would otherwise end up in a
personal link)."""

from urllib.parse import urlsplit

from flask import current_app


def base_url() -> str:
    return current_app.config["BASE_URL"]


def absolute_url(path: str, base: str | None = None) -> str:
    """``path`` below the base URL (``base`` when given, else the configured one)."""
    base = base_url() if base is None else base
    return f"{base.rstrip('/')}/{path.lstrip('/')}"


def personal_url(prefix: str, token: str, suffix: str = "", base: str | None = None) -> str:
    """The address of a secret link: ``/<prefix>/<token><suffix>`` below the base URL."""
    return absolute_url(f"{prefix.strip('/')}/{token}{suffix}", base)


def base_host() -> str:
    """The host of the base URL (calendar UIDs, message ids)."""
    return urlsplit(base_url()).hostname or "planner.invalid"
