"""Two-factor operations: set up, verify a code, recovery codes, the team requirement.

Rules:
- A TOTP code (RFC 6238, 30-second steps, 6 digits) is accepted for the current step or one
  step either side (clock drift), and only for a step later than the last one accepted, so an
  observed code cannot be replayed.
- A recovery code works once; ten are issued at a time, only their SHA-256 is stored.
- An owner may require two-factor for the team; only an owner who has it on may turn that on,
  and nobody in such a team may turn their own two-factor off.
"""

import hashlib
import hmac
import secrets
import time
from datetime import timedelta

import pyotp
from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from planner.auth.models import Membership, Organizer
from planner.auth.passwords import verify_password
from planner.db import utcnow
from planner.extensions import db
from planner.institutes.models import Institute
from planner.security import audit
from planner.twofactor.models import RecoveryCode, RememberedDevice, TwoFactor

ISSUER = "Institute Planner"
RECOVERY_CODE_COUNT = 10
REMEMBER_FOR = timedelta(days=30)
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


class TwoFactorError(ValueError):
    """A two-factor operation that cannot be done, with a message for the user."""


def two_factor_of(organizer: Organizer) -> TwoFactor | None:
    return db.session.get(TwoFactor, organizer.id)


def is_enabled(organizer: Organizer) -> bool:
    record = two_factor_of(organizer)
    return record is not None and record.enabled


def start_setup(organizer: Organizer) -> TwoFactor:
    """A new secret awaiting confirmation by a code (replaces an unconfirmed one)."""
    record = two_factor_of(organizer)
    if record is not None and record.enabled:
        raise TwoFactorError(_("Two-factor sign-in is already on."))
    if record is None:
        record = TwoFactor(organizer_id=organizer.id)
        db.session.add(record)
    record.secret = pyotp.random_base32()
    record.last_step = 0
    db.session.flush()
    return record


def provisioning_uri(organizer: Organizer, record: TwoFactor) -> str:
    return pyotp.TOTP(record.secret).provisioning_uri(name=organizer.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The otpauth URI as an inline SVG QR code (made here: no external service)."""
    import segno  # imported here: only the setting-up page draws a QR code

    return segno.make(uri, error="m").svg_inline(scale=5, dark="#000", light="#fff")


def _clean(code: str) -> str:
    return "".join((code or "").split()).replace("-", "").lower()


def _accept_totp(record: TwoFactor, code: str, now: float | None = None) -> bool:
    code = _clean(code)
    if len(code) != 6 or not code.isdigit():
        return False
    totp = pyotp.TOTP(record.secret)
    current = int((time.time() if now is None else now) // totp.interval)
    for step in (current - 1, current, current + 1):
        if step > record.last_step and hmac.compare_digest(totp.generate_otp(step), code):
            record.last_step = step
            return True
    return False


def _hash_recovery(code: str) -> str:
    return hashlib.sha256(_clean(code).encode()).hexdigest()


def new_recovery_codes(organizer: Organizer) -> list[str]:
    """Replace the organizer's recovery codes; the new ones, shown once."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.organizer_id == organizer.id))
    codes = []
    for _n in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _i in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(organizer_id=organizer.id, code_hash=_hash_recovery(raw)))
    db.session.flush()
    return codes


def confirm_setup(organizer: Organizer, code: str) -> list[str]:
    """Turn two-factor on once a code from the app proves the secret was saved."""
    record = two_factor_of(organizer)
    if record is None or record.enabled:
        raise TwoFactorError(_("Start the set-up again."))
    if not _accept_totp(record, code):
        raise TwoFactorError(_("The code is not correct. Check the time on your phone."))
    record.enabled_at = utcnow()
    codes = new_recovery_codes(organizer)
    audit.record("organizer.two_factor_enabled", organizer=organizer, obj=organizer)
    return codes


