"""Loaders of the documents: the database read once into plain dataclasses for the templates.

Each loader runs a fixed number of queries whatever the size of the institute, and
returns frozen data, so a template never triggers a lazy load.
"""

import base64
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from planner.agenda.models import (
    BreakoutAssignment,
    Session,
    SessionFacilitator,
)
from planner.agenda.program import spans_every_room
from planner.agenda.readmodel import load_program
from planner.documents.models import LetterSettings
from planner.documents.render import upload_root
from planner.extensions import db
from planner.institutes.models import Institute
from planner.invitations.models import Invitee, RsvpStatus
from planner.travel.manifests import Manifest, build_manifest
from planner.travel.models import Direction, Hotel, RoomAssignment, TravelLeg, VisaCase
from planner.travel.risks import load_travel_data


def _name_key(name: str) -> str:
    return name.casefold()


# --- the institute -----------------------------------------------------------------------


@dataclass(frozen=True)
class InstituteInfo:
    id: int
    slug: str
    title: str
    description: str
    host_organization: str
    city: str
    country: str
    venue: str
    address: str
    timezone: str
    start_date: date
    end_date: date
    languages: tuple[str, ...]
    contact_email: str
    emergency_phone: str

    @classmethod
    def of(cls, institute: Institute) -> "InstituteInfo":
        return cls(
            id=institute.id,
            slug=institute.slug,
            title=institute.title,
            description=institute.description or "",
            host_organization=institute.host_organization or "",
            city=institute.city,
            country=institute.country,
            venue=institute.venue or "",
            address=institute.address or "",
            timezone=institute.timezone,
            start_date=institute.start_date,
            end_date=institute.end_date,
            languages=tuple(institute.languages),
            contact_email=institute.contact_email or "",
            emergency_phone=institute.emergency_phone or "",
        )


# --- the program ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionItem:
    id: int
    title: str
    kind: str
    starts: datetime  # local wall-clock time in the institute's zone
    ends: datetime
    room: str
    room_id: int | None
    track: str
    language: str
    interpretation: str
    description: str
    facilitators: tuple[str, ...]
    spans: bool = False  # agenda.program.spans_every_room(): across every room column


@dataclass(frozen=True)
class GridCell:
    session: SessionItem | None
    span: int = 1


@dataclass(frozen=True)
class GridRow:
    starts: datetime
    ends: datetime
    cells: tuple[GridCell, ...]

    @property
    def is_parallel(self) -> bool:
        return sum(1 for c in self.cells if c.session is not None) > 1


@dataclass(frozen=True)
class ProgramDay:
    day: date
    rooms: tuple[str, ...]  # the columns of parallel sessions, in the venue's order
    rows: tuple[GridRow, ...]
    sessions: tuple[SessionItem, ...]


@dataclass(frozen=True)
class ParticipantItem:
    name: str
    organization: str
    country: str | None


@dataclass(frozen=True)
class Booklet:
    institute: InstituteInfo
    days: tuple[ProgramDay, ...]
    participants: tuple[ParticipantItem, ...]
    logo_src: str | None = None  # the host's logo from the letter settings, as a data: URL


def load_sessions(
    institute: Institute, *, listed_only: bool = False, language: str | None = None
) -> list[SessionItem]:
    """Scheduled sessions of the institute in time order, with their facilitators' names,
    from the program's read model (``agenda.readmodel``).

    ``listed_only`` (the booklet, which is public once the program is published) names only
    facilitators who may be named publicly (``Invitee.named_publicly``), as the public
    page and feed do; a facilitator's own agenda names all their co-facilitators."""
    program = load_program(institute)
    items = []
    for s in sorted(program.scheduled(), key=lambda s: (s.starts, s.id)):
        names = [f.name for f in s.facilitators if (f.public if listed_only else f.present)]
        items.append(
            SessionItem(
                id=s.id,
                title=s.title_in(language),
                kind=s.kind,
                starts=s.starts,
                ends=s.ends,
                room=s.room_name,
                room_id=s.room_id,
                track=s.track,
                language=s.language,
                interpretation=s.interpretation,
                description=s.description_in(language),
                facilitators=tuple(names),
                spans=spans_every_room(s.room_id, s.spans_rooms),
            )
        )
    return items


