"""Invitees, their secret links and the append-only history of their status."""

import enum
import unicodedata
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, and_, event
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.db import TimestampMixin, UTCDateTime, str_enum, utcnow
from planner.extensions import db
from planner.security.crypto import EncryptedText


class InviteeRole(enum.StrEnum):
    PARTICIPANT = "participant"
    FACILITATOR = "facilitator"
    TRAINER = "trainer"
    OBSERVER = "observer"
    STAFF = "staff"


class RsvpStatus(enum.StrEnum):
    DRAFT = "draft"
    INVITED = "invited"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    WAITLISTED = "waitlisted"
    WITHDRAWN = "withdrawn"


# Those who said no: never announced as running a session.
NOT_COMING = (RsvpStatus.DECLINED, RsvpStatus.WITHDRAWN)


class Invitee(TimestampMixin, db.Model):
    __tablename__ = "invitee"
    __table_args__ = (
        # E-mails are stored lower-cased, so this is case-insensitive.
        UniqueConstraint("institute_id", "email"),
        # Visa letter references count up per institute (never the database id).
        UniqueConstraint("institute_id", "letter_number", name="uq_invitee_letter_number"),
        Index("ix_invitee_institute_status", "institute_id", "rsvp_status"),
        # The list is sorted by name within an institute, page by page.
        Index("ix_invitee_institute_search_name", "institute_id", "search_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institute_id: Mapped[int] = mapped_column(ForeignKey("institute.id", ondelete="CASCADE"))
    # The same human being in the organization's other institutes (planner/organizations).
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    full_name: Mapped[str] = mapped_column(String(200))  # as written natively, any script
    passport_name: Mapped[str] = mapped_column(String(200), default="")  # Latin, as in passport
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(50), default="")
    organization: Mapped[str] = mapped_column(String(300), default="")
    country: Mapped[str | None] = mapped_column(String(2))  # of residence, ISO 3166-1
    nationality: Mapped[str | None] = mapped_column(String(2))
    role: Mapped[InviteeRole] = mapped_column(
        str_enum(InviteeRole), default=InviteeRole.PARTICIPANT
    )
    language: Mapped[str] = mapped_column(String(10), default="en")  # preferred language
    rsvp_status: Mapped[RsvpStatus] = mapped_column(str_enum(RsvpStatus), default=RsvpStatus.DRAFT)
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    consent_to_list: Mapped[bool] = mapped_column(default=False)
    # Asked apart from the participant list: may a facilitator be named as running sessions?
    consent_named_facilitator: Mapped[bool] = mapped_column(default=False)
    letter_number: Mapped[int | None]  # the institute's sequence number of their visa letter
    dietary_needs: Mapped[str] = mapped_column(Text, default="")
    access_needs: Mapped[str] = mapped_column(Text, default="")
    passport_number: Mapped[str | None] = mapped_column(EncryptedText())
    passport_expiry: Mapped[date | None]
    date_of_birth: Mapped[str | None] = mapped_column(EncryptedText())  # ISO date, encrypted
    organizer_notes: Mapped[str] = mapped_column(Text, default="")
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminders_sent: Mapped[int] = mapped_column(default=0)
    last_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Soft delete: removed invitees keep their history but vanish from lists.
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Casefolded name, passport name and e-mail: SQLite's lower() knows only ASCII, so the
    # search compares this column with a casefolded query on every backend (Cyrillic too).
    search_name: Mapped[str] = mapped_column(String(700), default="")

    institute: Mapped["Institute"] = relationship()  # noqa: F821
    person: Mapped["Person | None"] = relationship()  # noqa: F821

    @hybrid_property
    def named_publicly(self) -> bool:
        """May this person be named as a facilitator where anyone can read it (the public
        program, its feed and the booklet)?

        Only with consent to be named as a facilitator (asked apart from the participant
        list), while still invited, and not after saying no. The same rule in SQL below.
        """
        return bool(
            self.consent_named_facilitator
            and self.removed_at is None
            and self.rsvp_status not in NOT_COMING
        )

    @named_publicly.inplace.expression
    @classmethod
    def _named_publicly_expression(cls):
        return and_(
            cls.consent_named_facilitator.is_(True),
            cls.removed_at.is_(None),
            cls.rsvp_status.not_in(NOT_COMING),
        )

    @property
    def is_facilitator(self) -> bool:
        return self.role in (InviteeRole.FACILITATOR, InviteeRole.TRAINER)

    @property
    def birth_date(self) -> date | None:
        return date.fromisoformat(self.date_of_birth) if self.date_of_birth else None

    def refresh_search_name(self) -> None:
        parts = (self.full_name or "", self.passport_name or "", self.email or "")
        self.search_name = search_key(" ".join(parts))[:700]


def search_key(text: str) -> str:
    """How names are compared in searches: NFKC, casefolded, ё as е, single spaces."""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")
    return " ".join(folded.split())


@event.listens_for(Invitee, "before_insert")
@event.listens_for(Invitee, "before_update")
def _keep_search_name(mapper, connection, invitee: Invitee) -> None:
    # Every path that writes an invitee (forms, import, demo, factories) keeps it in step.
    invitee.refresh_search_name()


class LinkPurpose(enum.StrEnum):
    RSVP = "rsvp"
    FEED = "feed"


class AccessLink(db.Model):
    """A secret link of an invitee; the token itself is never stored, only its SHA-256."""

    __tablename__ = "access_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    invitee_id: Mapped[int] = mapped_column(
        ForeignKey("invitee.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[LinkPurpose] = mapped_column(str_enum(LinkPurpose, 10))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    invitee: Mapped[Invitee] = relationship()

    def is_usable(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return self.revoked_at is None and self.expires_at > now


class StatusChange(db.Model):
    """Append-only history of RSVP and visa status changes."""

    __tablename__ = "status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    invitee_id: Mapped[int] = mapped_column(
        ForeignKey("invitee.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))  # rsvp, visa, record
    old_status: Mapped[str | None] = mapped_column(String(30))
    new_status: Mapped[str] = mapped_column(String(30))
    # Who: an organizer, or the invitee themself by link (organizer_id empty, by_invitee true).
    organizer_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizer.id", ondelete="SET NULL")
    )
    by_invitee: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organizer: Mapped["Organizer | None"] = relationship()  # noqa: F821
