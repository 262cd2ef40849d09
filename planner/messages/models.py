"""An institute's own wording of the standard e-mails, and messages waiting for their time."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from planner.db import TimestampMixin, UTCDateTime, str_enum
from planner.extensions import db


class TemplateKind(enum.StrEnum):
    INVITATION = "invitation"
    REMINDER = "reminder"
    CONFIRMATION = "confirmation"
    LETTER_READY = "letter_ready"


class MessageTemplate(TimestampMixin, db.Model):
    """The institute's text of a standard e-mail in one language; absent means built-in."""

    __tablename__ = "message_template"
    __table_args__ = (UniqueConstraint("institute_id", "kind", "locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institute_id: Mapped[int] = mapped_column(ForeignKey("institute.id", ondelete="CASCADE"))
    kind: Mapped[TemplateKind] = mapped_column(str_enum(TemplateKind))
    locale: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)


class ScheduleStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    SENT = "sent"
    CANCELLED = "cancelled"


class ScheduledMessage(TimestampMixin, db.Model):
    """A message or reminder the organizer set for later. Who gets it is decided when it goes
    out (someone who answered meanwhile gets no reminder to answer)."""

    __tablename__ = "scheduled_message"
    __table_args__ = (Index("ix_scheduled_message_status_send_at", "status", "send_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institute_id: Mapped[int] = mapped_column(ForeignKey("institute.id", ondelete="CASCADE"))
    organizer_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizer.id", ondelete="SET NULL")
    )
    audience: Mapped[str] = mapped_column(Text)  # JSON of the Audience
    texts: Mapped[str] = mapped_column(Text)  # JSON {language: [subject, body]}
    send_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[ScheduleStatus] = mapped_column(
        str_enum(ScheduleStatus, 10), default=ScheduleStatus.SCHEDULED
    )
    sent_count: Mapped[int] = mapped_column(default=0)
