"""An organizer's second factor (a TOTP secret) and their single-use recovery codes."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from planner.db import UTCDateTime, utcnow
from planner.extensions import db
from planner.security.crypto import EncryptedText


class TwoFactor(db.Model):
    """One row per organizer who started setting up; on once ``enabled_at`` is set."""

    __tablename__ = "organizer_two_factor"

    organizer_id: Mapped[int] = mapped_column(
        ForeignKey("organizer.id", ondelete="CASCADE"), primary_key=True
    )
    # The base32 TOTP secret, encrypted like passport fields (key rotation covers it).
    secret: Mapped[str] = mapped_column(EncryptedText())
    enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The last 30-second step a code was accepted for: a code is never accepted twice.
    last_step: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def enabled(self) -> bool:
        return self.enabled_at is not None


class RecoveryCode(db.Model):
    __tablename__ = "organizer_recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    organizer_id: Mapped[int] = mapped_column(
        ForeignKey("organizer.id", ondelete="CASCADE"), index=True
    )
    # SHA-256 of the normalized code: the codes are random (50 bits), never stored in clear.
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RememberedDevice(db.Model):
    """A browser that may skip the code for a while (a random cookie; only its hash here)."""

    __tablename__ = "organizer_remembered_device"

    id: Mapped[int] = mapped_column(primary_key=True)
    organizer_id: Mapped[int] = mapped_column(
        ForeignKey("organizer.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
