"""Institute operations: create (with its first owner), edit, archive."""

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select

from planner.auth.models import Membership, Organizer, TeamRole
from planner.extensions import db
from planner.institutes.models import Institute, InstituteStatus
from planner.security import audit

EDITABLE_FIELDS = (
    "title",
    "description",
    "host_organization",
    "city",
    "country",
    "venue",
    "address",
    "timezone",
    "start_date",
    "end_date",
    "rsvp_deadline",
    "contact_email",
    "emergency_phone",
    "retention_date",
)


@dataclass
class InstituteData:
    title: str
    city: str
    country: str
    timezone: str
    start_date: object
    end_date: object
    working_languages: list[str]
    slug: str = ""
    description: str = ""
    host_organization: str = ""
    venue: str = ""
    address: str = ""
    rsvp_deadline: object = None
    contact_email: str = ""
    emergency_phone: str = ""
    retention_date: object = None


class SlugTaken(ValueError):
    pass


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-")


def _slug_exists(slug: str, exclude_id: int | None = None) -> bool:
    query = select(Institute.id).where(Institute.slug == slug)
    if exclude_id is not None:
        query = query.where(Institute.id != exclude_id)
    return db.session.scalar(query) is not None


def unique_slug(data: InstituteData) -> str:
    base = slugify(data.title) or "institute"
    # The year is added once: "Round trip 2028" gives round-trip-2028, not round-trip-2028-2028.
    if data.start_date and str(data.start_date.year) not in base.split("-"):
        base = f"{base}-{data.start_date.year}"
    slug, n = base, 2
    while _slug_exists(slug):
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_institute(data: InstituteData, owner: Organizer, organization=None) -> Institute:
    """A new institute of ``organization`` (by default the owner's first organization, or a
    new one they own), with the owner as its first team owner."""
    from planner.organizations import services as organizations

    if data.slug and _slug_exists(data.slug):
        raise SlugTaken(data.slug)
    if organization is None:
        organization = organizations.default_organization(owner, data.host_organization)
    institute = Institute(slug=data.slug or unique_slug(data), organization=organization)
    _apply(institute, data)
    db.session.add(institute)
    db.session.add(Membership(organizer=owner, institute=institute, role=TeamRole.OWNER))
    db.session.flush()
    audit.record("institute.created", institute=institute, organizer=owner, obj=institute)
    return institute


def update_institute(institute: Institute, data: InstituteData, by: Organizer) -> Institute:
    if data.slug and data.slug != institute.slug:
        if _slug_exists(data.slug, exclude_id=institute.id):
            raise SlugTaken(data.slug)
        institute.slug = data.slug
    _apply(institute, data)
    institute.touch()
    audit.record("institute.updated", institute=institute, organizer=by, obj=institute)
    return institute


def _apply(institute: Institute, data: InstituteData) -> None:
    for field in EDITABLE_FIELDS:
        value = getattr(data, field)
        setattr(institute, field, value.strip() if isinstance(value, str) else value)
    institute.working_languages = ",".join(data.working_languages)


def archive_institute(institute: Institute, by: Organizer) -> None:
    institute.status = InstituteStatus.ARCHIVED
    institute.program_published = False
    audit.record("institute.archived", institute=institute, organizer=by, obj=institute)


def set_status(institute: Institute, status: InstituteStatus, by: Organizer) -> None:
    institute.status = status
    audit.record(
        f"institute.status_{status.value}", institute=institute, organizer=by, obj=institute
    )


def institutes_of(organizer: Organizer, include_archived: bool = False) -> list[tuple]:
    """(institute, role) pairs of the organizer's teams, newest first."""
    query = (
        select(Institute, Membership.role)
        .join(Membership, Membership.institute_id == Institute.id)
        .where(Membership.organizer_id == organizer.id)
        .order_by(Institute.start_date.desc(), Institute.id.desc())
    )
    if not include_archived:
        query = query.where(Institute.status != InstituteStatus.ARCHIVED)
    return list(db.session.execute(query).all())


def team_of(institute: Institute) -> list[Membership]:
    from sqlalchemy.orm import joinedload

    return list(
        db.session.scalars(
            select(Membership)
            .options(joinedload(Membership.organizer))
            .where(Membership.institute_id == institute.id)
            .join(Organizer)
            .order_by(Organizer.name)
        )
    )
