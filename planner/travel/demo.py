"""Demo travel of the fictional Shymkent institute: visa rules, cases, legs, hotels and rooms.

Every rule, flight number and hotel here is invented. A few risks are left on purpose
(an expiring passport, a visa not approved in time, a late arrival, an early departure,
a missing bed, a bed held for someone who declined) so the dashboard shows them.
"""

from datetime import datetime

from sqlalchemy import select

from planner.extensions import db
from planner.invitations.models import Invitee, RsvpStatus
from planner.travel import services
from planner.travel.models import Direction, TravelMode, VisaRequirement, VisaStatus
from planner.travel.risks import stay_of

AIR, RAIL, ROAD = TravelMode.AIR, TravelMode.RAIL, TravelMode.ROAD
ALMATY = "Asia/Almaty"
RULES = [
    # nationality, requirement, visa-free days, lead time, notes
    ("KZ", VisaRequirement.NOT_NEEDED, 30, None, "Host country (fictional rule)."),
    ("KG", VisaRequirement.NOT_NEEDED, 30, None, "Fictional: visa-free for 30 days."),
    ("TJ", VisaRequirement.NOT_NEEDED, 30, None, "Fictional: visa-free for 30 days."),
    (
        "UZ",
        VisaRequirement.E_VISA,
        None,
        10,
        "Fictional: e-visa online, about ten days; a letter helps.",
    ),
    (
        "JO",
        VisaRequirement.REQUIRED,
        None,
        150,
        "Fictional: the consulate asks for applications five months ahead, with our letter.",
    ),
]


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _leg(direction, mode, carrier, number, src, departs, src_tz, dst, arrives, dst_tz, **extra):
    return services.LegData(
        direction=direction,
        mode=mode,
        carrier=carrier,
        number=number,
        from_place=src,
        departs_local=_at(departs),
        departs_tz=src_tz,
        to_place=dst,
        arrives_local=_at(arrives),
        arrives_tz=dst_tz,
        border_crossing=extra.get("border", ""),
        needs_pickup=extra.get("pickup", False),
        # An arranged pickup (who, when), as organizers set it; the others are only asked for.
        pickup_by=extra.get("pickup_by", ""),
        pickup_at=_at(extra["pickup_at"]) if "pickup_at" in extra else None,
    )


A, D = Direction.ARRIVAL, Direction.DEPARTURE
CIT = "Shymkent airport (CIT)"
STATION = "Shymkent railway station"
VENUE = "Shymkent Regional Training Centre"


def _from_amman():
    return [
        _leg(A, AIR, "Royal Jordanian", "RJ 4402", "Amman (AMM)", "2027-04-10T23:55",
             "Asia/Amman", "Istanbul (IST)", "2027-04-11T02:15", "Europe/Istanbul"),
        _leg(A, AIR, "Turkish Airlines", "TK 9350", "Istanbul (IST)", "2027-04-11T08:05",
             "Europe/Istanbul", CIT, "2027-04-11T15:45", ALMATY, pickup=True,
             pickup_by="Ermek Dzhaksybekov (driver), +7 701 555 0101",
             pickup_at="2027-04-11T16:15"),
        _leg(D, AIR, "Turkish Airlines", "TK 9351", CIT, "2027-04-16T17:00", ALMATY,
             "Istanbul (IST)", "2027-04-16T20:10", "Europe/Istanbul"),
        _leg(D, AIR, "Royal Jordanian", "RJ 4403", "Istanbul (IST)", "2027-04-16T22:30",
             "Europe/Istanbul", "Amman (AMM)", "2027-04-17T00:45", "Asia/Amman"),
    ]  # fmt: skip


def _from_bishkek(day="2027-04-11", back="2027-04-16"):
    return [
        _leg(A, ROAD, "Ala-Too Shuttle", "", "Bishkek, Western bus station", f"{day}T06:30",
             "Asia/Bishkek", VENUE, f"{day}T15:30", ALMATY, border="Kordai / Ak-Jol"),
        _leg(D, ROAD, "Ala-Too Shuttle", "", VENUE, f"{back}T08:00", ALMATY,
             "Bishkek, Western bus station", f"{back}T18:00", "Asia/Bishkek",
             border="Kordai / Ak-Jol"),
    ]  # fmt: skip


