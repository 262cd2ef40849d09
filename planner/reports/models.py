"""What an invitee tells us for the donor report, and confirmed matches of returning people."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.db import TimestampMixin, UTCDateTime, utcnow
from planner.extensions import db


class Gender(enum.StrEnum):
    WOMAN = "woman"
    MAN = "man"
    SELF_DESCRIBED = "self_described"
    NOT_SAID = "not_said"


class AgeGroup(enum.StrEnum):
    UNDER_25 = "under_25"
    FROM_25_TO_29 = "25_29"
    FROM_30_TO_39 = "30_39"
    FROM_40_TO_49 = "40_49"
    FROM_50 = "50_plus"


class Setting(enum.StrEnum):
    URBAN = "urban"
    RURAL = "rural"


class Sector(enum.StrEnum):
    CIVIL_SOCIETY = "civil_society"
    MEDIA = "media"
    EDUCATION = "education"
    LAW = "law"
    GOVERNMENT = "government"
    BUSINESS = "business"
    OTHER = "other"


class ReportingProfile(TimestampMixin, db.Model):
    """Optional answers for the donor report, one row per invitee; every field may stay empty.

    ``gender_text`` keeps a self-description as written; reports count it only as
    "self-described". ``age_group`` is asked only when no date of birth is known.
    """

    __tablename__ = "reporting_profile"

    invitee_id: Mapped[int] = mapped_column(
        ForeignKey("invitee.id", ondelete="CASCADE"), primary_key=True
    )
    gender: Mapped[str | None] = mapped_column(String(20))
    gender_text: Mapped[str] = mapped_column(String(60), default="")
    age_group: Mapped[str | None] = mapped_column(String(20))
    setting: Mapped[str | None] = mapped_column(String(10))
    sector: Mapped[str | None] = mapped_column(String(20))

    invitee: Mapped["Invitee"] = relationship()  # noqa: F821


class ReturningMatch(db.Model):
    """An invitee recognised as the same person as an invitee of an earlier institute.

    Matches by e-mail are certain and stored confirmed; matches by name and nationality wait
    for an organizer's confirmation (``confirmed_at``) before the report counts them.
    """

    __tablename__ = "returning_match"
    __table_args__ = (UniqueConstraint("invitee_id", "earlier_invitee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invitee_id: Mapped[int] = mapped_column(
        ForeignKey("invitee.id", ondelete="CASCADE"), index=True
    )
    earlier_invitee_id: Mapped[int] = mapped_column(ForeignKey("invitee.id", ondelete="CASCADE"))
    by: Mapped[str] = mapped_column(String(10))  # email, name
    found_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rejected_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class FollowUpSettings(db.Model):
    """How many months after the institute's last day the follow-up questions go out."""

    __tablename__ = "follow_up_settings"

    institute_id: Mapped[int] = mapped_column(
        ForeignKey("institute.id", ondelete="CASCADE"), primary_key=True
    )
    months: Mapped[int] = mapped_column(default=6)


class FollowUp(db.Model):
    """The follow-up questions sent to one participant at a personal secret link, and the
    answers. Only the SHA-256 of the link's token is stored; answers hold numbers and
    country codes, never names."""

    __tablename__ = "follow_up"

    id: Mapped[int] = mapped_column(primary_key=True)
    institute_id: Mapped[int] = mapped_column(
        ForeignKey("institute.id", ondelete="CASCADE"), index=True
    )
    invitee_id: Mapped[int] = mapped_column(
        ForeignKey("invitee.id", ondelete="CASCADE"), unique=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ran_training: Mapped[bool | None]
    trainings: Mapped[int | None]
    people_reached: Mapped[int | None]
    countries: Mapped[str] = mapped_column(String(100), default="")  # ISO codes, comma-separated

    invitee: Mapped["Invitee"] = relationship()  # noqa: F821
