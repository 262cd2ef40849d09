"""Letter settings of an institute: the letterhead and signatory of its visa invitation letters."""

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.db import TimestampMixin
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
