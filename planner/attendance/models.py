"""Check-in codes, attendance marks, certificate settings and issued certificates."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.db import TimestampMixin, UTCDateTime, utcnow
from planner.extensions import db


class CheckinPass(db.Model):
    """An invitee's opaque check-in code, printed as a QR code on the badge.

    Random, so a badge reveals nothing about its holder; stable, so printed badges keep working.
    """

    __tablename__ = "checkin_pass"

    invitee_id: Mapped[int] = mapped_column(
        ForeignKey("invitee.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(32), unique=True)


class AttendanceMark(db.Model):
    """Present on a day (``session_id`` empty) or at one session of that day.

    ``slot`` is "day" or "s<session id>": one mark per invitee, day and slot, so marking twice
    (a retried offline tap) changes nothing.
    """

    __tablename__ = "attendance_mark"
    __table_args__ = (
        UniqueConstraint("invitee_id", "day", "slot"),
        Index("ix_attendance_mark_institute_day", "institute_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institute_id: Mapped[int] = mapped_column(ForeignKey("institute.id", ondelete="CASCADE"))
    invitee_id: Mapped[int] = mapped_column(ForeignKey("invitee.id", ondelete="CASCADE"))
    day: Mapped[date]
    slot: Mapped[str] = mapped_column(String(20), default="day")
    session_id: Mapped[int | None] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"))
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    organizer_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizer.id", ondelete="SET NULL")
    )


class CertificateSettings(TimestampMixin, db.Model):
    """The organizer's rule and the signatory of an institute's certificates."""

    __tablename__ = "certificate_settings"

    institute_id: Mapped[int] = mapped_column(
        ForeignKey("institute.id", ondelete="CASCADE"), primary_key=True
    )
    min_days: Mapped[int] = mapped_column(default=1)
    signatory_name: Mapped[str] = mapped_column(String(200), default="")
    signatory_title: Mapped[str] = mapped_column(String(200), default="")
    serial_prefix: Mapped[str] = mapped_column(String(20), default="")


class Certificate(db.Model):
    """A certificate of participation: serial number per institute, public verification code."""

    __tablename__ = "certificate"
    __table_args__ = (UniqueConstraint("institute_id", "serial"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institute_id: Mapped[int] = mapped_column(ForeignKey("institute.id", ondelete="CASCADE"))
    invitee_id: Mapped[int] = mapped_column(
        ForeignKey("invitee.id", ondelete="CASCADE"), unique=True
    )
    serial: Mapped[int]
    code: Mapped[str] = mapped_column(String(32), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    invitee: Mapped["Invitee"] = relationship()  # noqa: F821
    institute: Mapped["Institute"] = relationship()  # noqa: F821
