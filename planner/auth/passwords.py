"""Argon2id password hashing."""

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters

MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@cache
def dummy_hash() -> str:
    """A real hash to verify against when the e-mail is unknown, so timing does not reveal
    accounts. Made on first use: hashing at import would make every process (mail sender,
    render worker, each CLI command) allocate Argon2's 64 MiB for nothing."""
    return _hasher.hash("not-a-real-password")
