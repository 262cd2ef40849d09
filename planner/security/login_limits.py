"""A limit on failed sign-ins per account, counted in the rate limiter's storage.

The per-address limit on /login stops one machine; this one stops many machines guessing
the password of one account. It counts failures for the e-mail typed (existing or not, so
the answer tells nothing about which accounts exist), keyed by a hash of the address so
the storage (Redis) holds no e-mail. While it is reached, even the right password is refused.
"""

import hashlib
import logging

from flask import current_app
from limits import parse_many

from planner.extensions import limiter

log = logging.getLogger(__name__)
NAMESPACE = "login-account"


def _active() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True)) and limiter.enabled


def _key(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def _limits():
    return parse_many(current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"])


def account_blocked(email: str) -> bool:
    """Has this account had too many failed sign-ins lately?"""
    if not _active() or not email:
        return False
    try:
        return any(not limiter.limiter.test(item, NAMESPACE, _key(email)) for item in _limits())
    except Exception as error:  # the storage is down: the per-address limit still applies
        log.error("per-account sign-in limit not checked (%s)", type(error).__name__)
        return False


def record_failure(email: str) -> None:
    if not _active() or not email:
        return
    try:
        for item in _limits():
            limiter.limiter.hit(item, NAMESPACE, _key(email))
    except Exception as error:
        log.error("failed sign-in not counted (%s)", type(error).__name__)
