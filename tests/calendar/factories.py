"""Agenda, travel and feed-link data for calendar tests. Fictional people only."""

import itertools
import uuid
from datetime import date, datetime

from planner.agenda.models import (
    BreakoutAssignment,
    Room,
    Session,
    SessionFacilitator,
    SessionKind,
    SessionStatus,
)
from planner.extensions import db
from planner.travel.models import Direction, Hotel, RoomAssignment, TravelLeg, TravelMode

_seq = itertools.count(1)


def make_room(institute, name: str | None = None, **fields) -> Room:
    room = Room(institute_id=institute.id, name=name or f"Room {next(_seq)}", **fields)
    db.session.add(room)
    db.session.commit()
    return room


def make_session(
    institute,
    title: str = "Opening plenary",
    starts: datetime = datetime(2027, 4, 12, 9, 0),
    ends: datetime | None = None,
    *,
    kind: SessionKind = SessionKind.PLENARY,
    room: Room | None = None,
    facilitators=(),
    participants=(),
    commit: bool = True,
    **fields,
) -> Session:
    session = Session(
        institute_id=institute.id,
        title=title,
        kind=kind,
        starts_local=starts,
        ends_local=ends or starts.replace(hour=starts.hour + 1),
        room_id=room.id if room else None,
        uid=fields.pop("uid", f"session-{uuid.uuid4()}@planner.test"),
        status=fields.pop("status", SessionStatus.SCHEDULED),
        **fields,
    )
    db.session.add(session)
    db.session.flush()
    for invitee in facilitators:
        db.session.add(SessionFacilitator(session_id=session.id, invitee_id=invitee.id))
    for invitee in participants:
        db.session.add(BreakoutAssignment(session_id=session.id, invitee_id=invitee.id))
    if commit:
        db.session.commit()
    return session


def make_leg(
    invitee,
    departs: datetime,
    departs_tz: str,
    arrives: datetime,
    arrives_tz: str,
    **fields,
) -> TravelLeg:
    values = dict(
        direction=Direction.ARRIVAL,
        mode=TravelMode.AIR,
        carrier="Air Astana",
        number="KC 912",
        from_place="Frankfurt (FRA)",
        to_place="Shymkent (CIT)",
    )
    values.update(fields)
    leg = TravelLeg(
        invitee_id=invitee.id,
        departs_local=departs,
        departs_tz=departs_tz,
        arrives_local=arrives,
        arrives_tz=arrives_tz,
        uid=f"leg-{uuid.uuid4()}@planner.test",
        **values,
    )
    db.session.add(leg)
    db.session.commit()
    return leg


def make_hotel(institute, name: str = "Hotel Ordabasy", **fields) -> Hotel:
    hotel = Hotel(
        institute_id=institute.id,
        name=name,
        address=fields.pop("address", "5 Kunaev Avenue, Shymkent"),
        phone=fields.pop("phone", "+7 725 200 1111"),
        **fields,
    )
    db.session.add(hotel)
    db.session.commit()
    return hotel


def make_stay(
    invitee,
    hotel: Hotel,
    check_in: date = date(2027, 4, 11),
    check_out: date = date(2027, 4, 16),
    room_label: str = "214",
) -> RoomAssignment:
    stay = RoomAssignment(
        invitee_id=invitee.id,
        hotel_id=hotel.id,
        room_label=room_label,
        check_in=check_in,
        check_out=check_out,
        uid=f"stay-{uuid.uuid4()}@planner.test",
    )
    db.session.add(stay)
    db.session.commit()
    return stay
