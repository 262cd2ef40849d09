"""Operations of the documents package: letter settings and images, sending visa letters."""

import io
import secrets
from dataclasses import dataclass, fields
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from planner.db import utcnow
from planner.documents.models import LetterSettings
from planner.documents.render import upload_root
from planner.extensions import db
from planner.i18n import invitee_locale
from planner.institutes.models import Institute
from planner.institutes.services import slugify
from planner.invitations.models import Invitee
from planner.mail.services import queue_email, render_email
from planner.security import audit
from planner.travel.models import VisaCase, VisaStatus
from planner.travel.services import transition_visa_case

MAX_IMAGE_BYTES = 1024 * 1024
MAX_IMAGE_PIXELS = 4000 * 4000
IMAGE_KINDS = {b"\x89PNG\r\n\x1a\n": ("png", "PNG"), b"\xff\xd8\xff": ("jpg", "JPEG")}


class ImageRejected(ValueError):
    """The uploaded file is not a PNG or JPEG image of at most 1 MB; the message says why."""


class LetterNotReady(ValueError):
    """The letter cannot be sent yet; the message says what is missing."""


@dataclass
class LetterSettingsData:
    legal_name: str
    signatory_name: str
    signatory_title: str
    signing_city: str
    legal_name_ru: str = ""
    address: str = ""
    address_ru: str = ""
    registration: str = ""
    registration_ru: str = ""
    phone: str = ""
    email: str = ""
    signatory_name_ru: str = ""
    signatory_title_ru: str = ""
    signing_city_ru: str = ""
    embassy_of: str = ""
    embassy_of_ru: str = ""
    reference_prefix: str = "INV"
    purpose: str = ""
    purpose_ru: str = ""
    costs: str = ""
    costs_ru: str = ""


def check_image(content: bytes) -> str:
    """The file extension of a real PNG or JPEG image of at most 1 MB; ImageRejected otherwise.

    The magic bytes decide the type (never the file name or the browser's word), and the
    whole file must decode, so a renamed or truncated file is refused.
    """
    if len(content) > MAX_IMAGE_BYTES:
        raise ImageRejected(_l("The image is larger than 1 MB."))
    kind = next((k for magic, k in IMAGE_KINDS.items() if content.startswith(magic)), None)
    if kind is None:
        raise ImageRejected(_l("Upload a PNG or JPEG image."))
    extension, pil_format = kind
    from PIL import Image, UnidentifiedImageError

    try:
        # Image.open itself refuses a picture far over PIL's own limit (a "decompression
        # bomb"); that is the same answer as ours, with the same message.
        with Image.open(io.BytesIO(content)) as image:
            if image.format != pil_format:
                raise ImageRejected(_l("Upload a PNG or JPEG image."))
            # A small file can still unpack into a huge picture: refuse before decoding.
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise ImageRejected(_l("The image has too many pixels (at most 4000 × 4000)."))
            image.verify()
        with Image.open(io.BytesIO(content)) as image:
            image.load()
    except ImageRejected:
        raise
    except Image.DecompressionBombError as error:
        raise ImageRejected(_l("The image has too many pixels (at most 4000 × 4000).")) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ImageRejected(_l("The image file is damaged or incomplete.")) from error
    return extension


def store_image(institute: Institute, content: bytes) -> str:
    """Save a checked image under UPLOAD_DIR/<institute id>/ with a random name; the name."""
    extension = check_image(content)
    folder = upload_root(institute.id)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"{secrets.token_hex(16)}.{extension}"
    (folder / name).write_bytes(content)
    return name


def _remove_image(institute: Institute, name: str | None) -> None:
    if name:
        (upload_root(institute.id) / Path(name).name).unlink(missing_ok=True)


