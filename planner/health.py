"""/healthz for monitoring: the database and, when rate limits are kept there, Redis answer.

The body names each part and whether it answered, never why not: error texts can carry
addresses and user names of the servers, so they go to the log (as a class name) only.
"""

import logging

from flask import Flask, current_app
from sqlalchemy import text

from planner.extensions import db, limiter

log = logging.getLogger(__name__)
REDIS_SCHEMES = ("redis://", "rediss://", "redis+sentinel://", "redis+cluster://", "redis+unix://")
TIMEOUT_SECONDS = 2


def check_database() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except Exception as error:
        log.error("healthz: the database did not answer (%s)", type(error).__name__)
        return False
    finally:
        db.session.rollback()


def redis_uri() -> str | None:
    uri = current_app.config.get("RATELIMIT_STORAGE_URI") or ""
    return uri if uri.startswith(REDIS_SCHEMES) else None


def check_redis(uri: str) -> bool:
    try:
        storage = limiter.storage
        if storage is not None and hasattr(storage, "check"):
            answered = bool(storage.check())
        else:  # pragma: no cover - older Flask-Limiter without a storage check
            import redis

            answered = bool(redis.from_url(uri, socket_timeout=TIMEOUT_SECONDS).ping())
    except Exception as error:
        log.error("healthz: Redis did not answer (%s)", type(error).__name__)
        return False
    if not answered:
        log.error("healthz: Redis did not answer")
    return answered


def healthz():
    checks = {"database": "ok" if check_database() else "failing"}
    uri = redis_uri()
    if uri:
        checks["redis"] = "ok" if check_redis(uri) else "failing"
    healthy = all(state == "ok" for state in checks.values())
    body = {"status": "ok" if healthy else "failing", "checks": checks}
    return body, 200 if healthy else 503, {"Cache-Control": "no-store"}


def init_app(app: Flask) -> None:
    app.add_url_rule("/healthz", "healthz", limiter.exempt(healthz), methods=["GET"])
