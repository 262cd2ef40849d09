"""Load the benchmark reference workload (DESIGN §7) from its JSON into one institute.

The JSON is written by ``shared/bench/reference_workload.py`` (4 days, 60 agenda items in
5 rooms, 12 facilitators, 300 participants, Asia/Almaty; every person fictional). On top of
what the file holds, each participant is put in one breakout of every parallel slot (a
balanced round robin) and gets an arrival leg, a departure leg and a hotel stay, derived
deterministically from their country, so personal feeds have realistic content.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from planner.agenda.models import BreakoutAssignment, Room, Session, SessionFacilitator, SessionKind
from planner.extensions import db
from planner.institutes.models import Institute, InstituteStatus
from planner.invitations.models import Invitee, InviteeRole, RsvpStatus
from planner.travel.models import Direction, Hotel, RoomAssignment, TravelLeg, TravelMode

KINDS = {kind.value: kind for kind in SessionKind}
ROOM_CAPACITY = {"Plenary Hall": 320, "Foyer": 320}
# Where participants of each country fly from: (place, IANA zone, flight time).
ORIGINS = {
    "KZ": ("Astana (NQZ)", "Asia/Almaty", timedelta(hours=2)),
    "UZ": ("Tashkent (TAS)", "Asia/Tashkent", timedelta(hours=1, minutes=10)),
    "KG": ("Bishkek (FRU)", "Asia/Bishkek", timedelta(hours=1, minutes=20)),
    "TJ": ("Dushanbe (DYU)", "Asia/Dushanbe", timedelta(hours=1, minutes=50)),
    "TM": ("Ashgabat (ASB)", "Asia/Ashgabat", timedelta(hours=3)),
}
ARRIVAL_AIRPORT = "Shymkent (CIT)"


def load_reference(path: str | Path, owner=None) -> Institute:
    """Create the institute of the workload file (flushed, not committed) and return it.

    ``owner`` (an Organizer) becomes its owner when given. The slug must be free.
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    event = data["event"]
    start = date.fromisoformat(event["start_date"])
    from planner.organizations.models import Organization
    from planner.organizations.services import default_organization

    organization = (
        default_organization(owner)
        if owner is not None
        else Organization(name=event.get("host_organization") or event["title"])
    )
    institute = Institute(
        organization=organization,
        slug=event["slug"],
        title=event["title"],
        description=event.get("description", ""),
        city=event["city"],
        country=event["country_code"],
        venue=event.get("venue", ""),
        address=event.get("address", ""),
        timezone=event["timezone"],
        start_date=start,
        end_date=start + timedelta(days=event["days"] - 1),
        working_languages="en,ru",
        status=InstituteStatus.OPEN,
        program_published=True,
    )
    db.session.add(institute)
    if owner is not None:
        from planner.auth.models import Membership, TeamRole

        db.session.add(Membership(organizer=owner, institute=institute, role=TeamRole.OWNER))
    db.session.flush()

    rooms = {
        name: Room(
            institute_id=institute.id,
            name=name,
            position=position,
            capacity=ROOM_CAPACITY.get(name, 110),
        )
        for position, name in enumerate(data["rooms"])
    }
    db.session.add_all(rooms.values())

    facilitators = {
        person["id"]: _invitee(institute, person, InviteeRole.FACILITATOR, consent=True)
        for person in data["facilitators"]
    }
    participants = [
        _invitee(institute, person, InviteeRole.PARTICIPANT, consent=n % 3 != 0)
        for n, person in enumerate(data["participants"])
    ]
    db.session.add_all([*facilitators.values(), *participants])

    sessions = []
    for item in data["items"]:
        starts = datetime.combine(
            date.fromisoformat(item["date"]), time.fromisoformat(item["start"])
        )
        session = Session(
            institute_id=institute.id,
            title=item["title"],
            kind=KINDS.get(item["kind"], SessionKind.OTHER),
            starts_local=starts,
            ends_local=starts + timedelta(minutes=item["minutes"]),
            room=rooms.get(item.get("room")),
            description=item.get("description", ""),
            language="en",
            interpretation="en ↔ ru",
            uid=f"{event['slug']}-{item['id']}@reference.planner",
        )
        session.facilitators = [
            SessionFacilitator(invitee=facilitators[speaker]) for speaker in item["speakers"]
        ]
        sessions.append(session)
    db.session.add_all(sessions)
    db.session.flush()

    _assign_breakouts(sessions, participants)
    _add_travel(institute, participants, start, institute.end_date)
    db.session.flush()
    return institute


