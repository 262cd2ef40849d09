"""Factories for test data: small functions with sensible defaults. Fictional people only."""

import itertools
from datetime import date

from planner.auth.models import Membership, Organizer, TeamRole
from planner.auth.passwords import HASHERS
from planner.extensions import db
from planner.institutes.models import Institute, InstituteStatus
from planner.invitations.models import Invitee, InviteeRole, RsvpStatus

DEFAULT_PASSWORD = "correct horse battery"
_DEFAULT_HASH = HASHERS["cheapest"].hash(DEFAULT_PASSWORD)  # the profile of tests/conftest.py
_seq = itertools.count(1)


def make_organizer(email: str | None = None, name: str = "Olga Organizer", **fields) -> Organizer:
    n = next(_seq)
    organizer = Organizer(
        email=(email or f"organizer{n}@example.org").lower(),
        name=name,
        password_hash=fields.pop("password_hash", _DEFAULT_HASH),
        **fields,
    )
    db.session.add(organizer)
    db.session.commit()
    return organizer


def make_organization(owner: Organizer | None = None, name: str = "", **fields):
    """An organization; ``owner`` becomes its owner."""
    from planner.organizations.models import Organization, OrganizationMember, OrganizationRole

    organization = Organization(name=name or f"Test Network {next(_seq)}", **fields)
    db.session.add(organization)
    if owner is not None:
        db.session.add(
            OrganizationMember(
                organization=organization, organizer=owner, role=OrganizationRole.OWNER
            )
        )
    db.session.commit()
    return organization


def organization_of(owner: Organizer | None):
    """The owner's first organization (made when they have none), or a new one."""
    from planner.organizations.services import organizations_of

    found = organizations_of(owner) if owner is not None else []
    return found[0] if found else make_organization(owner)


def make_institute(owner: Organizer | None = None, **fields) -> Institute:
    if "organization" not in fields and "organization_id" not in fields:
        fields["organization"] = organization_of(owner)
    n = next(_seq)
    values = dict(
        slug=f"institute-{n}",
        title=f"Test Institute {n}",
        city="Shymkent",
        country="KZ",
        timezone="Asia/Almaty",
        start_date=date(2027, 4, 12),
        end_date=date(2027, 4, 15),
        working_languages="ru,en",
        status=InstituteStatus.OPEN,
        venue="Training Centre",
        address="1 Example Street",
        contact_email="team@example.org",
    )
    values.update(fields)
    institute = Institute(**values)
    db.session.add(institute)
    if owner is not None:
        db.session.add(Membership(organizer=owner, institute=institute, role=TeamRole.OWNER))
    db.session.commit()
    return institute


def add_member(institute: Institute, organizer: Organizer, role: TeamRole) -> Membership:
    membership = Membership(organizer=organizer, institute=institute, role=role)
    db.session.add(membership)
    db.session.commit()
    return membership


def make_invitee(institute: Institute, **fields) -> Invitee:
    n = next(_seq)
    values = dict(
        full_name=f"Айгуль Тестова {n}",
        passport_name=f"TESTOVA AIGUL {n}",
        email=f"invitee{n}@example.org",
        country="KZ",
        nationality="KZ",
        role=InviteeRole.PARTICIPANT,
        language="ru",
        rsvp_status=RsvpStatus.INVITED,
    )
    values.update(fields)
    invitee = Invitee(institute=institute, **values)
    db.session.add(invitee)
    db.session.commit()
    return invitee