def save_letter_settings(
    institute: Institute,
    values: LetterSettingsData,
    *,
    by,
    logo: bytes | None = None,
    signature: bytes | None = None,
    remove_logo: bool = False,
    remove_signature: bool = False,
) -> LetterSettings:
    """Create or update the institute's letter settings; images are checked before anything
    is written, so a bad image leaves the settings as they were."""
    if logo is not None:
        check_image(logo)
    if signature is not None:
        check_image(signature)
    settings = db.session.scalar(
        db.select(LetterSettings).where(LetterSettings.institute_id == institute.id)
    )
    created = settings is None
    if created:
        settings = LetterSettings(institute_id=institute.id)
        db.session.add(settings)
    for f in fields(values):
        value = getattr(values, f.name)
        setattr(settings, f.name, value.strip() if isinstance(value, str) else value)
    settings.reference_prefix = settings.reference_prefix or "INV"
    for attr, upload, remove in (
        ("logo_file", logo, remove_logo),
        ("signature_file", signature, remove_signature),
    ):
        if upload is not None or remove:
            _remove_image(institute, getattr(settings, attr))
            setattr(settings, attr, store_image(institute, upload) if upload is not None else None)
    institute.touch()
    db.session.flush()
    audit.record(
        "documents.letter_settings_created" if created else "documents.letter_settings_updated",
        institute=institute,
        organizer=by,
        obj=settings,
    )
    return settings


def record_letter_access(institute: Institute, invitee, *, organizer=None, pdf: bool) -> None:
    """Audit a generated or viewed letter: who, whose letter; never its contents."""
    audit.record(
        "documents.letter_downloaded" if pdf else "documents.letter_viewed",
        institute=institute,
        organizer=organizer,
        invitee=invitee,
        obj=invitee,
    )


def record_export(institute: Institute, kind: str, *, organizer=None, invitee=None) -> None:
    """Audit the export of a document with personal data (manifests, rooming, badges ...)."""
    audit.record(
        f"documents.{kind}_exported", institute=institute, organizer=organizer, invitee=invitee
    )


def _transition(case: VisaCase, new_status: VisaStatus, *, organizer, note: str = "") -> None:
    """Move the visa case through the travel package's state machine."""
    transition_visa_case(case, new_status, organizer=organizer, note=note)


def send_letter(institute: Institute, case: VisaCase, *, by) -> None:
    """Mark the letter as sent and tell the invitee it is ready on their page.

    The letter must be approved first (that is what lets the invitee download it). The
    e-mail says where to find it; it never carries the letter or any passport data.
    """
    if case.letter_approved_at is None:
        raise LetterNotReady(_l("Approve the letter request first, on the visas page."))
    invitee = case.invitee
    try:
        _transition(case, VisaStatus.LETTER_SENT, organizer=by)
    except ValueError as error:  # the travel package's VisaTransitionError is a ValueError
        raise LetterNotReady(str(error)) from error
    if case.letter_sent_at is None:
        case.letter_sent_at = utcnow()
    locale = invitee_locale(invitee.language)
    from planner.messages import services as messages  # the institute's own wording

    custom = messages.custom_email(
        institute.id, messages.TemplateKind.LETTER_READY, locale, invitee, messages.me_url()
    )
    subject, text, html = custom or render_email(
        "documents/email/letter_ready",
        locale,
        invitee_name=invitee.full_name,
        institute_title=institute.title,
        contact_email=institute.contact_email,
        page_url=current_app.config["BASE_URL"] + "/me/",
    )
    queue_email(
        recipient=invitee.email,
        kind="visa_letter_ready",
        subject=subject,
        body_text=text,
        body_html=html,
        locale=locale,
        institute=institute,
        invitee=invitee,
    )
    institute.touch()
    audit.record(
        "documents.letter_sent", institute=institute, organizer=by, invitee=invitee, obj=case
    )


def assign_letter_number(invitee: Invitee) -> int:
    """The invitee's visa letter number: the institute's next one the first time a letter of
    theirs is made, then always the same (references never show database ids)."""
    if invitee.letter_number is None:
        last = db.session.scalar(
            select(func.max(Invitee.letter_number)).where(
                Invitee.institute_id == invitee.institute_id
            )
        )
        invitee.letter_number = (last or 0) + 1
        db.session.flush()
    return invitee.letter_number


def download_name(document: str, invitee: Invitee) -> str:
    """A file name for a person's document: "invitation-letter-karimova-gulchehra.pdf", from
    the Latin passport name (else the name as written, when it has Latin letters)."""
    person = slugify(invitee.passport_name or "") or slugify(invitee.full_name or "")
    return f"{document}-{person}.pdf" if person else f"{document}.pdf"
