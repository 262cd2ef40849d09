"""Argon2id password hashing."""

from functools import cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_PASSWORD_LENGTH = 10

# OWASP's Password Storage Cheat Sheet lists Argon2id configurations of equal strength that
# trade memory for passes (19 MiB with 2 passes, 12 MiB with 3, 9 MiB with 4, 7 MiB with 5;
# 1 lane each). We use 7 MiB and 5 passes: the same work for an attacker, and the least
# memory a web worker needs at a sign-in, on top of everything its pages hold (DESIGN §7:
# 110 MB). Not argon2-cffi's default (RFC 9106's low-memory profile, 64 MiB, t=3, p=4): each
# sign-in would add 64 MiB. Hashes made with other parameters still verify and are made again
# with these at the next sign-in (authenticate()).
HASHERS = {
    "production": PasswordHasher(time_cost=5, memory_cost=7 * 1024, parallelism=1),
    # Tests only (tests/conftest.py): a hash costs microseconds. Not read from the
    # environment, and refused in production (config.check_production).
    "cheapest": PasswordHasher.from_parameters(profiles.CHEAPEST),
}


def _hasher() -> PasswordHasher:
    return HASHERS[current_app.config.get("PASSWORD_HASH_PROFILE", "production")]


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


def dummy_hash() -> str:
    """A real hash to verify against when the e-mail is unknown, so timing does not reveal
    accounts."""
    return _dummy_hash(_hasher())


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    # Made on first use: hashing at import would make every process (mail sender, render
    # worker, each CLI command) allocate Argon2's memory for nothing.
    return hasher.hash("not-a-real-password")
