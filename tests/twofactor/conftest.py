"""Two-factor helpers: turn it on for an organizer, compute codes as an authenticator app."""

import time

import pyotp
import pytest

from planner.extensions import db
from planner.twofactor import services


def enable_two_factor(organizer) -> tuple[str, list[str]]:
    """Set up and confirm two-factor as the account page does; (secret, recovery codes)."""
    record = services.start_setup(organizer)
    secret = record.secret
    codes = services.confirm_setup(organizer, pyotp.TOTP(secret).now())
    db.session.commit()
    return secret, codes


def next_code(secret: str) -> str:
    """A code the app shows 30 s later: valid (clock drift), and not yet used at set-up."""
    return pyotp.TOTP(secret).at(time.time() + 30)


@pytest.fixture
def sign_in_with_code(client):
    def sign_in(organizer, code: str, *, password: str | None = None, next_url: str = ""):
        from tests import factories

        url = f"/login?next={next_url}" if next_url else "/login"
        first = client.post(
            url,
            data={"email": organizer.email, "password": password or factories.DEFAULT_PASSWORD},
        )
        assert first.status_code == 302
        assert first.headers["Location"] == "/login/two-factor"
        return client.post("/login/two-factor", data={"code": code})

    return sign_in