def _room_order(institute: Institute) -> dict[int, tuple[int, str]]:
    program = load_program(institute)
    return {
        s.room_id: (s.room_position or 0, s.room_name.casefold())
        for s in program.sessions
        if s.room_id is not None
    }


def program_grid(sessions: list[SessionItem], room_order: dict) -> list[ProgramDay]:
    """Lay each day out as rows of start times by columns of rooms, as the web grid does.

    A session that spans (``agenda.program.spans_every_room``: no room, or marked as
    spanning) gets a row whose single cell spans every column. The others are drawn in their
    room's column only; the columns are the rooms those sessions use that day, in the
    venue's order. Two sessions starting together in one room (a clash the agenda's conflict
    check reports) take an extra column, so every session is drawn exactly once.
    """
    by_day: dict[date, list[SessionItem]] = defaultdict(list)
    for item in sessions:
        by_day[item.starts.date()].append(item)
    return [_program_day(day, by_day[day], room_order) for day in sorted(by_day)]


def _program_day(day: date, items: list[SessionItem], room_order: dict) -> ProgramDay:
    slots: dict[datetime, list[SessionItem]] = defaultdict(list)
    for item in items:
        slots[item.starts].append(item)
    in_rooms = [item for item in items if not item.spans]
    rooms = sorted(
        {item.room_id for item in in_rooms}, key=lambda room_id: room_order.get(room_id, (0, ""))
    )
    extra = 0
    for slot in slots.values():
        placed = [item for item in slot if not item.spans]
        extra = max(extra, len(placed) - len({item.room_id for item in placed}))
    columns: list[int | None] = [*rooms, *([None] * extra)]
    width = max(len(columns), 1)
    rows = []
    for starts in sorted(slots):
        slot = slots[starts]
        for item in slot:
            if item.spans:
                rows.append(GridRow(starts=starts, ends=item.ends, cells=(GridCell(item, width),)))
        placed_items = [item for item in slot if not item.spans]
        if not placed_items:
            continue
        cells: list[SessionItem | None] = [None] * width
        for item in placed_items:
            column = columns.index(item.room_id)
            if cells[column] is not None:
                column = cells.index(None, len(rooms))
            cells[column] = item
        rows.append(
            GridRow(
                starts=starts,
                ends=max(item.ends for item in placed_items),
                cells=tuple(GridCell(item) for item in cells),
            )
        )
    names = {item.room_id: item.room for item in items}
    return ProgramDay(
        day=day,
        rooms=tuple(names.get(room_id, "") if room_id else "" for room_id in columns),
        rows=tuple(rows),
        sessions=tuple(items),
    )


def listed_participants(institute: Institute) -> list[ParticipantItem]:
    """Confirmed people who agreed to appear in the participant list; nobody else."""
    rows = db.session.execute(
        select(Invitee.full_name, Invitee.organization, Invitee.country).where(
            Invitee.institute_id == institute.id,
            Invitee.rsvp_status == RsvpStatus.CONFIRMED,
            Invitee.consent_to_list.is_(True),
            Invitee.removed_at.is_(None),
        )
    )
    people = [
        ParticipantItem(name, organization or "", country) for name, organization, country in rows
    ]
    return sorted(people, key=lambda p: _name_key(p.name))


def load_booklet(institute: Institute, language: str | None = None) -> Booklet:
    sessions = load_sessions(institute, listed_only=True, language=language)
    logo = db.session.scalar(
        select(LetterSettings.logo_file).where(LetterSettings.institute_id == institute.id)
    )
    return Booklet(
        institute=InstituteInfo.of(institute),
        days=tuple(program_grid(sessions, _room_order(institute))),
        participants=tuple(listed_participants(institute)),
        logo_src=image_src(institute, logo, inline=True),
    )


