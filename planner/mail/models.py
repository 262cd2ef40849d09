"""The outbox: every message is a row written in the transaction of the change that caused it."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from planner.db import UTCDateTime, str_enum, utcnow
from planner.extensions import db
from planner.security.crypto import EncryptedText, cipher


class MailStatus(enum.StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


class EncryptedBody(EncryptedText):
    """A message body, stored encrypted: queued and failed messages hold live secret links.

    Like every encrypted field (same keys, same format); an empty body stays empty.
    """

    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None or value == "":
            return value
        return cipher().encrypt(str(value))

    def process_result_value(self, value, dialect):
        if value is None or value == "":
            return value
        return cipher().decrypt(value)


class OutboundEmail(db.Model):
    __tablename__ = "outbound_email"
    __table_args__ = (
        Index("ix_outbound_email_status_next", "status", "next_attempt_at"),
        Index("ix_outbound_email_institute_status", "institute_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institute_id: Mapped[int | None] = mapped_column(
        ForeignKey("institute.id", ondelete="CASCADE"), index=True
    )
    invitee_id: Mapped[int | None] = mapped_column(ForeignKey("invitee.id", ondelete="SET NULL"))
    recipient: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(10), default="en")
    kind: Mapped[str] = mapped_column(String(40))  # invitation, reminder, confirmation, ...
    subject: Mapped[str] = mapped_column(String(300))
    # Encrypted: until sent (then redacted) they hold the person's live link.
    body_text: Mapped[str] = mapped_column(EncryptedBody())
    body_html: Mapped[str] = mapped_column(EncryptedBody(), default="")
    status: Mapped[MailStatus] = mapped_column(
        str_enum(MailStatus, 10),
        default=MailStatus.QUEUED,
    )
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set by the sender's claim: a worker only finishes the messages it claimed. While claimed,
    # next_attempt_at holds the end of the lease, after which a crashed worker's claim lapses.
    claim_token: Mapped[str | None] = mapped_column(String(32))
    # The Message-ID header, fixed at the first attempt so a retried message keeps it.
    message_id: Mapped[str] = mapped_column(String(255), default="")
    # File backend (development): the .eml written for this message, relative to MAIL_FILE_DIR.
    delivered_file: Mapped[str] = mapped_column(String(255), default="")

    @property
    def is_failed(self) -> bool:
        return self.status == MailStatus.FAILED
