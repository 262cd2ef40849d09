"""Password reset by e-mail.

The rule: anyone may ask for a reset link for an address; the answer is the same whether an
account exists or not. An active account gets a single-use link valid for ``RESET_LIFETIME``,
at most ``RESETS_PER_ACCOUNT_PER_HOUR`` a rolling hour (more requests are dropped silently,
so the limit reveals nothing either; the view also limits by client address and by address
typed). Setting the new password through the link uses it up, voids the account's other
reset links and revokes every session of the account (the caller then signs in the browser
that used the link).
"""

import time
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from planner.accounts.models import PasswordReset
from planner.auth.addresses import normalize_email
from planner.auth.models import Organizer
from planner.auth.passwords import MIN_PASSWORD_LENGTH, hash_password
from planner.auth.services import AccountError, find_organizer, revoke_sessions
from planner.db import utcnow
from planner.extensions import db
from planner.links import personal_url
from planner.mail.services import queue_email, render_email
from planner.security import audit
from planner.security.tokens import hash_token, new_token

RESET_LIFETIME = timedelta(hours=1)
RESETS_PER_ACCOUNT_PER_HOUR = 3


def reset_url(base_url: str, token: str) -> str:
    return personal_url("password/reset", token, base=base_url)


def _recent_resets(organizer: Organizer) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(PasswordReset)
        .where(
            PasswordReset.organizer_id == organizer.id,
            PasswordReset.created_at > utcnow() - timedelta(hours=1),
        )
    )


def request_reset(email: str, base_url: str) -> PasswordReset | None:
    """Queue a reset link to the account of ``email``; None when nothing was sent.

    The caller must answer the same in both cases.
    """
    organizer = find_organizer(email)
    if organizer is None or not organizer.active:
        _same_work_as_a_reset(email, base_url)
        return None
    if _recent_resets(organizer) >= RESETS_PER_ACCOUNT_PER_HOUR:
        audit.record("organizer.password_reset_throttled", organizer=organizer)
        _same_work_as_a_reset(email, base_url)
        return None
    token, now = new_token(), utcnow()
    reset = PasswordReset(
        organizer=organizer,
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + RESET_LIFETIME,
    )
    db.session.add(reset)
    db.session.flush()
    locale = organizer.locale or "en"
    subject, text, html = render_email(
        "accounts/email/password_reset",
        locale,
        organizer=organizer,
        url=reset_url(base_url, token),
        minutes=int(RESET_LIFETIME.total_seconds() // 60),
    )
    queue_email(
        recipient=organizer.email,
        kind="password_reset",
        subject=subject,
        body_text=text,
        body_html=html,
        locale=locale,
    )
    audit.record("organizer.password_reset_requested", organizer=organizer, obj=reset)
    return reset


def _same_work_as_a_reset(email: str, base_url: str) -> None:
    """What a reset costs before its rows are written (a token, its hash, the e-mail
    rendered), done and thrown away, so that an address without an account is not answered
    visibly sooner. The view also answers no sooner than ``PASSWORD_RESET_MIN_SECONDS``."""
    token = new_token()
    hash_token(token)
    stand_in = Organizer(email=normalize_email(email)[:254], name="")
    render_email(
        "accounts/email/password_reset",
        "en",
        organizer=stand_in,
        url=reset_url(base_url, token),
        minutes=int(RESET_LIFETIME.total_seconds() // 60),
    )


def answer_no_sooner(started: float, seconds: float) -> None:
    """Wait until ``seconds`` have passed since ``started`` (time.monotonic()): both answers
    of the reset form then take at least that long, whatever work each did."""
    remaining = seconds - (time.monotonic() - started)
    if remaining > 0:
        _sleep(remaining)


_sleep = time.sleep  # tests replace it


def find_reset(token: str) -> PasswordReset | None:
    """The usable reset of this token (unused, not expired, active account), or None."""
    if not token or len(token) > 100:
        return None
    reset = db.session.scalar(
        select(PasswordReset).where(PasswordReset.token_hash == hash_token(token))
    )
    if reset is None or not reset.is_usable() or not reset.organizer.active:
        return None
    return reset


def complete_reset(reset: PasswordReset, new_password: str) -> Organizer:
    """Set the new password; the link and every other link and session of the account die."""
    if len(new_password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            _("The password must be at least %(count)d characters.", count=MIN_PASSWORD_LENGTH)
        )
    organizer = reset.organizer
    now = utcnow()
    for other in db.session.scalars(
        select(PasswordReset).where(
            PasswordReset.organizer_id == organizer.id, PasswordReset.used_at.is_(None)
        )
    ):
        other.used_at = now
    organizer.password_hash = hash_password(new_password)
    revoke_sessions(organizer)
    audit.record("organizer.password_reset", organizer=organizer, obj=reset)
    return organizer
