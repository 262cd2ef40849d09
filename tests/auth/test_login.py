"""Organizer sign-in, sign-out, password change and the login rate limit."""

import pytest

from planner.auth.models import Organizer
from planner.auth.passwords import verify_password
from tests import factories


def test_organizer_signs_in_with_the_right_password(client, organizer):
    response = client.post(
        "/login", data={"email": organizer.email.upper(), "password": factories.DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/institutes/"
    assert client.get("/institutes/").status_code == 200


def test_wrong_password_is_refused_with_a_message_and_the_email_kept(client, organizer):
    response = client.post("/login", data={"email": organizer.email, "password": "wrong password"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The e-mail or password is not correct." in page
    assert f'value="{organizer.email}"' in page
    assert client.get("/institutes/").status_code == 302


def test_unknown_email_gets_the_same_answer_as_a_wrong_password(client, db):
    response = client.post("/login", data={"email": "nobody@example.org", "password": "x" * 12})
    assert response.status_code == 400
    assert "The e-mail or password is not correct." in response.get_data(as_text=True)


def test_invalid_email_is_refused_next_to_the_field(client, db):
    response = client.post("/login", data={"email": "not-an-email", "password": ""})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Invalid email address." in page
    assert "This field is required." in page


def test_inactive_organizer_cannot_sign_in(client, db):
    organizer = factories.make_organizer(active=False)
    response = client.post(
        "/login", data={"email": organizer.email, "password": factories.DEFAULT_PASSWORD}
    )
    assert response.status_code == 400


def test_login_redirects_only_to_local_pages(client, organizer):
    data = {"email": organizer.email, "password": factories.DEFAULT_PASSWORD}
    response = client.post("/login?next=https://evil.example/steal", data=data)
    assert response.headers["Location"] == "/institutes/"
    client.post("/logout")
    response = client.post("/login?next=/institutes/new", data=data)
    assert response.headers["Location"] == "/institutes/new"


def test_logout_ends_the_session(client, login, organizer):
    login(organizer)
    response = client.post("/logout")
    assert response.status_code == 302
    assert client.get("/institutes/").status_code == 302


def test_logout_is_post_only(client, login, organizer):
    login(organizer)
    assert client.get("/logout").status_code == 405
    assert client.get("/institutes/").status_code == 200


def test_password_change_signs_out_other_sessions(app, client, login, organizer, db):
    other_device = app.test_client()
    login(organizer, on=other_device)
    login(organizer)
    response = client.post(
        "/account/password",
        data={
            "current_password": factories.DEFAULT_PASSWORD,
            "new_password": "a new long password",
            "confirm": "a new long password",
        },
    )
    assert response.status_code == 302
    assert client.get("/institutes/").status_code == 200  # this session goes on
    assert other_device.get("/institutes/").status_code == 302  # the other one is signed out
    db.session.expire_all()
    stored = db.session.get(Organizer, organizer.id)
    assert verify_password(stored.password_hash, "a new long password")
    assert stored.password_hash.startswith("$argon2id$")


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        ("wrong password!", "a new long password", "a new long password", "not correct"),
        (factories.DEFAULT_PASSWORD, "short", "short", "between 10 and 200 characters"),
        (factories.DEFAULT_PASSWORD, "a new long password", "another password", "differ"),
    ],
)
def test_password_change_with_bad_input_changes_nothing(
    client, login, organizer, db, current, new, confirm, message
):
    login(organizer)
    before = organizer.password_hash
    response = client.post(
        "/account/password",
        data={"current_password": current, "new_password": new, "confirm": confirm},
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Organizer, organizer.id).password_hash == before


class TestRateLimit:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per minute"}

    def test_login_attempts_are_rate_limited(self, client, organizer):
        for _ in range(3):
            response = client.post("/login", data={"email": organizer.email, "password": "bad"})
            assert response.status_code == 400
        response = client.post(
            "/login", data={"email": organizer.email, "password": factories.DEFAULT_PASSWORD}
        )
        assert response.status_code == 429
        assert "Too many attempts" in response.get_data(as_text=True)
        # Looking at the form is not limited.
        assert client.get("/login").status_code == 200


class TestCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_post_without_csrf_token_is_refused(self, client, organizer):
        response = client.post(
            "/login", data={"email": organizer.email, "password": factories.DEFAULT_PASSWORD}
        )
        assert response.status_code == 400
        assert client.get("/institutes/").status_code == 302

    def test_post_with_the_form_token_is_accepted(self, client, organizer):
        import re

        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post(
            "/login",
            data={
                "email": organizer.email,
                "password": factories.DEFAULT_PASSWORD,
                "csrf_token": token,
            },
        )
        assert response.status_code == 302

    def test_logout_needs_the_token_too(self, client, organizer, login):
        import re

        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        client.post(
            "/login",
            data={
                "email": organizer.email,
                "password": factories.DEFAULT_PASSWORD,
                "csrf_token": token,
            },
        )
        assert client.post("/logout").status_code == 400
        assert client.get("/institutes/").status_code == 200
