"""Factories of travel data for tests: legs, visa rules and cases, hotels and rooms."""

from datetime import date, datetime

from planner.extensions import db
from planner.travel import services
from planner.travel.models import (
    Direction,
    Hotel,
    RoomAssignment,
    TravelLeg,
    TravelMode,
    VisaCase,
    VisaRequirement,
    VisaRule,
    VisaStatus,
)


def make_leg(
    invitee,
    departs: str = "2027-04-11T08:00",
    arrives: str = "2027-04-11T10:00",
    *,
    direction: Direction = Direction.ARRIVAL,
    departs_tz: str = "Asia/Almaty",
    arrives_tz: str = "Asia/Almaty",
    **fields,
) -> TravelLeg:
    values = dict(
        mode=TravelMode.AIR,
        carrier="Air Astana",
        number="KC 953",
        from_place="Almaty (ALA)",
        to_place="Shymkent (CIT)",
    )
    values.update(fields)
    leg = TravelLeg(
        invitee=invitee,
        direction=direction,
        departs_local=datetime.fromisoformat(departs),
        departs_tz=departs_tz,
        arrives_local=datetime.fromisoformat(arrives),
        arrives_tz=arrives_tz,
        uid=services.new_uid("leg"),
        **values,
    )
    db.session.add(leg)
    db.session.commit()
    return leg


def make_rule(institute, nationality: str, requirement=VisaRequirement.NOT_NEEDED, **fields):
    rule = VisaRule(
        institute_id=institute.id, nationality=nationality, requirement=requirement, **fields
    )
    db.session.add(rule)
    db.session.commit()
    return rule


def make_case(invitee, status: VisaStatus = VisaStatus.NEEDED, **fields) -> VisaCase:
    case = VisaCase(invitee=invitee, status=status, **fields)
    db.session.add(case)
    db.session.commit()
    return case


def make_hotel(institute, name: str = "Hotel Samal", **fields) -> Hotel:
    hotel = Hotel(institute_id=institute.id, name=name, **fields)
    db.session.add(hotel)
    db.session.commit()
    return hotel


def make_room(
    invitee,
    hotel,
    check_in: date = date(2027, 4, 12),
    check_out: date = date(2027, 4, 15),
    room_label: str = "201",
    room_capacity: int = 2,
) -> RoomAssignment:
    assignment = RoomAssignment(
        invitee=invitee,
        hotel=hotel,
        room_label=room_label,
        room_capacity=room_capacity,
        check_in=check_in,
        check_out=check_out,
        uid=services.new_uid("room"),
    )
    db.session.add(assignment)
    db.session.commit()
    return assignment
