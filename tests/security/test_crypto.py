"""Field encryption: AES-256-GCM with key ids, so keys can rotate."""

import base64

import pytest
from cryptography.exceptions import InvalidTag
from sqlalchemy import text

from planner.security.crypto import EncryptionKeyError, FieldCipher
from tests import factories

OLD = "old:" + base64.b64encode(b"o" * 32).decode()
NEW = "new:" + base64.b64encode(b"n" * 32).decode()


def test_round_trip_and_random_nonce():
    cipher = FieldCipher(NEW)
    first, second = cipher.encrypt("N1234567"), cipher.encrypt("N1234567")
    assert first != second
    assert first.startswith("new:")
    assert "N1234567" not in first
    assert cipher.decrypt(first) == "N1234567"


def test_rotation_reads_old_values_and_writes_with_the_first_key():
    stored = FieldCipher(OLD).encrypt("N7654321")
    rotated = FieldCipher(f"{NEW},{OLD}")
    assert rotated.decrypt(stored) == "N7654321"
    assert rotated.encrypt("x").startswith("new:")


def test_tampered_ciphertext_is_rejected():
    cipher = FieldCipher(NEW)
    key_id, _, payload = cipher.encrypt("N1234567").partition(":")
    raw = bytearray(base64.b64decode(payload))
    raw[-1] ^= 1
    with pytest.raises(InvalidTag):
        cipher.decrypt(f"{key_id}:{base64.b64encode(bytes(raw)).decode()}")


@pytest.mark.parametrize(
    "spec", ["", "nokey", "short:" + base64.b64encode(b"x" * 16).decode(), "bad:not base64!"]
)
def test_unusable_key_configuration_is_refused(spec):
    with pytest.raises(EncryptionKeyError):
        FieldCipher(spec)


def test_passport_number_is_stored_encrypted(db, institute):
    invitee = factories.make_invitee(
        institute, passport_number="N0012345", date_of_birth="1988-02-29"
    )
    raw = db.session.execute(
        text("SELECT passport_number, date_of_birth FROM invitee WHERE id = :id"),
        {"id": invitee.id},
    ).one()
    assert "N0012345" not in raw.passport_number
    assert raw.passport_number.startswith("test2:")
    assert "1988" not in raw.date_of_birth
    db.session.expire_all()
    assert invitee.passport_number == "N0012345"
    assert invitee.birth_date.isoformat() == "1988-02-29"