def image_src(institute: Institute, name: str | None, *, inline: bool) -> str | None:
    """An uploaded image of the institute: a data: URL (inline) or its file: URL.

    Browsers get data: URLs (the uploads folder is not served); WeasyPrint may read the
    file itself, since its fetcher allows the institute's upload folder.
    """
    if not name:
        return None
    path = upload_root(institute.id) / Path(name).name
    if not path.is_file():
        return None
    if not inline:
        return path.as_uri()
    mime = "image/png" if path.suffix == ".png" else "image/jpeg"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode()}"


# --- travel and stays ----------------------------------------------------------------------


@dataclass(frozen=True)
class LegItem:
    direction: str
    mode: str
    carrier: str
    number: str
    from_place: str
    to_place: str
    departs: datetime
    departs_tz: str
    arrives: datetime
    arrives_tz: str
    border_crossing: str
    needs_pickup: bool
    pickup_by: str = ""
    pickup_at: datetime | None = None

    @classmethod
    def of(cls, leg: TravelLeg) -> "LegItem":
        return cls(
            direction=leg.direction.value,
            mode=leg.mode.value,
            carrier=leg.carrier or "",
            number=leg.number or "",
            from_place=leg.from_place,
            to_place=leg.to_place,
            departs=leg.departs_local,
            departs_tz=leg.departs_tz,
            arrives=leg.arrives_local,
            arrives_tz=leg.arrives_tz,
            border_crossing=leg.border_crossing or "",
            needs_pickup=leg.needs_pickup,
            pickup_by=leg.pickup_by or "",
            pickup_at=leg.pickup_at,
        )

    @property
    def local_time(self) -> datetime:
        """The time at the venue's end: arrival of arrivals, departure of departures."""
        return self.arrives if self.direction == Direction.ARRIVAL.value else self.departs


@dataclass(frozen=True)
class StayItem:
    hotel: str
    hotel_address: str
    hotel_phone: str
    room: str
    check_in: date
    check_out: date
    roommates: tuple[str, ...]


@dataclass(frozen=True)
class PersonItem:
    id: int
    name: str
    latin_name: str
    role: str
    organization: str
    country: str | None
    nationality: str | None
    phone: str


def _person(invitee: Invitee) -> PersonItem:
    return PersonItem(
        id=invitee.id,
        name=invitee.full_name,
        latin_name=invitee.passport_name or "",
        role=invitee.role.value,
        organization=invitee.organization or "",
        country=invitee.country,
        nationality=invitee.nationality,
        phone=invitee.phone or "",
    )


# --- the facilitator's agenda --------------------------------------------------------------


@dataclass(frozen=True)
class AgendaSession:
    session: SessionItem
    co_facilitators: tuple[str, ...]
    participants: tuple[str, ...]


@dataclass(frozen=True)
class FacilitatorAgenda:
    institute: InstituteInfo
    person: PersonItem
    sessions: tuple[AgendaSession, ...]
    travel: tuple[LegItem, ...]
    stays: tuple[StayItem, ...]


def facilitators_of(institute: Institute) -> list[PersonItem]:
    """Facilitators and trainers of the institute, and anyone leading a session."""
    leading = (
        select(SessionFacilitator.invitee_id)
        .join(Session)
        .where(Session.institute_id == institute.id)
    )
    invitees = db.session.scalars(
        select(Invitee).where(
            Invitee.institute_id == institute.id,
            Invitee.removed_at.is_(None),
            Invitee.role.in_(("facilitator", "trainer")) | Invitee.id.in_(leading),
        )
    )
    return sorted((_person(i) for i in invitees), key=lambda p: _name_key(p.name))


