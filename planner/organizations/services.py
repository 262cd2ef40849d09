"""Organizations and their members (the person link is in ``people``)."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from planner.auth.models import Membership, Organizer
from planner.extensions import db
from planner.institutes.models import Institute
from planner.organizations.models import (
    Organization,
    OrganizationMember,
    OrganizationRole,
)
from planner.security import audit

ROLE_LABELS = {
    OrganizationRole.OWNER: _l("Owner"),
    OrganizationRole.MEMBER: _l("Member"),
}


def organizations_of(organizer: Organizer) -> list[Organization]:
    """The organizations the organizer belongs to, by name."""
    return list(
        db.session.scalars(
            select(Organization)
            .join(OrganizationMember, OrganizationMember.organization_id == Organization.id)
            .where(OrganizationMember.organizer_id == organizer.id)
            .order_by(Organization.name, Organization.id)
        )
    )


def report_organizations(organizer: Organizer) -> list[Organization]:
    """Organizations whose institutes the organizer may report on: those of the institutes
    whose team they are on (the report never shows an institute outside those)."""
    return list(
        db.session.scalars(
            select(Organization)
            .where(
                Organization.id.in_(
                    select(Institute.organization_id)
                    .join(Membership, Membership.institute_id == Institute.id)
                    .where(Membership.organizer_id == organizer.id)
                )
            )
            .order_by(Organization.name, Organization.id)
        )
    )


def role_in(organization: Organization, organizer: Organizer) -> OrganizationRole | None:
    return db.session.scalar(
        select(OrganizationMember.role).where(
            OrganizationMember.organization_id == organization.id,
            OrganizationMember.organizer_id == organizer.id,
        )
    )


def create_organization(name: str, owner: Organizer) -> Organization:
    organization = Organization(name=" ".join(name.split())[:300])
    db.session.add(organization)
    db.session.add(
        OrganizationMember(organization=organization, organizer=owner, role=OrganizationRole.OWNER)
    )
    db.session.flush()
    audit.record("organization.created", organizer=owner)
    return organization


def add_member(
    organization: Organization, organizer: Organizer, role: OrganizationRole
) -> OrganizationMember:
    """Add (or keep) the organizer in the organization; an owner is never demoted here."""
    member = db.session.scalar(
        select(OrganizationMember).where(
            OrganizationMember.organization_id == organization.id,
            OrganizationMember.organizer_id == organizer.id,
        )
    )
    if member is None:
        member = OrganizationMember(organization=organization, organizer=organizer, role=role)
        db.session.add(member)
    elif role == OrganizationRole.OWNER:
        member.role = role
    return member


def default_organization(organizer: Organizer, name: str = "") -> Organization:
    """The organizer's first organization, or a new one they own (named ``name``, else
    after them)."""
    found = organizations_of(organizer)
    if found:
        return found[0]
    return create_organization(name or organizer.name, organizer)
