"""The arrival and departure manifests: one row per confirmed person per direction.

``build_manifest(data, direction)`` is the only place that decides what a manifest says; the
web page, the CSV export and the PDF all render its rows and cells, so they cannot disagree.

The rule: of a person's legs in one direction, the row is the leg that arrives at the
institute's end of the journey (the last arrival) or leaves from it (the first departure),
the same legs the travel checks read (``risks.final_arrival`` / ``risks.first_departure``).
The other legs of that direction are connections, shown in the same row as
"via Istanbul (TK 9350)": the place where the traveller changes and the service taken from
there. Times are in the institute's zone.
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from planner.travel.models import Direction, Pickup, pickup_state
from planner.travel.risks import LegRow, TravelData, final_arrival, first_departure
from planner.travel.services import nights

# An airport or station code at the end of a place ("Istanbul (IST)"), left out of "via ...".
_PLACE_CODE = re.compile(r"\s*\([A-Z0-9]{3,4}\)\s*$")

# The columns of every rendering, in order; the CSV adds the date in front.
COLUMNS = ("time", "name", "phone", "far_end", "via", "service", "venue_end", "border",
           "pickup", "hotel")  # fmt: skip


@dataclass(frozen=True)
class ManifestRow:
    invitee_id: int
    name: str
    latin_name: str
    instant: datetime  # aware: arrival at (departure from) the institute's end
    local: datetime  # the same in the institute's zone
    leg: LegRow  # the leg at the institute's end
    connections: tuple[LegRow, ...]  # the other legs of this direction, in travel order
    pickup: Pickup
    cells: dict[str, str]  # the text of each column, as every rendering shows it


@dataclass(frozen=True)
class ManifestDay:
    day: date
    rows: tuple[ManifestRow, ...]

    @property
    def pickups_requested(self) -> int:
        """Asked for by the traveller and not arranged yet."""
        return sum(1 for row in self.rows if row.pickup == Pickup.REQUESTED)

    @property
    def pickups_arranged(self) -> int:
        return sum(1 for row in self.rows if row.pickup == Pickup.ARRANGED)


@dataclass(frozen=True)
class Manifest:
    title: str
    city: str
    timezone: str
    direction: str  # a Direction value
    columns: tuple[tuple[str, str], ...]  # (key, label)
    days: tuple[ManifestDay, ...]
    date_label: str = "Date"

    @property
    def total(self) -> int:
        return sum(len(day.rows) for day in self.days)

    @property
    def rows(self) -> list[ManifestRow]:
        return [row for day in self.days for row in day.rows]

    def table(self) -> tuple[list[str], list[list[str]]]:
        """Header and rows of plain text (the CSV): the date, then every column."""
        header = [self.date_label, *(label for _key, label in self.columns)]
        rows = [
            [row.local.date().isoformat(), *(row.cells[key] for key, _label in self.columns)]
            for row in self.rows
        ]
        return header, rows


def place_name(place: str) -> str:
    """ "Istanbul (IST)" -> "Istanbul": the town a traveller changes in."""
    return _PLACE_CODE.sub("", place) or place


def service_of(leg: LegRow) -> str:
    """The flight or train as on the ticket: its number, else the carrier."""
    return leg.number or leg.carrier


def journey(legs: list[LegRow], direction: Direction) -> tuple[LegRow, list[LegRow]] | None:
    """The leg at the institute's end and every leg of the direction in travel order."""
    chain = sorted(
        (leg for leg in legs if leg.direction == direction), key=lambda leg: leg.departs_at
    )
    venue = final_arrival(legs) if direction == Direction.ARRIVAL else first_departure(legs)
    if venue is None:
        return None
    return venue, chain


def _hotels(data: TravelData) -> dict:
    """(invitee id, night) -> hotel name, and (invitee id, None) -> their first hotel."""
    found: dict = {}
    for invitee_id, assignments in data.rooms.items():
        for assignment in assignments:
            hotel = data.hotels.get(assignment.hotel_id)
            if hotel is None:
                continue
            found.setdefault((invitee_id, None), hotel.name)
            for night in nights(assignment.check_in, assignment.check_out):
                found[(invitee_id, night)] = hotel.name
    return found