def load_facilitator_agenda(
    institute: Institute, invitee: Invitee, language: str | None = None
) -> FacilitatorAgenda:
    """The sessions the invitee leads, with co-facilitators and breakout participants,
    and their own travel legs and hotel nights."""
    all_sessions = {s.id: s for s in load_sessions(institute, language=language)}
    own_ids = [s.id for s in load_program(institute).sessions if s.led_by(invitee.id)]
    own = sorted(
        (all_sessions[i] for i in own_ids if i in all_sessions), key=lambda s: (s.starts, s.id)
    )
    participants: dict[int, list[str]] = defaultdict(list)
    if own:
        rows = db.session.execute(
            select(BreakoutAssignment.session_id, Invitee.full_name)
            .join(Invitee, Invitee.id == BreakoutAssignment.invitee_id)
            .where(
                BreakoutAssignment.session_id.in_([s.id for s in own]),
                Invitee.removed_at.is_(None),
            )
        )
        for session_id, name in rows:
            participants[session_id].append(name)
    sessions = tuple(
        AgendaSession(
            session=s,
            co_facilitators=tuple(n for n in s.facilitators if n != invitee.full_name),
            participants=tuple(sorted(participants[s.id], key=_name_key)),
        )
        for s in own
    )
    legs = db.session.scalars(
        select(TravelLeg)
        .where(TravelLeg.invitee_id == invitee.id)
        .order_by(TravelLeg.departs_local, TravelLeg.id)
    )
    return FacilitatorAgenda(
        institute=InstituteInfo.of(institute),
        person=_person(invitee),
        sessions=sessions,
        travel=tuple(LegItem.of(leg) for leg in legs),
        stays=tuple(_stays_of(invitee)),
    )


def _stays_of(invitee: Invitee) -> list[StayItem]:
    assignments = list(
        db.session.scalars(
            select(RoomAssignment)
            .options(selectinload(RoomAssignment.hotel))
            .where(RoomAssignment.invitee_id == invitee.id)
            .order_by(RoomAssignment.check_in)
        )
    )
    if not assignments:
        return []
    others = db.session.execute(
        select(RoomAssignment, Invitee.full_name)
        .join(Invitee, Invitee.id == RoomAssignment.invitee_id)
        .where(
            RoomAssignment.hotel_id.in_({a.hotel_id for a in assignments}),
            RoomAssignment.room_label.in_({a.room_label for a in assignments}),
            RoomAssignment.invitee_id != invitee.id,
            Invitee.removed_at.is_(None),
        )
    ).all()
    stays = []
    for a in assignments:
        mates = sorted(
            {
                name
                for other, name in others
                if other.hotel_id == a.hotel_id
                and other.room_label == a.room_label
                and other.check_in < a.check_out
                and a.check_in < other.check_out
            },
            key=_name_key,
        )
        stays.append(
            StayItem(
                hotel=a.hotel.name,
                hotel_address=a.hotel.address or "",
                hotel_phone=a.hotel.phone or "",
                room=a.room_label,
                check_in=a.check_in,
                check_out=a.check_out,
                roommates=tuple(mates),
            )
        )
    return stays


# --- manifests, rooming list, badges ---------------------------------------------------------


@dataclass(frozen=True)
class ManifestDocument:
    """The printed manifest: the rows of ``planner.travel.manifests`` (the page and the CSV
    show the same ones) with the institute's letterhead facts."""

    institute: InstituteInfo
    manifest: Manifest

    @property
    def direction(self) -> str:
        return self.manifest.direction


def load_manifest(institute: Institute, direction: Direction) -> ManifestDocument:
    """Confirmed people, one row each per direction, by day and local time, with hotels."""
    return ManifestDocument(
        institute=InstituteInfo.of(institute),
        manifest=build_manifest(load_travel_data(institute), direction),
    )


@dataclass(frozen=True)
class Guest:
    name: str
    latin_name: str
    arrives_tonight: bool
    leaves_tomorrow: bool


