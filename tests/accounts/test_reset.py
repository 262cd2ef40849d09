"""Password reset by e-mail: same answer for every address, single use, one hour, sessions die."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from planner.accounts.models import PasswordReset
from planner.accounts.reset import RESETS_PER_ACCOUNT_PER_HOUR
from planner.auth.models import Organizer
from planner.auth.passwords import verify_password
from planner.db import utcnow
from planner.extensions import db
from planner.mail.models import OutboundEmail
from tests import factories
from tests.accounts.conftest import link_in_outbox

NEW_PASSWORD = "a brand new password"


def _page(response, email: str) -> str:
    """The page with the address typed and the (time-stamped) CSRF token taken out."""
    text = response.get_data(as_text=True).replace(email, "X")
    return re.sub(r'(name="csrf_token" value=)"[^"]*"', r"\1", text)


def _resets() -> int:
    return db.session.scalar(select(func.count()).select_from(PasswordReset))


def _mails(kind: str = "password_reset") -> int:
    return db.session.scalar(
        select(func.count()).select_from(OutboundEmail).where(OutboundEmail.kind == kind)
    )


def test_login_page_offers_the_reset(client, db):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgot"' in page
    assert "Forgot your password?" in page


def test_the_answer_is_the_same_whether_or_not_an_account_exists(client, organizer, db):
    known = client.post("/password/forgot", data={"email": organizer.email})
    unknown = client.post("/password/forgot", data={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert _page(known, organizer.email) == _page(unknown, "nobody@example.org")
    assert _mails() == 1
    message = db.session.scalar(select(OutboundEmail))
    assert message.recipient == organizer.email
    assert message.institute_id is None


def test_known_and_unknown_addresses_do_the_same_work_and_wait_the_same(
    app, client, organizer, db, monkeypatch
):
    """No timing assertion: both paths render the reset e-mail, make and hash a token, and
    wait for the same configured floor; the requester sees the same page and status, and
    their own outbox-visible answer (the page) names no difference."""
    from planner.accounts import reset as reset_module

    waits, rendered = [], []
    render = reset_module.render_email
    monkeypatch.setattr(reset_module, "_sleep", waits.append)
    monkeypatch.setattr(
        reset_module, "render_email", lambda *a, **k: rendered.append(a[0]) or render(*a, **k)
    )
    monkeypatch.setitem(app.config, "PASSWORD_RESET_MIN_SECONDS", 30)
    inactive = factories.make_organizer(active=False)
    db.session.commit()

    answers = {}
    for label, email in (
        ("known", organizer.email),
        ("unknown", "nobody@example.org"),
        ("inactive", inactive.email),
    ):
        response = client.post("/password/forgot", data={"email": email})
        answers[label] = (response.status_code, _page(response, email))

    assert len(set(answers.values())) == 1
    assert rendered == ["accounts/email/password_reset"] * 3
    assert len(waits) == 3 and all(25 < wait <= 30 for wait in waits)
    assert _mails() == 1  # only the account's owner is written to


def test_an_inactive_account_gets_nothing(client, db):
    inactive = factories.make_organizer(active=False)
    assert client.post("/password/forgot", data={"email": inactive.email}).status_code == 200
    assert _mails() == 0


def test_reset_sets_the_password_and_every_other_session_dies(client, app, login, organizer, db):
    old_browser = login(organizer, on=app.test_client())
    assert old_browser.get("/institutes/").status_code == 200
    client.post("/password/forgot", data={"email": organizer.email})
    path = link_in_outbox(organizer.email, "/password/reset/")

    browser = app.test_client()
    page = browser.get(path)  # opening it changes nothing
    assert page.status_code == 200
    assert organizer.email in page.get_data(as_text=True)
    assert db.session.scalar(select(PasswordReset)).used_at is None
    done = browser.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert browser.get("/institutes/").status_code == 200  # this browser is signed in

    old = old_browser.get("/institutes/")
    assert old.status_code == 302 and old.headers["Location"].startswith("/login")
    db.session.expire_all()
    account = db.session.get(Organizer, organizer.id)
    assert verify_password(account.password_hash, NEW_PASSWORD)
    assert not verify_password(account.password_hash, factories.DEFAULT_PASSWORD)
    # Single use.
    assert app.test_client().get(path).status_code == 404


def test_using_one_link_voids_the_others(client, app, organizer, db):
    client.post("/password/forgot", data={"email": organizer.email})
    first = link_in_outbox(organizer.email, "/password/reset/")
    client.post("/password/forgot", data={"email": organizer.email})
    second = link_in_outbox(organizer.email, "/password/reset/")
    assert (
        app.test_client()
        .post(second, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
        .status_code
        == 302
    )
    assert app.test_client().get(first).status_code == 404


def test_a_link_older_than_an_hour_does_not_work(client, organizer, db):
    client.post("/password/forgot", data={"email": organizer.email})
    path = link_in_outbox(organizer.email, "/password/reset/")
    reset = db.session.scalar(select(PasswordReset))
    assert reset.expires_at - reset.created_at == timedelta(hours=1)
    reset.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    page = client.get(path)
    assert page.status_code == 404
    assert "Ask for a new one" in page.get_data(as_text=True)


def test_per_account_limit_is_silent(client, organizer, db):
    answers = {
        client.post("/password/forgot", data={"email": organizer.email}).status_code
        for _ in range(RESETS_PER_ACCOUNT_PER_HOUR + 2)
    }
    assert answers == {200}
    assert _resets() == RESETS_PER_ACCOUNT_PER_HOUR
    assert _mails() == RESETS_PER_ACCOUNT_PER_HOUR


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"password": "", "confirm": ""}, "This field is required."),
        ({"password": "short", "confirm": "short"}, "at least 10 characters"),
        ({"password": NEW_PASSWORD, "confirm": "something else"}, "The passwords differ."),
    ],
)
def test_invalid_new_password_is_explained_and_changes_nothing(
    client, app, organizer, db, data, message
):
    client.post("/password/forgot", data={"email": organizer.email})
    path = link_in_outbox(organizer.email, "/password/reset/")
    response = app.test_client().post(path, data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(PasswordReset)).used_at is None
    account = db.session.get(Organizer, organizer.id)
    assert verify_password(account.password_hash, factories.DEFAULT_PASSWORD)


@pytest.mark.parametrize("email", ["", "not-an-email", "someone@probe.test"])
def test_invalid_address_is_explained_and_kept(client, db, email):
    response = client.post("/password/forgot", data={"email": email})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Invalid email address." in page or "This field is required." in page
    if email:
        assert f'value="{email}"' in page
    assert _mails() == 0


class TestRateLimits:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_ENABLED": True, "PASSWORD_RESET_RATE_LIMIT": "2 per minute"}

    def test_per_typed_address(self, app, db):
        # From three client addresses: the address typed is limited too, whether or not an
        # account has it.
        def ask(n: int):
            return app.test_client().post(
                "/password/forgot",
                data={"email": "nobody@example.org"},
                environ_base={"REMOTE_ADDR": f"10.0.0.{n}"},
            )

        assert [ask(n).status_code for n in range(3)] == [200, 200, 429]

    def test_per_client_address(self, app, db):
        browser = app.test_client()
        for n in range(2):
            browser.post("/password/forgot", data={"email": f"person{n}@example.org"})
        limited = browser.post("/password/forgot", data={"email": "person9@example.org"})
        assert limited.status_code == 429


def test_the_reset_pages_speak_russian(client, db):
    page = client.get("/password/forgot", headers={"Accept-Language": "ru"})
    assert "Забыли пароль?" in page.get_data(as_text=True)
    login_page = client.get("/login", headers={"Accept-Language": "ru"})
    assert "Забыли пароль?" in login_page.get_data(as_text=True)