def _invitee(institute: Institute, person: dict, role: InviteeRole, consent: bool) -> Invitee:
    name = f"{person['first_name']} {person['last_name']}"
    cyrillic = any("\u0400" <= char <= "\u04ff" for char in name)
    return Invitee(
        institute=institute,
        full_name=name,
        email=person["email"].lower(),
        organization=person.get("affiliation", ""),
        country=person.get("country"),
        nationality=person.get("country"),
        role=role,
        language="ru" if cyrillic else "en",
        rsvp_status=RsvpStatus.CONFIRMED,
        consent_to_list=consent,
        consent_named_facilitator=consent and role == InviteeRole.FACILITATOR,
    )


def _assign_breakouts(sessions: list[Session], participants: list[Invitee]) -> None:
    """Each participant in one breakout of every parallel slot, spread evenly."""
    slots: dict[datetime, list[Session]] = defaultdict(list)
    for session in sessions:
        if session.kind == SessionKind.BREAKOUT:
            slots[session.starts_local].append(session)
    rows = []
    for parallel in slots.values():
        for n, participant in enumerate(participants):
            chosen = parallel[n % len(parallel)]
            rows.append({"session_id": chosen.id, "invitee_id": participant.id})
    if rows:
        db.session.execute(db.insert(BreakoutAssignment), rows)


def _add_travel(institute: Institute, participants: list[Invitee], first: date, last: date):
    hotel = Hotel(
        institute_id=institute.id,
        name="Hotel Ordabasy (fictional)",
        address="5 Kunaev Avenue, Shymkent",
        phone="+7 725 200 1111",
    )
    db.session.add(hotel)
    db.session.flush()
    legs, stays = [], []
    for n, participant in enumerate(participants):
        place, zone, duration = ORIGINS.get(participant.country or "KZ", ORIGINS["KZ"])
        arrival_departs = datetime.combine(first - timedelta(days=1), time(8 + n % 10, 0))
        home_departs = datetime.combine(last + timedelta(days=1), time(9 + n % 8, 30))
        legs.append(
            _leg(
                participant,
                Direction.ARRIVAL,
                (place, zone),
                (ARRIVAL_AIRPORT, institute.timezone),
                arrival_departs,
                duration,
                n,
            )
        )
        legs.append(
            _leg(
                participant,
                Direction.DEPARTURE,
                (ARRIVAL_AIRPORT, institute.timezone),
                (place, zone),
                home_departs,
                duration,
                n,
            )
        )
        stays.append(
            RoomAssignment(
                invitee_id=participant.id,
                hotel_id=hotel.id,
                room_label=str(101 + n // 2),
                room_capacity=2,
                check_in=first - timedelta(days=1),
                check_out=last + timedelta(days=1),
                uid=f"{institute.slug}-stay-{participant.id}@reference.planner",
            )
        )
    db.session.add_all([*legs, *stays])


def _leg(invitee, direction, origin, destination, departs, duration, n) -> TravelLeg:
    """A flight; the arrival wall-clock time is computed through UTC (zones differ)."""
    (from_place, from_zone), (to_place, to_zone) = origin, destination
    arrives = (
        (departs.replace(tzinfo=ZoneInfo(from_zone)) + duration)
        .astimezone(ZoneInfo(to_zone))
        .replace(tzinfo=None)
    )
    return TravelLeg(
        invitee_id=invitee.id,
        direction=direction,
        mode=TravelMode.AIR,
        carrier="Air Astana",
        number=f"KC {700 + n % 90}",
        from_place=from_place,
        departs_local=departs,
        departs_tz=from_zone,
        to_place=to_place,
        arrives_local=arrives,
        arrives_tz=to_zone,
        needs_pickup=direction == Direction.ARRIVAL,
        uid=f"{invitee.institute.slug}-{direction.value}-{invitee.id}@reference.planner",
    )