@dataclass(frozen=True)
class RoomingRoom:
    label: str
    capacity: int
    guests: tuple[Guest, ...]


@dataclass(frozen=True)
class RoomingHotel:
    name: str
    address: str
    phone: str
    rooms: tuple[RoomingRoom, ...]

    @property
    def guest_count(self) -> int:
        return sum(len(r.guests) for r in self.rooms)


@dataclass(frozen=True)
class RoomingNight:
    night: date
    hotels: tuple[RoomingHotel, ...]

    @property
    def guest_count(self) -> int:
        return sum(h.guest_count for h in self.hotels)


@dataclass(frozen=True)
class RoomingList:
    institute: InstituteInfo
    nights: tuple[RoomingNight, ...]


def _label_key(label: str) -> tuple:
    """Room 9 before room 10."""
    digits = "".join(ch for ch in label if ch.isdigit())
    return (int(digits) if digits else 0, label.casefold())


def load_rooming(institute: Institute) -> RoomingList:
    """Who sleeps in which room of which hotel, night by night."""
    rows = db.session.execute(
        select(RoomAssignment, Hotel, Invitee)
        .join(Hotel, Hotel.id == RoomAssignment.hotel_id)
        .join(Invitee, Invitee.id == RoomAssignment.invitee_id)
        .where(Hotel.institute_id == institute.id, Invitee.removed_at.is_(None))
    ).all()
    # night -> hotel id -> room label -> (capacity, guests)
    grid: dict = defaultdict(lambda: defaultdict(dict))
    hotels = {}
    for assignment, hotel, invitee in rows:
        hotels[hotel.id] = hotel
        night = assignment.check_in
        while night < assignment.check_out:
            room = grid[night][hotel.id].setdefault(
                assignment.room_label, [assignment.room_capacity, []]
            )
            room[0] = max(room[0], assignment.room_capacity)
            room[1].append(
                Guest(
                    name=invitee.full_name,
                    latin_name=invitee.passport_name or "",
                    arrives_tonight=night == assignment.check_in,
                    leaves_tomorrow=night + timedelta(days=1) == assignment.check_out,
                )
            )
            night += timedelta(days=1)
    nights = []
    for night in sorted(grid):
        night_hotels = []
        for hotel_id in sorted(grid[night], key=lambda h: hotels[h].name.casefold()):
            hotel = hotels[hotel_id]
            rooms = tuple(
                RoomingRoom(
                    label=label,
                    capacity=capacity,
                    guests=tuple(sorted(guests, key=lambda g: _name_key(g.name))),
                )
                for label, (capacity, guests) in sorted(
                    grid[night][hotel_id].items(), key=lambda kv: _label_key(kv[0])
                )
            )
            night_hotels.append(
                RoomingHotel(hotel.name, hotel.address or "", hotel.phone or "", rooms)
            )
        nights.append(RoomingNight(night=night, hotels=tuple(night_hotels)))
    return RoomingList(institute=InstituteInfo.of(institute), nights=tuple(nights))


@dataclass(frozen=True)
class Badge:
    name: str
    latin_name: str
    country: str | None
    role: str
    organization: str
    qr: str = ""  # the check-in code as an SVG data URL; never personal data

    @property
    def size(self) -> str:
        """A size class for the native name: long names get a smaller font to fit the badge."""
        longest_word = max((len(w) for w in self.name.split()), default=0)
        length = max(len(self.name), longest_word * 1.6)
        if length <= 14:
            return "xl"
        if length <= 20:
            return "l"
        if length <= 28:
            return "m"
        return "s"


@dataclass(frozen=True)
class BadgeSheet:
    institute: InstituteInfo
    badges: tuple[Badge, ...]

    def pages(self, per_page: int = 8) -> list[tuple[Badge, ...]]:
        return [self.badges[n : n + per_page] for n in range(0, len(self.badges), per_page)]