def columns_of(data: TravelData, direction: Direction) -> tuple[tuple[str, str], ...]:
    _ = data.gettext
    arrival = direction == Direction.ARRIVAL
    labels = {
        "time": _("Time"),
        "name": _("Name"),
        "phone": _("Phone"),
        "far_end": _("From") if arrival else _("To"),
        "via": _("Connections"),
        "service": _("Carrier and number"),
        "venue_end": _("Arrival point") if arrival else _("Departure point"),
        "border": _("Border crossing"),
        "pickup": _("Pickup") if arrival else _("Transfer"),
        "hotel": _("Hotel"),
    }
    return tuple((key, labels[key]) for key in COLUMNS)


def pickup_text(leg, gettext) -> str:
    """What organizers' lists say of a leg's pickup: arranged (by whom, when), only asked for
    by the traveller, or none. ``leg`` is a TravelLeg or a LegRow."""
    _ = gettext
    state = pickup_state(leg.needs_pickup, leg.pickup_by)
    if state == Pickup.ARRANGED:
        if leg.pickup_at is not None:
            return _(
                "arranged: %(who)s, %(time)s",
                who=leg.pickup_by.strip(),
                time=leg.pickup_at.strftime("%H:%M"),
            )
        return _("arranged: %(who)s", who=leg.pickup_by.strip())
    if state == Pickup.REQUESTED:
        return _("asked for, not arranged yet")
    return _("no")


def via_text(data: TravelData, venue: LegRow, chain: list[LegRow], direction: Direction) -> str:
    """ "via Istanbul (TK 9350)" for each change of the journey: where, and the service taken
    from there."""
    _ = data.gettext
    if direction == Direction.ARRIVAL:
        legs = [leg for leg in chain if leg.departs_at <= venue.departs_at]
    else:
        legs = [leg for leg in chain if leg.departs_at >= venue.departs_at]
    return ", ".join(
        _("via %(place)s (%(service)s)", place=place_name(leg.from_place), service=service_of(leg))
        for leg in legs[1:]
    )


def build_manifest(data: TravelData, direction: Direction | str) -> Manifest:
    """Confirmed people, one row each, by day and time of arrival at (departure from) the
    institute's end in its zone; the same instant by name."""
    direction = Direction(direction)
    arrival = direction == Direction.ARRIVAL
    zone = data.institute.zone
    hotels = _hotels(data)
    rows = []
    for invitee in data.confirmed:
        legs = data.legs.get(invitee.id, [])
        found = journey(legs, direction)
        if found is None:
            continue
        venue, chain = found
        if arrival:
            before = [leg for leg in chain if leg.departs_at <= venue.departs_at]
            far_end, instant = before[0].from_place, venue.arrives_at
        else:
            after = [leg for leg in chain if leg.departs_at >= venue.departs_at]
            far_end, instant = after[-1].to_place, venue.departs_at
        local = instant.astimezone(zone)
        night = local.date() if arrival else local.date() - timedelta(days=1)
        hotel = hotels.get((invitee.id, night)) or hotels.get((invitee.id, None), "")
        cells = {
            "time": local.strftime("%H:%M"),
            "name": invitee.full_name,
            "phone": invitee.phone or "",
            "far_end": far_end,
            "via": via_text(data, venue, chain, direction),
            "service": " ".join(part for part in (venue.carrier, venue.number) if part),
            "venue_end": venue.to_place if arrival else venue.from_place,
            "border": venue.border_crossing or "",
            "pickup": pickup_text(venue, data.gettext),
            "hotel": hotel,
        }
        rows.append(
            ManifestRow(
                invitee_id=invitee.id,
                name=invitee.full_name,
                latin_name=invitee.passport_name or "",
                instant=instant,
                local=local,
                leg=venue,
                connections=tuple(leg for leg in chain if leg is not venue),
                pickup=venue.pickup,
                cells=cells,
            )
        )
    rows.sort(key=lambda r: (r.instant, r.name.casefold(), r.invitee_id))
    by_day: dict[date, list[ManifestRow]] = defaultdict(list)
    for row in rows:
        by_day[row.local.date()].append(row)
    institute = data.institute
    return Manifest(
        title=institute.title,
        city=institute.city,
        timezone=institute.timezone,
        direction=direction.value,
        columns=columns_of(data, direction),
        days=tuple(ManifestDay(day, tuple(by_day[day])) for day in sorted(by_day)),
        date_label=data.gettext("Date"),
    )
