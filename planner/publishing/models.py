"""A published version of an institute's program, with the snapshot the next one compares to."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.auth.models import Organizer
from planner.db import UTCDateTime, utcnow
from planner.extensions import db


class ProgramVersion(db.Model):
    __tablename__ = "program_version"
    __table_args__ = (UniqueConstraint("institute_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institute_id: Mapped[int] = mapped_column(ForeignKey("institute.id", ondelete="CASCADE"))
    number: Mapped[int]  # 1, 2, 3 ... per institute
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizer.id", ondelete="SET NULL")
    )
    note: Mapped[str] = mapped_column(Text, default="")  # the organizer's own words, optional
    # The sessions as published: [{uid, title, starts, ends, room, status, sequence,
    # facilitators: [invitee ids]}]. No names or personal data: ids only.
    snapshot: Mapped[list] = mapped_column(JSON, default=list)
    # What changed since the previous version: {"added": [...], "removed": [...], ...}.
    changes: Mapped[dict] = mapped_column(JSON, default=dict)

    published_by: Mapped[Organizer | None] = relationship()