def _from_tashkent():
    return [
        _leg(A, RAIL, "KTZ", "0017Ш", "Tashkent, Northern station", "2027-04-11T08:30",
             "Asia/Tashkent", STATION, "2027-04-11T14:10", ALMATY, border="Saryagash",
             pickup=True),
        _leg(D, RAIL, "KTZ", "0018Ц", STATION, "2027-04-16T09:40", ALMATY,
             "Tashkent, Northern station", "2027-04-16T15:05", "Asia/Tashkent",
             border="Saryagash"),
    ]  # fmt: skip


def _from_dushanbe():
    return [
        _leg(A, AIR, "Somon Air", "SZ 201", "Dushanbe (DYU)", "2027-04-11T07:20",
             "Asia/Dushanbe", "Almaty (ALA)", "2027-04-11T08:55", ALMATY),
        _leg(A, AIR, "SCAT", "DV 734", "Almaty (ALA)", "2027-04-11T12:40", ALMATY, CIT,
             "2027-04-11T14:15", ALMATY, pickup=True,
             pickup_by="Aset Nurpeisov (volunteer), +7 702 555 0202",
             pickup_at="2027-04-11T14:30"),
        _leg(D, AIR, "SCAT", "DV 735", CIT, "2027-04-16T07:30", ALMATY, "Almaty (ALA)",
             "2027-04-16T09:05", ALMATY),
        _leg(D, AIR, "Somon Air", "SZ 202", "Almaty (ALA)", "2027-04-16T11:30", ALMATY,
             "Dushanbe (DYU)", "2027-04-16T13:10", "Asia/Dushanbe"),
    ]  # fmt: skip


def _domestic(src, departs, arrives, back_departs, back_arrives, flight, back_flight):
    return [
        _leg(A, AIR, "Air Astana", flight, src, departs, ALMATY, CIT, arrives, ALMATY,
             pickup=True),
        _leg(D, AIR, "Air Astana", back_flight, CIT, back_departs, ALMATY, src, back_arrives,
             ALMATY),
    ]  # fmt: skip


def _journeys() -> dict[str, list]:
    """Legs by the invitee's e-mail user name (see planner/invitations/demo.py)."""
    return {
        "rania.haddad": _from_amman(),
        "begimai.osmonova": _from_bishkek("2027-04-10"),
        "aigul.asanbekova": _from_bishkek(),
        "jyldyz.mamytova": _from_bishkek(),
        "bermet.toktogulova": _from_bishkek(),
        "bermet.isaeva": _from_bishkek(),
        "dilnoza.yusupova": _from_tashkent(),
        "gulchehra.tursunova": _from_tashkent(),
        "kamola.karimova": _from_tashkent(),
        "shakhnoza.rakhimova": _from_tashkent(),
        "zarina.saidova": _from_dushanbe(),
        "nigina.nazarova": _from_dushanbe(),
        "nigina.rakhimova": _from_dushanbe(),
        # Arrives on the second morning: after the program starts (a deliberate risk).
        "t.abenov": _domestic(
            "Almaty (ALA)", "2027-04-13T07:00", "2027-04-13T08:35",
            "2027-04-15T20:00", "2027-04-15T21:35", "KC 951", "KC 958",
        ),
        "lazzat.nurlankyzy": _domestic(
            "Astana (NQZ)", "2027-04-11T10:15", "2027-04-11T12:05",
            "2027-04-16T13:00", "2027-04-16T14:50", "KC 921", "KC 922",
        ),
        "dinara.kassymova": _domestic(
            "Almaty (ALA)", "2027-04-11T16:00", "2027-04-11T17:35",
            "2027-04-16T10:00", "2027-04-16T11:35", "KC 953", "KC 954",
        ),
        "madina.akhmetova": _domestic(
            "Almaty (ALA)", "2027-04-11T16:00", "2027-04-11T17:35",
            "2027-04-16T10:00", "2027-04-16T11:35", "KC 953", "KC 954",
        ),
        # Leaves on the last afternoon: before the program ends (a deliberate risk).
        "gulnara.akhmetova": _domestic(
            "Almaty (ALA)", "2027-04-11T16:00", "2027-04-11T17:35",
            "2027-04-15T13:00", "2027-04-15T14:35", "KC 953", "KC 956",
        ),
        "farangis.nazarova": [],
    }  # fmt: skip


