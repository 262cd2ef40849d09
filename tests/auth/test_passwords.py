"""Passwords are hashed with the production Argon2id profile (OWASP: 7 MiB, t=5, p=1), and
a hash made with other parameters is made again at the next sign-in."""

import pytest
from argon2 import PasswordHasher, extract_parameters, profiles

from planner.auth import services
from planner.auth.models import Organizer
from planner.auth.passwords import verify_password

PASSWORD = "a long enough password"


@pytest.fixture
def app_config() -> dict:
    return {"PASSWORD_HASH_PROFILE": "production"}


def _stored_hash(db, organizer_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Organizer, organizer_id).password_hash


def _costs(password_hash: str) -> tuple[int, int, int]:
    """(memory in KiB, passes, lanes) of an Argon2 hash."""
    parameters = extract_parameters(password_hash)
    return parameters.memory_cost, parameters.time_cost, parameters.parallelism


def test_an_organizer_signs_in_with_a_password_hashed_with_the_production_profile(client, db):
    organizer = services.create_organizer("olga@example.org", "Olga", PASSWORD)
    db.session.commit()
    assert _costs(_stored_hash(db, organizer.id)) == (7168, 5, 1)

    response = client.post("/login", data={"email": "olga@example.org", "password": PASSWORD})

    assert response.status_code == 302
    assert client.get("/institutes/").status_code == 200


def test_a_hash_with_the_old_parameters_is_made_again_at_the_next_sign_in(client, db):
    old = PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY).hash(PASSWORD)
    organizer = Organizer(email="olga@example.org", name="Olga", password_hash=old)
    db.session.add(organizer)
    db.session.commit()

    response = client.post("/login", data={"email": "olga@example.org", "password": PASSWORD})

    assert response.status_code == 302
    assert client.get("/institutes/").status_code == 200
    stored = _stored_hash(db, organizer.id)
    assert _costs(stored) == (7168, 5, 1)
    assert verify_password(stored, PASSWORD)
