"""The institute: one multi-day training event in one city and time zone."""

import enum
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship

from planner.db import TimestampMixin, UTCDateTime, str_enum
from planner.extensions import db
from planner.institutes.versioning import note_touched


class InstituteStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    ARCHIVED = "archived"


class Institute(TimestampMixin, db.Model):
    __tablename__ = "institute"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    # The organization that owns it: its people are shared by the organization's institutes.
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    host_organization: Mapped[str] = mapped_column(String(300), default="")
    city: Mapped[str] = mapped_column(String(120))
    country: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    venue: Mapped[str] = mapped_column(String(300), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    timezone: Mapped[str] = mapped_column(String(64))  # IANA name
    start_date: Mapped[date]
    end_date: Mapped[date]
    # Comma-separated language codes (ISO 639-1), in the order the organizers gave them.
    working_languages: Mapped[str] = mapped_column(String(100), default="en")
    rsvp_deadline: Mapped[date | None]
    status: Mapped[InstituteStatus] = mapped_column(
        str_enum(InstituteStatus, 10),
        default=InstituteStatus.DRAFT,
    )
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    emergency_phone: Mapped[str] = mapped_column(String(50), default="")
    retention_date: Mapped[date | None]
    personal_data_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The public program page, feed and booklet exist only once this is set.
    program_published: Mapped[bool] = mapped_column(default=False)
    # Raised on every change that any document or feed shows; keys the document cache.
    data_version: Mapped[int] = mapped_column(default=1)
    # Team members may open the institute's pages only after two-factor sign-in.
    require_two_factor: Mapped[bool] = mapped_column(default=False, server_default=false())

    organization: Mapped["Organization"] = relationship()  # noqa: F821
    memberships: Mapped[list["Membership"]] = relationship(  # noqa: F821
        back_populates="institute", cascade="all, delete-orphan"
    )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def languages(self) -> list[str]:
        return languages_of(self.working_languages)

    @property
    def days(self) -> list[date]:
        from datetime import timedelta

        count = (self.end_date - self.start_date).days + 1
        return [self.start_date + timedelta(days=n) for n in range(max(count, 0))]

    @property
    def is_archived(self) -> bool:
        return self.status == InstituteStatus.ARCHIVED

    def touch(self) -> None:
        """Mark the data that documents and feeds show as changed (raised in SQL at commit)."""
        session = object_session(self)
        if session is None or self.id is None:
            self.data_version = (self.data_version or 0) + 1  # not stored yet: no race
        else:
            note_touched(session, self.id)


def languages_of(working_languages: str) -> list[str]:
    """The language codes of a stored ``working_languages`` value ("ru,en")."""
    return [code for code in working_languages.split(",") if code]
