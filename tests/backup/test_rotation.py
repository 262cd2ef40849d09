"""``flask rotate-encryption-key`` re-encrypts every encrypted field under the newest key id."""

import pyotp
import pytest
from sqlalchemy import Text, select, type_coerce

from planner.security.crypto import FieldCipher
from planner.twofactor import services as twofactor
from planner.twofactor.models import TwoFactor
from tests import factories
from tests.conftest import TEST_ENCRYPTION_KEYS

OLD_KEY_ONLY = TEST_ENCRYPTION_KEYS.split(",")[1]  # "test1:..."


@pytest.fixture
def app_config():
    return {"ENCRYPTION_KEYS": OLD_KEY_ONLY}


def _raw(db, column):
    return db.session.scalars(select(type_coerce(column, Text)).where(column.is_not(None))).all()


def test_rotation_re_encrypts_every_field_under_the_newest_key(app, db, organizer, institute):
    people = [
        factories.make_invitee(institute, passport_number=f"P{n:07d}", date_of_birth="1991-02-03")
        for n in range(3)
    ]
    factories.make_invitee(institute)  # nothing to encrypt
    twofactor.start_setup(organizer)
    db.session.commit()
    secret = db.session.get(TwoFactor, organizer.id).secret
    passports = people[0].__table__.c.passport_number
    assert all(v.startswith("test1:") for v in _raw(db, passports))
    # The operator adds a new key in front: new writes use it, old values still read.
    app.extensions["planner_cipher"] = FieldCipher(TEST_ENCRYPTION_KEYS)

    result = app.test_cli_runner().invoke(args=["rotate-encryption-key"])

    assert result.exit_code == 0, result.output
    assert "invitee.passport_number: 3 re-encrypted, 0 already under the newest key." in (
        result.output
    )
    assert "invitee.date_of_birth: 3 re-encrypted" in result.output
    assert "organizer_two_factor.secret: 1 re-encrypted" in result.output
    db.session.expire_all()
    assert all(v.startswith("test2:") for v in _raw(db, passports))
    assert all(v.startswith("test2:") for v in _raw(db, TwoFactor.__table__.c.secret))
    assert sorted(p.passport_number for p in people) == ["P0000000", "P0000001", "P0000002"]
    assert db.session.get(TwoFactor, organizer.id).secret == secret
    assert twofactor.confirm_setup(organizer, pyotp.TOTP(secret).now())
    # The old key can now be removed: everything reads with the newest alone.
    app.extensions["planner_cipher"] = FieldCipher(TEST_ENCRYPTION_KEYS.split(",")[0])
    db.session.expire_all()
    assert people[1].passport_number == "P0000001"

    again = app.test_cli_runner().invoke(args=["rotate-encryption-key"])
    assert "invitee.passport_number: 0 re-encrypted, 3 already under the newest key." in (
        again.output
    )
