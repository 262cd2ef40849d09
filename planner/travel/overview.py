"""Read paths built on the travel snapshot: the status by country and its chart, list rows,
the arrival and departure manifests, rooming per night and the CSV exports."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Row

from planner.formatting import country_name
from planner.invitations.models import RsvpStatus
from planner.travel.models import Hotel, VisaStatus
from planner.travel.risks import (
    ABSENT_STATUSES,
    InviteeRow,
    LegRow,
    TravelData,
    final_arrival,
    first_departure,
    needs_visa,
)
from planner.travel.services import nights

# The parts of one country's bar, in stacking order, each with its legend. The panel sits on
# the shared dashboard (no stylesheet of ours there), so colours are SVG fill attributes.
SEGMENTS = (
    ("ready", _l("confirmed, visa and travel in order")),
    ("visa", _l("confirmed, visa pending")),
    ("travel", _l("confirmed, no arrival details")),
    ("pending", _l("not answered yet")),
    ("absent", _l("declined or withdrawn")),
)
# Colour-blind-safe (Okabe-Ito) fills, each with enough contrast against white.
SEGMENT_COLOURS = {
    "ready": "#009e73",
    "visa": "#d55e00",
    "travel": "#e69f00",
    "pending": "#0072b2",
    "absent": "#999999",
}


def segment_of(invitee: InviteeRow, data: TravelData) -> str:
    """Which part of the bar an invitee counts in: exactly one."""
    if invitee.rsvp_status in ABSENT_STATUSES:
        return "absent"
    if invitee.rsvp_status != RsvpStatus.CONFIRMED:
        return "pending"
    if needs_visa(invitee, data):
        return "visa"
    if final_arrival(data.legs.get(invitee.id, [])) is None:
        return "travel"
    return "ready"


@dataclass
class CountryRow:
    code: str
    name: str
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # by segment
    rsvp: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # by RSVP status
    no_arrival: int = 0  # confirmed without arrival details, visa pending or not

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def confirmed(self) -> int:
        return self.counts["ready"] + self.counts["visa"] + self.counts["travel"]


def by_nationality(data: TravelData) -> list[CountryRow]:
    """One row per nationality (unknown last) with the count of each segment."""
    rows: dict[str, CountryRow] = {}
    for invitee in data.present:
        code = invitee.nationality or ""
        if code not in rows:
            rows[code] = CountryRow(code, country_name(code) if code else "")
        row = rows[code]
        row.counts[segment_of(invitee, data)] += 1
        row.rsvp[invitee.rsvp_status.value] += 1
        confirmed = invitee.rsvp_status == RsvpStatus.CONFIRMED
        if confirmed and final_arrival(data.legs.get(invitee.id, [])) is None:
            row.no_arrival += 1

    return sorted(rows.values(), key=lambda r: (not r.code, r.name.casefold()))


@dataclass
class Bar:
    label: str
    y: float
    total: int
    parts: list[tuple[str, float, float, int]]  # (css class, x, width, count)


@dataclass
class Chart:
    width: int
    height: int
    label_width: int
    bars: list[Bar]
    ticks: list[tuple[float, int]]


def stacked_chart(rows: list[CountryRow], width: int = 560, bar_height: int = 22) -> Chart:
    """Geometry of a horizontal stacked bar chart: one bar per country, in SVG user units."""
    label_width, gap, top = 150, 10, 8
    scale_max = max((row.total for row in rows), default=0) or 1
    plot = width - label_width - 40
    bars = []
    for n, row in enumerate(rows):
        x, parts = float(label_width), []
        for key, _label in SEGMENTS:
            count = row.counts.get(key, 0)
            if count:
                w = plot * count / scale_max
                parts.append((key, round(x, 1), round(w, 1), count))
                x += w
        bars.append(Bar(row.name or "?", top + n * (bar_height + gap), row.total, parts))
    step = max(1, -(-scale_max // 5))
    ticks = [
        (round(label_width + plot * v / scale_max, 1), v) for v in range(0, scale_max + 1, step)
    ]
    height = top + len(rows) * (bar_height + gap) + 20
    return Chart(width, height, label_width, bars, ticks)


# --- list rows and manifests ---------------------------------------------------------------


@dataclass
class TravelRow:
    invitee: InviteeRow
    arrival: LegRow | None
    departure: LegRow | None
    legs: list[LegRow]
    case_status: VisaStatus | None
    rooms: list[Row]  # of ROOM_COLUMNS
    needs_visa: bool


def travel_rows(data: TravelData, statuses=(RsvpStatus.CONFIRMED,)) -> list[TravelRow]:
    rows = []
    for invitee in data.present:
        if statuses and invitee.rsvp_status not in statuses:
            continue
        legs = data.legs.get(invitee.id, [])
        case = data.cases.get(invitee.id)
        rows.append(
            TravelRow(
                invitee=invitee,
                arrival=final_arrival(legs),
                departure=first_departure(legs),
                legs=legs,
                case_status=case.status if case else None,
                rooms=data.rooms.get(invitee.id, []),
                needs_visa=needs_visa(invitee, data),
            )
        )
    return rows


# --- rooming -------------------------------------------------------------------------------


@dataclass
class RoomNight:
    hotel: Hotel
    room_label: str
    capacity: int
    guests: list[InviteeRow]


def rooming_by_night(data: TravelData) -> list[tuple[date, list[RoomNight]]]:
    """For every night with a booking: each occupied room and who sleeps in it."""
    per_night: dict[date, dict[tuple[int, str], RoomNight]] = defaultdict(dict)
    invitees = {invitee.id: invitee for invitee in data.invitees}
    for assignments in data.rooms.values():
        for assignment in assignments:
            hotel = data.hotels[assignment.hotel_id]
            for night in nights(assignment.check_in, assignment.check_out):
                room = per_night[night].setdefault(
                    (hotel.id, assignment.room_label),
                    RoomNight(hotel, assignment.room_label, assignment.room_capacity, []),
                )
                room.guests.append(invitees[assignment.invitee_id])
    result = []
    for night in sorted(per_night):
        rooms = sorted(
            per_night[night].values(), key=lambda r: (r.hotel.name.casefold(), r.room_label)
        )
        for room in rooms:
            room.guests.sort(key=lambda i: i.full_name.casefold())
        result.append((night, rooms))
    return result


def roommates(data: TravelData, assignment: Row) -> list[InviteeRow]:
    """Who else sleeps in the same room on at least one of the same nights."""
    mine = set(nights(assignment.check_in, assignment.check_out))
    invitees = {invitee.id: invitee for invitee in data.invitees}
    found = {}
    for assignments in data.rooms.values():
        for other in assignments:
            if (
                other.id != assignment.id
                and other.hotel_id == assignment.hotel_id
                and other.room_label == assignment.room_label
                and mine & set(nights(other.check_in, other.check_out))
            ):
                found[other.invitee_id] = invitees[other.invitee_id]
    return sorted(found.values(), key=lambda i: i.full_name.casefold())
