"""Single-use, expiring links for organizers: a team invitation and a password reset.

Like invitee links, only the SHA-256 of the token is stored (planner/security/tokens.py).
"""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.auth.models import Organizer, TeamRole
from planner.db import UTCDateTime, str_enum, utcnow
from planner.extensions import db


class TeamInvitation(db.Model):
    """An owner asked someone, by e-mail address, to join an institute's team with a role."""

    __tablename__ = "team_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    institute_id: Mapped[int] = mapped_column(
        ForeignKey("institute.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254))  # stored lower-cased
    role: Mapped[TeamRole] = mapped_column(str_enum(TeamRole, 10))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizer.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    institute: Mapped["Institute"] = relationship()  # noqa: F821
    invited_by: Mapped[Organizer | None] = relationship()

    def is_usable(self, now: datetime | None = None) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and (now or utcnow()) < self.expires_at
        )


class PasswordReset(db.Model):
    """A request to set a new password, answered by a link to the account's address."""

    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    organizer_id: Mapped[int] = mapped_column(
        ForeignKey("organizer.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organizer: Mapped[Organizer] = relationship()

    def is_usable(self, now: datetime | None = None) -> bool:
        return self.used_at is None and (now or utcnow()) < self.expires_at