# Rooms: (hotel index, room label, capacity, e-mail users sharing it).
ROOMS = [
    (0, "201", 1, ["rania.haddad"]),
    (0, "202", 1, ["begimai.osmonova"]),
    (0, "203", 2, ["t.abenov", "lazzat.nurlankyzy"]),
    (0, "204", 2, ["dinara.kassymova", "madina.akhmetova"]),
    (0, "205", 2, ["gulnara.akhmetova", "zhanar.kassymova"]),
    (0, "101", 1, ["aidana.serikova"]),
    (1, "1", 2, ["zarina.saidova", "nigina.nazarova"]),
    (1, "2", 2, ["nigina.rakhimova", "shakhnoza.rakhimova"]),
    (1, "3", 3, ["dilnoza.yusupova", "gulchehra.tursunova", "kamola.karimova"]),
    (1, "4", 2, ["aigul.asanbekova", "jyldyz.mamytova"]),
    # A bed still held for someone who declined (a deliberate warning).
    (1, "5", 3, ["bermet.toktogulova", "bermet.isaeva", "farangis.nazarova"]),
]
# Nobody assigned a bed to the observer, Aliya: a deliberate "missing bed".


def seed(institute, organizer) -> None:
    invitees = {
        invitee.email.split("@")[0]: invitee
        for invitee in db.session.scalars(
            select(Invitee).where(Invitee.institute_id == institute.id)
        )
    }
    for nationality, requirement, free_days, lead, notes in RULES:
        services.save_visa_rule(
            institute,
            services.VisaRuleData(nationality, requirement, free_days, lead, notes),
            organizer,
        )
    for user, legs in _journeys().items():
        invitee = invitees.get(user)
        if invitee is None:
            continue
        for leg in legs:
            services.add_leg(invitee, leg, organizer=organizer)
    db.session.flush()
    _seed_visa_cases(invitees, organizer)
    _seed_rooms(institute, invitees, organizer)


def _walk(invitee, steps, organizer, *, invitee_requests=False, approve=False) -> None:
    """Open the invitee's case and move it through the given statuses."""
    case = services.open_visa_case(invitee, organizer=organizer, status=VisaStatus.NEEDED)
    for step in steps:
        by_invitee = invitee_requests and step == VisaStatus.LETTER_REQUESTED
        services.transition_visa_case(
            case,
            step,
            organizer=None if by_invitee else organizer,
            by_invitee=by_invitee,
        )
        if approve and step == VisaStatus.LETTER_REQUESTED:
            services.approve_letter_request(case, organizer)


def _seed_visa_cases(invitees, organizer) -> None:
    S = VisaStatus
    cases = {
        # Applied with our letter but not approved, inside the lead time (a deliberate risk).
        "rania.haddad": ([S.LETTER_REQUESTED, S.LETTER_SENT, S.APPLIED], True),
        "dilnoza.yusupova": ([S.LETTER_REQUESTED, S.LETTER_SENT, S.APPLIED, S.APPROVED], True),
        "gulchehra.tursunova": ([S.LETTER_REQUESTED, S.LETTER_SENT, S.APPLIED], True),
        "kamola.karimova": ([S.LETTER_REQUESTED], False),  # waits for approval of the letter
        "shakhnoza.rakhimova": ([S.NOT_NEEDED], False),
    }
    for user, (steps, approve) in cases.items():
        invitee = invitees.get(user)
        if invitee is not None:
            _walk(invitee, steps, organizer, invitee_requests=True, approve=approve)


def _seed_rooms(institute, invitees, organizer) -> None:
    hotels = [
        services.save_hotel(
            institute,
            "Hotel Ordabasy Plaza (fictional)",
            "5 Baidibek Bi Avenue, Shymkent",
            "+7 725 200 1100",
            organizer,
        ),
        services.save_hotel(
            institute,
            "Guest House Samal (fictional)",
            "17 Kazybek Bi Street, Shymkent",
            "+7 725 200 2200",
            organizer,
        ),
    ]
    legs_by_invitee = {}
    for invitee in invitees.values():
        legs_by_invitee[invitee.id] = services.legs_of(invitee)
    for hotel_index, label, capacity, users in ROOMS:
        for user in users:
            invitee = invitees.get(user)
            if invitee is None:
                continue
            check_in, check_out = stay_of(institute, legs_by_invitee[invitee.id])
            if invitee.rsvp_status != RsvpStatus.CONFIRMED:
                check_in, check_out = institute.start_date, institute.end_date
            services.assign_room(
                institute,
                services.RoomData(
                    invitee, hotels[hotel_index], label, capacity, check_in, check_out
                ),
                organizer,
            )
