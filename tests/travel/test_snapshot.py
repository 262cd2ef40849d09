"""The travel snapshot reads plain rows, and they say what the stored objects say."""

from datetime import date

from planner.invitations.models import RsvpStatus
from planner.travel import risks
from planner.travel.models import Direction, VisaStatus
from tests import factories
from tests.travel.factories import make_case, make_hotel, make_leg, make_room


def test_snapshot_legs_keep_each_end_in_its_own_zone(institute):
    person = factories.make_invitee(institute, rsvp_status=RsvpStatus.CONFIRMED)
    # Leaves Berlin in the ambiguous hour of 31 October 2027 (read as its first occurrence).
    leg = make_leg(
        person,
        "2027-10-31T02:30",
        "2027-10-31T11:45",
        direction=Direction.DEPARTURE,
        departs_tz="Europe/Berlin",
        arrives_tz="Asia/Almaty",
    )

    [row] = risks.load_travel_data(institute).legs[person.id]

    assert (row.id, row.direction, row.from_place) == (leg.id, leg.direction, leg.from_place)
    assert row.departs_at == leg.departs_at and row.departs_at.tzinfo == leg.departs_at.tzinfo
    assert row.arrives_at == leg.arrives_at and row.arrives_at.tzinfo == leg.arrives_at.tzinfo
    assert row.departs_at.utcoffset() == leg.departs_at.utcoffset()


def test_snapshot_cases_rooms_and_invitees_are_read_as_stored(institute):
    person = factories.make_invitee(
        institute, rsvp_status=RsvpStatus.CONFIRMED, nationality="JO", passport_expiry=None
    )
    case = make_case(person, VisaStatus.APPLIED)
    assignment = make_room(person, make_hotel(institute), check_in=date(2027, 4, 11))

    data = risks.load_travel_data(institute)

    [invitee] = data.invitees
    assert (invitee.id, invitee.nationality, invitee.rsvp_status) == (
        person.id,
        "JO",
        RsvpStatus.CONFIRMED,
    )
    assert (data.cases[person.id].id, data.cases[person.id].status) == (case.id, case.status)
    [room] = data.rooms[person.id]
    assert (room.id, room.hotel_id, room.check_in, room.check_out) == (
        assignment.id,
        assignment.hotel_id,
        date(2027, 4, 11),
        assignment.check_out,
    )
