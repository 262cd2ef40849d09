"""Property tests on random institutes: invitees of several nationalities (the host's too),
journeys of one to three legs across zones with DST changes, hotel rooms, and sessions."""

from datetime import date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.agenda.program import SessionItem as WebItem
from planner.agenda.program import build_days, spans_every_room
from planner.documents.data import SessionItem as BookletItem
from planner.documents.data import program_grid
from planner.extensions import db
from planner.invitations.models import RsvpStatus
from planner.travel import risks, services
from planner.travel.manifests import build_manifest
from planner.travel.models import Direction, Hotel, RoomAssignment, TravelLeg, TravelMode
from planner.travel.zones import to_instant
from tests import factories

# Zones with and without DST; Europe/Berlin and America/New_York change clocks in March.
ZONES = ["Asia/Almaty", "Europe/Istanbul", "Europe/Berlin", "America/New_York", "Asia/Dushanbe"]
NATIONALITIES = ["KZ", "KG", "TJ", "UZ", "JO", None]  # the institute is in KZ
STATUSES = [RsvpStatus.CONFIRMED, RsvpStatus.CONFIRMED, RsvpStatus.INVITED, RsvpStatus.DECLINED]
FIRST_DAY = date(2027, 3, 26)  # around the last Sunday of March: Europe's DST change

leg_hops = st.lists(
    st.tuples(
        st.sampled_from(ZONES),  # departure zone
        st.integers(1, 10),  # hours on the way
        st.integers(1, 8),  # hours of the change before the next leg
    ),
    min_size=1,
    max_size=3,
)
person = st.fixed_dictionaries(
    {
        "nationality": st.sampled_from(NATIONALITIES),
        "status": st.sampled_from(STATUSES),
        "arrival": st.one_of(st.none(), leg_hops),
        "arrival_day": st.integers(-3, 1),  # days from the first day
        "arrival_hour": st.integers(0, 23),
        "departure": st.one_of(st.none(), leg_hops),
        "departure_hour": st.integers(0, 23),
        "bed": st.one_of(st.none(), st.tuples(st.integers(-3, 2), st.integers(0, 6))),
    }
)


def _journey(invitee, direction, hops, start: datetime) -> None:
    """Legs one after the other from ``start`` (wall clock in the first leg's zone)."""
    at, previous_zone = start, "Asia/Almaty"
    for n, (zone, hours, change) in enumerate(hops):
        last = n == len(hops) - 1
        if direction == Direction.ARRIVAL:
            to_zone = "Asia/Almaty" if last else ZONES[(ZONES.index(zone) + 1) % len(ZONES)]
            from_zone = zone if n == 0 else previous_zone
        else:
            from_zone = "Asia/Almaty" if n == 0 else previous_zone
            to_zone = zone
        departs = at.replace(tzinfo=None)
        departs_aware = to_instant(departs, from_zone)
        arrives_aware = departs_aware + timedelta(hours=hours)
        arrives = arrives_aware.astimezone(ZoneInfo(to_zone)).replace(tzinfo=None)
        db.session.add(
            TravelLeg(
                invitee=invitee,
                direction=direction,
                mode=TravelMode.AIR,
                carrier="Test Air",
                number=f"TA {n + 1}",
                from_place=f"Place {n}",
                to_place="Shymkent (CIT)" if direction == Direction.ARRIVAL and last else f"P{n}",
                departs_local=departs,
                departs_tz=from_zone,
                arrives_local=arrives,
                arrives_tz=to_zone,
                uid=services.new_uid("leg"),
            )
        )
        previous_zone = to_zone
        next_departure = arrives_aware + timedelta(hours=change)
        at = next_departure.astimezone(ZoneInfo(to_zone))


