"""The person link of every new invitee.

Every invitee written anywhere (form, import, demo, tests) gets its ``person`` when it is first
flushed: the person of an invitee with the same e-mail in another institute of the same
organization (certain), or a new person. Matches by name and nationality are only proposed
(``planner.reports.returning``) and linked once an organizer confirms them.
"""

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from planner.institutes.models import Institute
from planner.invitations.models import Invitee
from planner.organizations.models import Person

# The person link ----------------------------------------------------------------------------


def email_key(email: str | None) -> str:
    return (email or "").strip().casefold()


def _organization_of(session: Session, invitee: Invitee) -> tuple[int | None, object]:
    """(organization id or None when not stored yet, the organization object or id)."""
    institute = invitee.institute
    if institute is None and invitee.institute_id is not None:
        institute = session.get(Institute, invitee.institute_id)
    if institute is None:
        return None, None
    if institute.organization_id is not None:
        return institute.organization_id, institute.organization_id
    organization = institute.organization  # not flushed yet: a new organization
    return (None, organization) if organization is not None else (None, None)


@event.listens_for(Session, "before_flush")
def _link_new_invitees(session: Session, _context, _instances) -> None:
    new = [
        obj
        for obj in session.new
        if isinstance(obj, Invitee) and obj.person_id is None and obj.person is None
    ]
    if not new:
        return
    with session.no_autoflush:
        by_organization: dict[object, list[Invitee]] = {}
        for invitee in new:
            org_id, org = _organization_of(session, invitee)
            if org is None:
                continue
            by_organization.setdefault(org_id if org_id is not None else id(org), []).append(
                (invitee, org_id, org)
            )
        for group in by_organization.values():
            _link_group(session, group)


def _people_by_email(session: Session, org_id: int | None, keys: set[str]) -> dict[str, int]:
    """The person already linked to each of these e-mail keys in the organization."""
    known: dict[str, int] = {}
    keys = keys - {""}
    if org_id is None or not keys:
        return known
    rows = session.execute(
        select(Invitee.email, Invitee.person_id)
        .join(Institute, Institute.id == Invitee.institute_id)
        .where(
            Institute.organization_id == org_id,
            Invitee.person_id.isnot(None),
            Invitee.email.in_(sorted(keys)),
        )
        .order_by(Invitee.id)
    ).all()
    for email, person_id in rows:
        known.setdefault(email_key(email), person_id)
    return known


def _link_group(session: Session, group: list) -> None:
    org_id = group[0][1]
    known = _people_by_email(session, org_id, {email_key(i.email) for i, _, _ in group})
    made: dict[str, Person] = {}
    for invitee, _org_id, org in group:
        key = email_key(invitee.email)
        if key and key in known:
            invitee.person_id = known[key]
        elif key and key in made:
            invitee.person = made[key]
        else:
            person = Person()
            if isinstance(org, int):
                person.organization_id = org
            else:
                person.organization = org
            session.add(person)
            invitee.person = person
            if key:
                made[key] = person


def link_unlinked(institute_id: int) -> int:
    """Give the institute's invitees without a person theirs, as on first save; for a restore,
    which writes rows without the ORM. Leaves ``updated_at`` as restored. Returns the count."""
    from planner.extensions import db

    session = db.session
    org_id = session.get(Institute, institute_id).organization_id
    rows = session.execute(
        select(Invitee.id, Invitee.email)
        .where(Invitee.institute_id == institute_id, Invitee.person_id.is_(None))
        .order_by(Invitee.id)
    ).all()
    known = _people_by_email(session, org_id, {email_key(email) for _, email in rows})
    table = Invitee.__table__
    for invitee_id, email in rows:
        key = email_key(email)
        person_id = known.get(key) if key else None
        if person_id is None:
            person = Person(organization_id=org_id)
            session.add(person)
            session.flush()
            person_id = person.id
            if key:
                known[key] = person_id
        session.execute(
            update(table)
            .where(table.c.id == invitee_id)
            .values(person_id=person_id, updated_at=table.c.updated_at)
        )
    return len(rows)
