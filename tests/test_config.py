"""Production safety: secrets, cookies, headers, trusted hosts; health check."""

import pytest

from planner import create_app
from planner.config import DEFAULT_ENCRYPTION_KEYS, ConfigError

STRONG_SECRET = "s" * 48
PROD_KEYS = "k1:cHJvZHVjdGlvbi1rZXktdGhpcnR5LXR3by1ieXRlcyE="


@pytest.fixture
def production_env(monkeypatch, tmp_path):
    monkeypatch.setenv("PLANNER_ENV", "production")
    monkeypatch.setenv("PLANNER_BASE_URL", "https://planner.example.org")
    monkeypatch.setenv("PLANNER_DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite'}")
    monkeypatch.setenv("PLANNER_ENCRYPTION_KEYS", PROD_KEYS)
    monkeypatch.setenv("PLANNER_SECRET_KEY", STRONG_SECRET)


def test_production_refuses_to_start_without_a_secret_key(production_env, monkeypatch):
    monkeypatch.delenv("PLANNER_SECRET_KEY")
    with pytest.raises(ConfigError, match="PLANNER_SECRET_KEY"):
        create_app()


def test_production_refuses_a_short_secret_key(production_env, monkeypatch):
    monkeypatch.setenv("PLANNER_SECRET_KEY", "short")
    with pytest.raises(ConfigError, match="at least 32"):
        create_app()


def test_production_refuses_the_development_encryption_key(production_env, monkeypatch):
    monkeypatch.setenv("PLANNER_ENCRYPTION_KEYS", DEFAULT_ENCRYPTION_KEYS)
    with pytest.raises(ConfigError, match="PLANNER_ENCRYPTION_KEYS"):
        create_app()


def test_production_refuses_plain_http_base_url(production_env, monkeypatch):
    monkeypatch.setenv("PLANNER_BASE_URL", "http://planner.example.org")
    with pytest.raises(ConfigError, match="https"):
        create_app()


def test_production_refuses_the_cheap_password_hashing_of_tests(production_env):
    with pytest.raises(ConfigError, match="PASSWORD_HASH_PROFILE"):
        create_app({"PASSWORD_HASH_PROFILE": "cheapest"})


def test_production_cookies_hosts_and_hsts(production_env):
    app = create_app()
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["TRUSTED_HOSTS"] == ["planner.example.org"]
    client = app.test_client()
    response = client.get("/login", base_url="https://planner.example.org")
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    assert client.get("/login", base_url="https://evil.example").status_code == 400


def test_security_headers_on_every_page(client, db):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    for directive in (
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "script-src 'self'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "<script>" not in response.get_data(as_text=True)


def test_error_pages_use_the_layout(client, db):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Not found" in page
    assert "Institute Planner" in page


def test_healthz_answers_when_the_database_does(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "checks": {"database": "ok"}}
