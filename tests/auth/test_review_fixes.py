"""Regression tests of the security review: redirects and sign-out."""

import pytest

from tests import factories


@pytest.mark.parametrize(
    "target",
    [
        "/\\evil.example/steal",
        "/\\/evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "\\\\evil.example",
    ],
)
def test_login_next_with_backslashes_or_control_characters_stays_here(client, organizer, target):
    """Browsers read "/\\host" and "/<TAB>/host" as "//host": another site."""
    data = {"email": organizer.email, "password": factories.DEFAULT_PASSWORD}
    response = client.post("/login", query_string={"next": target}, data=data)
    assert response.status_code == 302
    assert response.headers["Location"] == "/institutes/"


def test_language_switch_next_with_a_backslash_stays_here(client, db):
    response = client.post("/language", data={"lang": "ru", "next": "/\\evil.example"})
    assert response.status_code == 302
    assert "evil" not in response.headers["Location"]


def test_a_session_cookie_copied_before_logout_no_longer_works(app, client, login, organizer):
    """Logout revokes the session (DESIGN §6): a stolen cookie dies with it."""
    login(organizer)
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    assert thief.get("/institutes/").status_code == 200

    client.post("/logout")

    assert thief.get("/institutes/").status_code == 302


class TestRateLimitBehindAProxy:
    """Behind a reverse proxy every request comes from the proxy's address: without trusting
    its X-Forwarded-For, one attacker's failed logins lock every organizer out."""

    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "2 per minute", "PROXY_HOPS": 1}

    def test_each_client_has_its_own_login_limit(self, client, organizer):
        attacker = {"X-Forwarded-For": "198.51.100.7"}
        bad = {"email": organizer.email, "password": "wrong password"}
        for _ in range(2):
            assert client.post("/login", data=bad, headers=attacker).status_code == 400
        assert client.post("/login", data=bad, headers=attacker).status_code == 429

        good = {"email": organizer.email, "password": factories.DEFAULT_PASSWORD}
        response = client.post("/login", data=good, headers={"X-Forwarded-For": "203.0.113.5"})
        assert response.status_code == 302
