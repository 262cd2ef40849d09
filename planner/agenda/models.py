"""Venue rooms and agenda sessions, held as local wall-clock times in the institute's zone."""

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.db import TimestampMixin, str_enum
from planner.extensions import db


class SessionKind(enum.StrEnum):
    PLENARY = "plenary"
    BREAKOUT = "breakout"
    BREAK = "break"
    MEAL = "meal"
    EXCURSION = "excursion"
    OTHER = "other"


class SessionStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class Room(TimestampMixin, db.Model):
    __tablename__ = "room"
    __table_args__ = (UniqueConstraint("institute_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institute_id: Mapped[int] = mapped_column(ForeignKey("institute.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    capacity: Mapped[int | None]
    position: Mapped[int] = mapped_column(default=0)  # column order in the agenda grid


class Session(TimestampMixin, db.Model):
    __tablename__ = "session"

    id: Mapped[int] = mapped_column(primary_key=True)
    institute_id: Mapped[int] = mapped_column(
        ForeignKey("institute.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[SessionKind] = mapped_column(str_enum(SessionKind), default=SessionKind.PLENARY)
    starts_local: Mapped[datetime]  # naive wall-clock in the institute's zone
    ends_local: Mapped[datetime]
    room_id: Mapped[int | None] = mapped_column(ForeignKey("room.id", ondelete="SET NULL"))
    track: Mapped[str] = mapped_column(String(50), default="")
    # Drawn across every room column of the grid (a plenary for all); otherwise a session
    # with a room is drawn in that room's column only.
    spans_rooms: Mapped[bool] = mapped_column(default=False)
    language: Mapped[str] = mapped_column(String(10), default="")
    interpretation: Mapped[str] = mapped_column(String(100), default="")  # e.g. "ru ↔ en"
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[SessionStatus] = mapped_column(
        str_enum(SessionStatus, 10), default=SessionStatus.SCHEDULED
    )
    uid: Mapped[str] = mapped_column(String(100), unique=True)  # stable calendar UID
    sequence: Mapped[int] = mapped_column(default=0)  # raised on each change (RFC 5545)
    # Title and description in the institute's other working languages:
    # {"ru": {"title": "...", "description": "..."}}; ``title`` is the fallback.
    translations: Mapped[dict | None] = mapped_column(JSON)

    room: Mapped[Room | None] = relationship()
    facilitators: Mapped[list["SessionFacilitator"]] = relationship(
        back_populates="session", cascade="all, delete-orphan"
    )


class SessionFacilitator(db.Model):
    __tablename__ = "session_facilitator"
    __table_args__ = (UniqueConstraint("session_id", "invitee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"))
    invitee_id: Mapped[int] = mapped_column(
        ForeignKey("invitee.id", ondelete="CASCADE"), index=True
    )

    session: Mapped[Session] = relationship(back_populates="facilitators")
    invitee: Mapped["Invitee"] = relationship()  # noqa: F821


class BreakoutAssignment(db.Model):
    __tablename__ = "breakout_assignment"
    __table_args__ = (UniqueConstraint("session_id", "invitee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("session.id", ondelete="CASCADE"), index=True
    )
    invitee_id: Mapped[int] = mapped_column(
        ForeignKey("invitee.id", ondelete="CASCADE"), index=True
    )

    session: Mapped[Session] = relationship()
    invitee: Mapped["Invitee"] = relationship()  # noqa: F821
