"""Server-side invitee sessions: the cookie holds a random id, the server decides if it lives.

Signing out, revoking or regenerating the link, or removing the invitee ends the session on
the server, so a copy of the cookie taken earlier stops working too. Only the SHA-256 of the
id is stored, as for links. The issued-at time is the server's own (never the cookie's), so
a cookie forged with the secret key can neither invent a session nor make one last forever.
"""

from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, delete, select, update
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from planner.db import UTCDateTime, utcnow
from planner.extensions import db
from planner.invitations.models import AccessLink
from planner.security.tokens import hash_token, new_token

SESSION_LIFETIME = timedelta(hours=12)
# A little clock difference between workers is not "the future".
CLOCK_SKEW = timedelta(minutes=2)


class InviteeSession(db.Model):
    __tablename__ = "invitee_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invitee_id: Mapped[int] = mapped_column(
        ForeignKey("invitee.id", ondelete="CASCADE"), index=True
    )
    link_id: Mapped[int] = mapped_column(ForeignKey("access_link.id", ondelete="CASCADE"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    link: Mapped[AccessLink] = relationship()

    def is_live(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return (
            self.ended_at is None
            and self.issued_at <= now + CLOCK_SKEW
            and now - self.issued_at <= SESSION_LIFETIME
        )


def open_session(link: AccessLink) -> tuple[str, InviteeSession]:
    """A new server-side session for the link's invitee; (the id for the cookie, the row).

    Sessions of this invitee that are over are deleted on the way, so the table stays small.
    """
    now = utcnow()
    db.session.execute(
        delete(InviteeSession).where(
            InviteeSession.invitee_id == link.invitee_id,
            (InviteeSession.ended_at.is_not(None))
            | (InviteeSession.issued_at < now - SESSION_LIFETIME),
        )
    )
    token = new_token()
    row = InviteeSession(
        token_hash=hash_token(token), invitee_id=link.invitee_id, link_id=link.id, issued_at=now
    )
    db.session.add(row)
    return token, row


def find_session(token: object) -> InviteeSession | None:
    """The live session of this cookie id, or None."""
    if not isinstance(token, str) or not token or len(token) > 100:
        return None
    row = db.session.scalar(
        select(InviteeSession)
        .where(InviteeSession.token_hash == hash_token(token))
        # One query for what every /me/ page checks: the session, its link, the invitee.
        .options(joinedload(InviteeSession.link).joinedload(AccessLink.invitee))
    )
    if row is None or not row.is_live():
        return None
    return row


def end_session(token: object) -> None:
    if isinstance(token, str) and token:
        db.session.execute(
            update(InviteeSession)
            .where(
                InviteeSession.token_hash == hash_token(token), InviteeSession.ended_at.is_(None)
            )
            .values(ended_at=utcnow())
            .execution_options(synchronize_session=False)
        )


def end_sessions_of(invitee_ids: list[int]) -> None:
    """End every session of these invitees (links revoked or renewed, invitee removed)."""
    if invitee_ids:
        db.session.execute(
            update(InviteeSession)
            .where(InviteeSession.invitee_id.in_(invitee_ids), InviteeSession.ended_at.is_(None))
            .values(ended_at=utcnow())
            .execution_options(synchronize_session=False)
        )
