"""Letter settings of an institute: the letterhead and signatory of its visa invitation letters."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.db import TimestampMixin, UTCDateTime, str_enum, utcnow
from planner.extensions import db


class LetterSettings(TimestampMixin, db.Model):
    """What an embassy expects on an invitation letter, once per institute.

    Russian fields are optional: an empty one falls back to the English value.
    Images are stored under UPLOAD_DIR/<institute id>/ with random names; only the
    file name is kept here.
    """

    __tablename__ = "letter_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    institute_id: Mapped[int] = mapped_column(
        ForeignKey("institute.id", ondelete="CASCADE"), unique=True
    )
    legal_name: Mapped[str] = mapped_column(String(300))
    legal_name_ru: Mapped[str] = mapped_column(String(300), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    address_ru: Mapped[str] = mapped_column(Text, default="")
    registration: Mapped[str] = mapped_column(Text, default="")  # registry, number, tax id
    registration_ru: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    signatory_name: Mapped[str] = mapped_column(String(200))
    signatory_name_ru: Mapped[str] = mapped_column(String(200), default="")
    signatory_title: Mapped[str] = mapped_column(String(200))
    signatory_title_ru: Mapped[str] = mapped_column(String(200), default="")
    signing_city: Mapped[str] = mapped_column(String(120))
    signing_city_ru: Mapped[str] = mapped_column(String(120), default="")
    # The host country as it follows "Embassy of" / «Посольства» (genitive in Russian).
    embassy_of: Mapped[str] = mapped_column(String(200), default="")
    embassy_of_ru: Mapped[str] = mapped_column(String(200), default="")
    reference_prefix: Mapped[str] = mapped_column(String(30), default="INV")
    purpose: Mapped[str] = mapped_column(Text, default="")
    purpose_ru: Mapped[str] = mapped_column(Text, default="")
    costs: Mapped[str] = mapped_column(Text, default="")  # who pays travel, board and lodging
    costs_ru: Mapped[str] = mapped_column(Text, default="")
    logo_file: Mapped[str | None] = mapped_column(String(100))
    signature_file: Mapped[str | None] = mapped_column(String(100))

    institute: Mapped["Institute"] = relationship()  # noqa: F821


class RenderStatus(StrEnum):
    QUEUED = "queued"  # to render once due (or at once when urgent)
    DONE = "done"  # rendered for ``rendered_version``; queued again by the next change
    FAILED = "failed"  # gave up after MAX_ATTEMPTS; queued again by the next change or request


class RenderJob(db.Model):
    """One document of one institute that the render worker keeps ready in the document cache.

    One row per document (institute, kind, subject, paper, language): a change of the
    institute's data queues the row again instead of adding one, so a burst of edits makes one
    render (debounced: due after RENDER_QUIET_SECONDS without another change). A request
    that finds no PDF in the cache marks the row urgent and waits for it. Workers claim rows
    with a token and a lease, as the mail sender does. The row holds no personal data: the
    PDF itself lives in DOCUMENT_CACHE_DIR, named by the data version.
    """

    __tablename__ = "render_job"
    __table_args__ = (
        UniqueConstraint("institute_id", "kind", "subject_id", "paper", "locale"),
        Index("ix_render_job_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institute_id: Mapped[int] = mapped_column(ForeignKey("institute.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int] = mapped_column(default=0)  # the facilitator of an agenda; 0: none
    paper: Mapped[str] = mapped_column(String(10))
    locale: Mapped[str] = mapped_column(String(10))
    status: Mapped[RenderStatus] = mapped_column(
        str_enum(RenderStatus, 10), default=RenderStatus.QUEUED
    )
    urgent: Mapped[bool] = mapped_column(default=False)  # someone waits for it
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    first_queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # last asked for
    claim_token: Mapped[str | None] = mapped_column(String(32))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0)
    rendered_version: Mapped[int | None] = mapped_column()
    rendered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(String(300), default="")