def verify(organizer: Organizer, code: str) -> str | None:
    """Check a sign-in code: "totp", "recovery" (that code is now used up) or None."""
    record = two_factor_of(organizer)
    if record is None or not record.enabled:
        return None
    if _accept_totp(record, code):
        return "totp"
    if len(_clean(code)) == 10:
        recovery = db.session.scalar(
            select(RecoveryCode).where(
                RecoveryCode.organizer_id == organizer.id,
                RecoveryCode.code_hash == _hash_recovery(code),
                RecoveryCode.used_at.is_(None),
            )
        )
        if recovery is not None:
            recovery.used_at = utcnow()
            audit.record("organizer.recovery_code_used", organizer=organizer, obj=organizer)
            return "recovery"
    return None


def recovery_codes_left(organizer: Organizer) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.organizer_id == organizer.id, RecoveryCode.used_at.is_(None))
    )


def regenerate_recovery_codes(organizer: Organizer, code: str) -> list[str]:
    record = two_factor_of(organizer)
    if record is None or not record.enabled:
        raise TwoFactorError(_("Two-factor sign-in is off."))
    if not _accept_totp(record, code):
        raise TwoFactorError(_("The code is not correct. Check the time on your phone."))
    audit.record("organizer.recovery_codes_renewed", organizer=organizer, obj=organizer)
    return new_recovery_codes(organizer)


def institutes_requiring(organizer: Organizer) -> list[Institute]:
    return list(
        db.session.scalars(
            select(Institute)
            .join(Membership, Membership.institute_id == Institute.id)
            .where(Membership.organizer_id == organizer.id, Institute.require_two_factor)
            .order_by(Institute.title)
        )
    )


def disable(organizer: Organizer, password: str) -> None:
    record = two_factor_of(organizer)
    if record is None or not record.enabled:
        raise TwoFactorError(_("Two-factor sign-in is off."))
    if not verify_password(organizer.password_hash, password):
        raise TwoFactorError(_("The password is not correct."))
    required = institutes_requiring(organizer)
    if required:
        raise TwoFactorError(
            _(
                "The team of %(title)s requires two-factor sign-in: it cannot be turned off.",
                title=required[0].title,
            )
        )
    db.session.delete(record)
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.organizer_id == organizer.id))
    forget_devices(organizer)
    audit.record("organizer.two_factor_disabled", organizer=organizer, obj=organizer)


def set_team_requirement(institute: Institute, required: bool, by: Organizer) -> None:
    if required and not is_enabled(by):
        raise TwoFactorError(_("Turn on two-factor sign-in for your own account first."))
    institute.require_two_factor = required
    audit.record(
        "team.two_factor_required" if required else "team.two_factor_optional",
        institute=institute,
        organizer=by,
        obj=institute,
    )


def members_without(institute: Institute) -> int:
    """How many team members have no two-factor sign-in yet."""
    return db.session.scalar(
        select(func.count())
        .select_from(Membership)
        .outerjoin(
            TwoFactor,
            (TwoFactor.organizer_id == Membership.organizer_id) & TwoFactor.enabled_at.is_not(None),
        )
        .where(Membership.institute_id == institute.id, TwoFactor.organizer_id.is_(None))
    )


def remember_device(organizer: Organizer) -> str:
    """A new remembered browser: the token for its cookie (only the hash is stored)."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        RememberedDevice(
            organizer_id=organizer.id,
            token_hash=hashlib.sha256(token.encode()).hexdigest(),
            expires_at=utcnow() + REMEMBER_FOR,
        )
    )
    return token


def remembered(organizer: Organizer, token: str | None) -> bool:
    """Is this browser's cookie a live remembered device of the organizer?"""
    if not token or len(token) > 100:
        return False
    device = db.session.scalar(
        select(RememberedDevice).where(
            RememberedDevice.token_hash == hashlib.sha256(token.encode()).hexdigest(),
            RememberedDevice.organizer_id == organizer.id,
            RememberedDevice.expires_at > utcnow(),
        )
    )
    if device is None:
        return False
    device.last_used_at = utcnow()
    return True


def devices_remembered(organizer: Organizer) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(RememberedDevice)
        .where(
            RememberedDevice.organizer_id == organizer.id, RememberedDevice.expires_at > utcnow()
        )
    )


def forget_devices(organizer: Organizer) -> None:
    db.session.execute(
        delete(RememberedDevice).where(RememberedDevice.organizer_id == organizer.id)
    )
