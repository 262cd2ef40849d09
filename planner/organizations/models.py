"""An organization owns institutes and has its own members; a person is shared by its
institutes.

A ``Person`` holds no personal data of its own (no name, no e-mail): it only ties together the
invitee records of one human being across the institutes of one organization. Names, e-mails
and passports stay on the invitee records, where retention purges them; the link that says
"came back" survives without identifying anyone.
"""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.db import TimestampMixin, UTCDateTime, str_enum, utcnow
from planner.extensions import db


class OrganizationRole(enum.StrEnum):
    OWNER = "owner"
    MEMBER = "member"


class Organization(TimestampMixin, db.Model):
    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))

    members: Mapped[list["OrganizationMember"]] = relationship(
        back_populates="organization", cascade="all, delete-orphan"
    )


class OrganizationMember(TimestampMixin, db.Model):
    """An organizer's place in an organization: owners may add members; members may create
    the organization's institutes. Seeing an institute still needs its team membership."""

    __tablename__ = "organization_member"
    __table_args__ = (UniqueConstraint("organization_id", "organizer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    organizer_id: Mapped[int] = mapped_column(
        ForeignKey("organizer.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[OrganizationRole] = mapped_column(str_enum(OrganizationRole, 10))

    organization: Mapped[Organization] = relationship(back_populates="members")
    organizer: Mapped["Organizer"] = relationship()  # noqa: F821


class Person(db.Model):
    """One human being across the institutes of one organization (see the module's text)."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organization: Mapped[Organization] = relationship()
