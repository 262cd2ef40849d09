"""The administration page: values per encryption key id (never the values), re-encryption
under the newest key after re-authentication, reported as the CLI reports it."""

import re

import pytest
from sqlalchemy import Text, select, type_coerce

from planner.extensions import db
from planner.invitations.models import Invitee
from planner.security.crypto import FieldCipher
from planner.security.models import AuditEvent
from planner.twofactor.models import TwoFactor
from tests import factories
from tests.conftest import TEST_ENCRYPTION_KEYS
from tests.twofactor.conftest import enable_two_factor, next_code

OLD_KEY_ONLY = TEST_ENCRYPTION_KEYS.split(",")[1]  # "test1:..."
PASSWORD = {"password": factories.DEFAULT_PASSWORD}


@pytest.fixture
def app_config():
    return {"ENCRYPTION_KEYS": OLD_KEY_ONLY}


def count_of(page: str, key_id: str) -> int:
    match = re.search(
        rf"<code>{key_id}</code></td>.*?<td class=\"text-end\">(\d+)</td>", page, re.S
    )
    return int(match.group(1))


def test_the_page_counts_values_per_key_and_rotation_moves_them_to_the_newest(
    app, client, login, institute
):
    admin = factories.make_organizer(is_admin=True)
    for n in range(3):
        factories.make_invitee(institute, passport_number=f"FA{n:07d}", date_of_birth="1990-01-02")
    login(admin)
    app.extensions["planner_cipher"] = FieldCipher(TEST_ENCRYPTION_KEYS)  # test2 put first

    page = client.get("/admin/").get_data(as_text=True)
    assert count_of(page, "test1") == 6 and count_of(page, "test2") == 0
    assert "FA0000001" not in page and "1990-01-02" not in page

    wrong = client.post("/admin/rotate-encryption-key", data={"password": "nope"})
    assert wrong.status_code == 400
    assert "The password is not correct." in wrong.get_data(as_text=True)
    assert count_of(wrong.get_data(as_text=True), "test1") == 6

    done = client.post("/admin/rotate-encryption-key", data=PASSWORD)
    text = done.get_data(as_text=True)
    assert done.status_code == 200
    assert "invitee.passport_number</code>: 3 re-encrypted, 0 already under the newest key." in text
    assert count_of(text, "test2") == 6 and count_of(text, "test1") == 0
    raw = db.session.scalars(select(type_coerce(Invitee.__table__.c.passport_number, Text))).all()
    assert all(v.startswith("test2:") for v in raw)
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "installation.encryption_key_rotated")
    )
    again = client.post("/admin/rotate-encryption-key", data=PASSWORD).get_data(as_text=True)
    assert (
        "invitee.passport_number</code>: 0 re-encrypted, 3 already under the newest key." in again
    )


def test_an_id_no_longer_configured_is_shown_as_unreadable(app, client, login, institute):
    factories.make_invitee(institute, passport_number="FA0000009")
    login(factories.make_organizer(is_admin=True))
    app.extensions["planner_cipher"] = FieldCipher(TEST_ENCRYPTION_KEYS.split(",")[0])
    page = client.get("/admin/").get_data(as_text=True)
    assert count_of(page, "test1") == 1
    assert "not configured: these values cannot be read" in page


def test_with_two_factor_on_rotation_needs_a_code(app, client, institute):
    admin = factories.make_organizer(is_admin=True)
    secret, _codes = enable_two_factor(admin)
    client.post("/login", data={"email": admin.email, **PASSWORD})
    client.post("/login/two-factor", data={"code": next_code(secret)})
    assert 'name="code"' in client.get("/admin/").get_data(as_text=True)

    assert client.post("/admin/rotate-encryption-key", data=PASSWORD).status_code == 400
    db.session.get(TwoFactor, admin.id).last_step -= 2  # a minute later
    db.session.commit()
    response = client.post(
        "/admin/rotate-encryption-key", data={**PASSWORD, "code": next_code(secret)}
    )
    assert response.status_code == 200
    assert "Re-encryption is done." in response.get_data(as_text=True)


def test_rotation_without_the_csrf_token_is_refused(app, client, login, db):
    login(factories.make_organizer(is_admin=True))
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/admin/rotate-encryption-key", data=PASSWORD)
    assert response.status_code == 400
    assert "Re-encryption is done." not in response.get_data(as_text=True)


def test_the_cli_grants_and_takes_administration(app, runner, db):
    result = runner.invoke(
        args=[
            "create-organizer",
            "--email",
            "root@example.org",
            "--name",
            "Root",
            "--admin",
            "--password",
            "a long enough password",
        ]
    )
    assert result.exit_code == 0, result.output
    person = factories.make_organizer(email="later@example.org")
    assert runner.invoke(args=["make-admin", "later@example.org"]).exit_code == 0
    db.session.expire_all()
    assert person.is_admin
    assert runner.invoke(args=["make-admin", "--revoke", "later@example.org"]).exit_code == 0
    db.session.expire_all()
    assert not person.is_admin
    missing = runner.invoke(args=["make-admin", "nobody@example.org"])
    assert missing.exit_code != 0 and "No organizer" in missing.output
    from planner.auth.services import find_organizer

    assert find_organizer("root@example.org").is_admin
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"organizer.admin_granted", "organizer.admin_revoked"} <= actions


def test_the_demo_login_is_an_administrator(app, db):
    from planner.auth.services import find_organizer
    from planner.demo import DEMO_EMAIL, load_demo

    load_demo()
    db.session.commit()
    assert find_organizer(DEMO_EMAIL).is_admin