def load_badges(institute: Institute) -> BadgeSheet:
    """A badge for everyone confirmed, in alphabetical order for the registration desk.

    Each carries a QR code of the holder's opaque check-in code (planner/attendance).
    """
    from planner.attendance.services import ensure_codes_saved, qr_data_url

    codes = ensure_codes_saved(institute)
    invitees = db.session.scalars(
        select(Invitee).where(
            Invitee.institute_id == institute.id,
            Invitee.removed_at.is_(None),
            Invitee.rsvp_status == RsvpStatus.CONFIRMED,
        )
    )
    badges = sorted(
        (
            Badge(
                name=i.full_name,
                latin_name=i.passport_name or "",
                country=i.country,
                role=i.role.value,
                organization=i.organization or "",
                qr=qr_data_url(codes[i.id]) if i.id in codes else "",
            )
            for i in invitees
        ),
        key=lambda b: _name_key(b.name),
    )
    return BadgeSheet(institute=InstituteInfo.of(institute), badges=tuple(badges))


# --- visa letters -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LetterPerson:
    id: int
    name: str
    passport_name: str
    nationality: str | None
    residence: str | None
    passport_number: str
    passport_expiry: date | None
    birth_date: date | None


@dataclass(frozen=True)
class VisaLetter:
    institute: InstituteInfo
    settings: object  # LetterSettings values (see planner/documents/models.py)
    person: LetterPerson
    reference: str
    letter_date: date
    stay_from: date
    stay_to: date
    logo_src: str | None = None
    signature_src: str | None = None
    missing: tuple[str, ...] = field(default=())


def stay_dates(institute: Institute, invitee: Invitee) -> tuple[date, date]:
    """Arrival to departure from the travel legs; else the day before to the day after."""
    legs = db.session.scalars(select(TravelLeg).where(TravelLeg.invitee_id == invitee.id)).all()
    arrivals = [leg.arrives_local.date() for leg in legs if leg.direction == Direction.ARRIVAL]
    departures = [leg.departs_local.date() for leg in legs if leg.direction == Direction.DEPARTURE]
    start = min(arrivals) if arrivals else institute.start_date - timedelta(days=1)
    end = max(departures) if departures else institute.end_date + timedelta(days=1)
    return start, end


def letter_person(invitee: Invitee) -> LetterPerson:
    return LetterPerson(
        id=invitee.id,
        name=invitee.full_name,
        passport_name=invitee.passport_name or "",
        nationality=invitee.nationality,
        residence=invitee.country,
        passport_number=invitee.passport_number or "",
        passport_expiry=invitee.passport_expiry,
        birth_date=invitee.birth_date,
    )


def missing_letter_fields(invitee: Invitee) -> list[str]:
    """Names of the passport details an embassy needs that are not known yet."""
    missing = []
    if not invitee.passport_name:
        missing.append("passport_name")
    if not invitee.nationality:
        missing.append("nationality")
    if not invitee.passport_number:
        missing.append("passport_number")
    if not invitee.date_of_birth:
        missing.append("date_of_birth")
    return missing


@dataclass(frozen=True)
class LetterRow:
    person: PersonItem
    visa_status: str | None
    approved: bool
    sent: bool
    has_passport_number: bool


def letter_rows(institute: Institute) -> list[LetterRow]:
    """Invitees with a visa case (or an approved letter), for the documents page: two queries."""
    rows = db.session.execute(
        select(Invitee, VisaCase)
        .join(VisaCase, VisaCase.invitee_id == Invitee.id)
        .where(Invitee.institute_id == institute.id, Invitee.removed_at.is_(None))
    ).all()
    result = [
        LetterRow(
            person=_person(invitee),
            visa_status=case.status.value,
            approved=case.letter_approved_at is not None,
            sent=case.letter_sent_at is not None,
            has_passport_number=invitee.passport_number is not None,
        )
        for invitee, case in rows
        if case.status.value != "not_needed"
    ]
    return sorted(result, key=lambda r: _name_key(r.person.name))
