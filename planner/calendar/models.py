"""Personal calendar feed links: the URL can be shown again, yet only its hash is stored."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.db import UTCDateTime, utcnow
from planner.extensions import db


class FeedLink(db.Model):
    """The secret feed address of one invitee (personal or facilitator feed).

    The token is derived, never stored: HMAC-SHA256(SECRET_KEY, "feed:<id>:<salt>"), so the
    invitee sees the same address each time they open /me/ (to subscribe from another
    device) while the database holds only the SHA-256 of the token, looked up on each poll.
    Regenerating makes a new row with a new salt and revokes the old one: its URL dies at once.
    """

    __tablename__ = "feed_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    invitee_id: Mapped[int] = mapped_column(
        ForeignKey("invitee.id", ondelete="CASCADE"), index=True
    )
    salt: Mapped[str] = mapped_column(String(64))
    # Empty until the row has its id (the token needs it); set in the same transaction.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    invitee: Mapped["Invitee"] = relationship()  # noqa: F821

    def is_usable(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return self.revoked_at is None and self.expires_at > now and self.token_hash is not None
