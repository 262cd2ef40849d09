"""Organizer accounts and their memberships in institute teams."""

import enum
import secrets

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.db import TimestampMixin, str_enum
from planner.extensions import db


class TeamRole(enum.StrEnum):
    OWNER = "owner"
    EDITOR = "editor"
    VIEWER = "viewer"

    @property
    def rank(self) -> int:
        return {"viewer": 0, "editor": 1, "owner": 2}[self.value]

    def allows(self, needed: "TeamRole") -> bool:
        return self.rank >= needed.rank


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class Organizer(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "organizer"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-cased
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str] = mapped_column(String(10), default="en")
    active: Mapped[bool] = mapped_column(default=True)
    # An administrator of the installation (key rotation); nothing to do with institute roles.
    is_admin: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    # Part of the login cookie; replacing it signs out every other session.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token, unique=True)

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="organizer", cascade="all, delete-orphan", lazy="select"
    )

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return self.session_token


class Membership(TimestampMixin, db.Model):
    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("organizer_id", "institute_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organizer_id: Mapped[int] = mapped_column(ForeignKey("organizer.id", ondelete="CASCADE"))
    institute_id: Mapped[int] = mapped_column(
        ForeignKey("institute.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[TeamRole] = mapped_column(str_enum(TeamRole, 10))

    organizer: Mapped[Organizer] = relationship(back_populates="memberships")
    institute: Mapped["Institute"] = relationship(back_populates="memberships")  # noqa: F821