def _institute(people) -> object:
    institute = factories.make_institute(
        start_date=FIRST_DAY, end_date=FIRST_DAY + timedelta(days=3)
    )
    hotel = Hotel(institute_id=institute.id, name="Hotel") if people else None
    if hotel is not None and any(p["bed"] for p in people):
        db.session.add(hotel)
        db.session.flush()
    for n, p in enumerate(people):
        invitee = factories.make_invitee(
            institute,
            full_name=f"Person {n}",
            nationality=p["nationality"],
            rsvp_status=p["status"],
        )
        if p["arrival"]:
            start = datetime.combine(FIRST_DAY, datetime.min.time()) + timedelta(
                days=p["arrival_day"], hours=p["arrival_hour"]
            )
            _journey(invitee, Direction.ARRIVAL, p["arrival"], start)
        if p["departure"]:
            start = datetime.combine(FIRST_DAY + timedelta(days=3), datetime.min.time())
            _journey(invitee, Direction.DEPARTURE, p["departure"], start + timedelta(
                hours=p["departure_hour"]))  # fmt: skip
        if p["bed"]:
            first, length = p["bed"]
            check_in = FIRST_DAY + timedelta(days=first)
            db.session.add(
                RoomAssignment(
                    invitee=invitee,
                    hotel=hotel,
                    room_label=str(n),
                    room_capacity=1,
                    check_in=check_in,
                    check_out=check_in + timedelta(days=length),
                    uid=services.new_uid("room"),
                )
            )
    db.session.commit()
    return institute


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(people=st.lists(person, max_size=6))
def test_random_institutes_keep_their_logistics_promises(app, people):
    with app.test_request_context():
        institute = _institute(people)
        data = risks.load_travel_data(institute, today=FIRST_DAY - timedelta(days=10))
        findings = risks.all_findings(data)

        # Each confirmed person with legs appears exactly once per direction, nobody else.
        for direction in (Direction.ARRIVAL, Direction.DEPARTURE):
            listed = [row.invitee_id for row in build_manifest(data, direction).rows]
            expected = {
                i.id
                for i in data.confirmed
                if any(leg.direction == direction for leg in data.legs.get(i.id, []))
            }
            assert sorted(listed) == sorted(expected)

        # The rooming covers every night a confirmed person is present, or a risk says so.
        without_bed = {f.invitee_id for f in findings if f.kind == "no_bed"}
        for invitee in data.confirmed:
            needed = risks.nights_present(institute, data.legs.get(invitee.id, []))
            covered = {
                night
                for a in data.rooms.get(invitee.id, [])
                for night in services.nights(a.check_in, a.check_out)
            }
            if set(needed) - covered:
                assert invitee.id in without_bed
            else:
                assert invitee.id not in without_bed

        # No risk mentions the visa of a national of the host country.
        host = {i.id for i in data.invitees if i.nationality == institute.country}
        visa_kinds = {"visa", "visa_rule", "visa_free_days"}
        assert not [f for f in findings if f.kind in visa_kinds and f.invitee_id in host]


# --- the agenda grid: pure functions, so many more examples ---------------------------------

ROOMS = [SimpleNamespace(id=n, name=f"Room {n}", capacity=None, position=n) for n in (1, 2, 3)]
session = st.tuples(
    st.sampled_from([None, 1, 2, 3]),  # room
    st.booleans(),  # marked as spanning
    st.integers(0, 2),  # day
    st.sampled_from([9, 10, 11, 13]),  # hour
    st.sampled_from([30, 60, 90]),  # minutes
)


def _items(specs):
    web, booklet = [], []
    for n, (room, spans, day, hour, minutes) in enumerate(specs, start=1):
        starts = datetime(2027, 4, 12 + day, hour)
        ends = starts + timedelta(minutes=minutes)
        name = f"Room {room}" if room else ""
        web.append(
            WebItem(
                n,
                f"uid-{n}",
                0,
                f"S{n}",
                "plenary",
                starts,
                ends,
                room,
                name,
                "",
                "",
                "",
                "",
                [],
                False,
                spans_every_room(room, spans),
                0,
            )
        )
        booklet.append(
            BookletItem(
                n,
                f"S{n}",
                "plenary",
                starts,
                ends,
                name,
                room,
                "",
                "",
                "",
                "",
                (),
                spans_every_room(room, spans),
            )
        )
    key = lambda item: (item.starts, item.ends, item.id)  # noqa: E731
    return sorted(web, key=key), sorted(booklet, key=key)


@settings(max_examples=200, deadline=None)
@given(specs=st.lists(session, max_size=12))
def test_the_grid_places_every_session_exactly_once_in_its_room(specs):
    web, booklet = _items(specs)

    days = build_days(web, ROOMS)
    placed = [item.id for day in days for item in day.sessions]
    assert sorted(placed) == sorted(item.id for item in web)
    for day in days:
        for row in day.rows:
            for column, cell in zip(day.rooms, row.cells, strict=True):
                assert all(item.room_id == column.id and not item.spans_row for item in cell)

    order = {room.id: (room.position, room.name.casefold()) for room in ROOMS}
    pages = program_grid(booklet, order)
    printed = [c.session.id for day in pages for row in day.rows for c in row.cells if c.session]
    assert sorted(printed) == sorted(item.id for item in booklet)
    for day in pages:
        width = max(len(day.rooms), 1)
        for row in day.rows:
            assert sum(cell.span for cell in row.cells) == width
            for column, cell in enumerate(row.cells):
                item = cell.session
                if item is None or item.spans:
                    continue
                # in its room's column, or (a clash in one room) an extra column
                assert day.rooms[column] in (item.room, "")
