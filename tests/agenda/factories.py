"""Agenda test data: rooms, sessions, facilitators, participants; and a query counter."""

from datetime import datetime
from uuid import uuid4

from planner.agenda.models import (
    BreakoutAssignment,
    Room,
    Session,
    SessionFacilitator,
    SessionKind,
    SessionStatus,
)
from planner.extensions import db
from planner.invitations.models import InviteeRole, RsvpStatus
from tests import factories
from tests.queries import count_queries  # noqa: F401 - shared by this package's tests


def make_room(institute, name="Altai Room", capacity=None, position=10) -> Room:
    room = Room(institute_id=institute.id, name=name, capacity=capacity, position=position)
    db.session.add(room)
    db.session.commit()
    return room


def at(text: str) -> datetime:
    """A naive wall-clock datetime from '2027-04-12 09:00'."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M")


def make_session(
    institute,
    starts="2027-04-12 09:00",
    ends="2027-04-12 10:30",
    title="Opening plenary",
    kind=SessionKind.PLENARY,
    room=None,
    facilitators=(),
    participants=(),
    status=SessionStatus.SCHEDULED,
    **fields,
) -> Session:
    session = Session(
        institute_id=institute.id,
        title=title,
        kind=kind,
        starts_local=at(starts),
        ends_local=at(ends),
        room_id=room.id if room else None,
        status=status,
        uid=f"session-{uuid4()}@planner.test",
        **fields,
    )
    session.facilitators = [SessionFacilitator(invitee_id=i.id) for i in facilitators]
    db.session.add(session)
    db.session.flush()
    for person in participants:
        db.session.add(BreakoutAssignment(session_id=session.id, invitee_id=person.id))
    db.session.commit()
    return session


def make_facilitator(institute, name="Rania Haddad", **fields):
    values = dict(
        full_name=name,
        role=InviteeRole.FACILITATOR,
        rsvp_status=RsvpStatus.CONFIRMED,
        language="en",
        consent_to_list=True,
        consent_named_facilitator=True,
    )
    values.update(fields)
    return factories.make_invitee(institute, **values)


def make_participant(institute, name="Зарина Саидова", **fields):
    values = dict(
        full_name=name,
        role=InviteeRole.PARTICIPANT,
        rsvp_status=RsvpStatus.CONFIRMED,
    )
    values.update(fields)
    return factories.make_invitee(institute, **values)
