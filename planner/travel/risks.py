"""The travel checks: one function per rule, each returning findings an organizer understands.

``load_travel_data(institute)`` reads everything the checks need in a fixed number of queries
(whatever the number of invitees); every check is then a pure function of that snapshot.
"""

import calendar
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import cached_property
from gettext import NullTranslations

from babel import Locale
from flask_babel import get_translations
from sqlalchemy import Row, func, select

from planner.agenda.models import Session, SessionStatus
from planner.extensions import db
from planner.formatting import country_name, current_locale, format_day, format_local
from planner.i18n import single_period
from planner.institutes.models import Institute
from planner.invitations.models import Invitee, InviteeRole, RsvpStatus
from planner.travel.models import (
    Direction,
    Hotel,
    Pickup,
    RoomAssignment,
    TravelLeg,
    TravelMode,
    TravelSettings,
    VisaCase,
    VisaRequirement,
    VisaRule,
    VisaStatus,
    pickup_state,
    wall_clock_instant,
)
from planner.travel.services import OPEN_VISA_STATUSES, nights, settings_of, visa_status_label

# Without an agenda, the program is taken to run from 09:00 on the first day to 18:00 on the last.
DEFAULT_PROGRAM_START = time(9, 0)
DEFAULT_PROGRAM_END = time(18, 0)
# Someone arriving before this hour needs a bed for the night before.
EARLY_ARRIVAL_HOUR = 6
# Lead time assumed for a needed visa whose rule gives none.
DEFAULT_LEAD_TIME_DAYS = 30
# Day and 24-hour time, as on tickets.
TIME_FORMAT = "d MMM y, HH:mm"
ABSENT_STATUSES = frozenset({RsvpStatus.DECLINED, RsvpStatus.WITHDRAWN})


@dataclass(frozen=True)
class Finding:
    """One risk: which rule found it, about whom, and a sentence for the organizer."""

    kind: str
    invitee_id: int | None
    invitee_name: str
    message: str
    severity: str = "warning"  # "danger" when the person cannot come as planned


# What the checks and lists read of an invitee: plain rows (no passport number, no birth
# date), which are fast to load and leave the session's Invitee objects alone.
INVITEE_COLUMNS = (
    Invitee.id,
    Invitee.institute_id,
    Invitee.full_name,
    Invitee.passport_name,
    Invitee.email,
    Invitee.phone,
    Invitee.organization,
    Invitee.country,
    Invitee.nationality,
    Invitee.role,
    Invitee.language,
    Invitee.rsvp_status,
    Invitee.passport_expiry,
    Invitee.removed_at,
)


# What the checks and lists read of legs, visa cases and room assignments: plain rows, never
# the ORM objects (a thousand invitees bring over a thousand of them to every dashboard).
LEG_COLUMNS = (
    TravelLeg.id,
    TravelLeg.invitee_id,
    TravelLeg.direction,
    TravelLeg.mode,
    TravelLeg.carrier,
    TravelLeg.number,
    TravelLeg.from_place,
    TravelLeg.to_place,
    TravelLeg.departs_local,
    TravelLeg.departs_tz,
    TravelLeg.arrives_local,
    TravelLeg.arrives_tz,
    TravelLeg.border_crossing,
    TravelLeg.needs_pickup,
    TravelLeg.pickup_by,
    TravelLeg.pickup_at,
)
CASE_COLUMNS = (
    VisaCase.id,
    VisaCase.invitee_id,
    VisaCase.status,
    VisaCase.letter_requested_at,
    VisaCase.letter_approved_at,
    VisaCase.letter_sent_at,
    VisaCase.applied_at,
    VisaCase.decided_at,
)
ROOM_COLUMNS = (
    RoomAssignment.id,
    RoomAssignment.invitee_id,
    RoomAssignment.hotel_id,
    RoomAssignment.room_label,
    RoomAssignment.room_capacity,
    RoomAssignment.check_in,
    RoomAssignment.check_out,
)


@dataclass(slots=True)
class InviteeRow:
    """An invitee as the checks and lists read it (INVITEE_COLUMNS, in that order): every
    check reads a few fields of every invitee, which a plain object serves fastest."""

    id: int
    institute_id: int
    full_name: str
    passport_name: str
    email: str
    phone: str
    organization: str
    country: str | None
    nationality: str | None
    role: InviteeRole
    language: str
    rsvp_status: RsvpStatus
    passport_expiry: date | None
    removed_at: datetime | None


@dataclass(slots=True)
class LegRow:
    """A travel leg as the checks and lists read it (LEG_COLUMNS, in that order), both
    instants worked out once."""

    id: int
    invitee_id: int
    direction: Direction
    mode: TravelMode
    carrier: str
    number: str
    from_place: str
    to_place: str
    departs_local: datetime
    departs_tz: str
    arrives_local: datetime
    arrives_tz: str
    border_crossing: str
    needs_pickup: bool
    pickup_by: str
    pickup_at: datetime | None
    departs_at: datetime  # aware, as TravelLeg.departs_at
    arrives_at: datetime

    @property
    def pickup(self) -> Pickup:
        return pickup_state(self.needs_pickup, self.pickup_by)

    @classmethod
    def of(cls, row: Row) -> "LegRow":
        """From a row of LEG_COLUMNS."""
        departs_local, departs_tz, arrives_local, arrives_tz = row[8:12]
        return cls(
            *row,
            wall_clock_instant(departs_local, departs_tz),
            wall_clock_instant(arrives_local, arrives_tz),
        )


@dataclass
class TravelData:
    """Everything the checks read about one institute, loaded once."""

    institute: Institute
    today: date
    settings: TravelSettings
    invitees: list[InviteeRow]  # removed ones included (beds may be held)
    legs: dict[int, list[LegRow]] = field(default_factory=dict)
    cases: dict[int, Row] = field(default_factory=dict)  # rows of CASE_COLUMNS
    rules: dict[str, VisaRule] = field(default_factory=dict)
    hotels: dict[int, Hotel] = field(default_factory=dict)
    rooms: dict[int, list[Row]] = field(default_factory=dict)  # rows of ROOM_COLUMNS
    program_start: datetime | None = None  # aware
    program_end: datetime | None = None
    # The reader's catalog and locale, looked up once: checks word hundreds of findings.
    translations: object = None
    locale: Locale | None = None
    _words: dict = field(default_factory=dict)

    def gettext(self, message: str, **values) -> str:
        text = self.translations.gettext(message)
        return single_period(text % values) if values else text

    def ngettext(self, singular: str, plural: str, num: int, **values) -> str:
        values.setdefault("num", num)
        return single_period(self.translations.ngettext(singular, plural, num) % values)

    def day(self, value: date) -> str:
        key = ("day", value)
        if key not in self._words:
            self._words[key] = format_day(value, "medium", locale=self.locale)
        return self._words[key]

    def moment(self, value: datetime) -> str:
        """An instant in the institute's zone, as on tickets."""
        return format_local(value, self.institute.timezone, TIME_FORMAT, locale=self.locale)

    def country(self, code: str | None) -> str:
        key = ("country", code)
        if key not in self._words:
            self._words[key] = country_name(code, self.locale)
        return self._words[key]

    @cached_property
    def present(self) -> list:
        """Invitees on the list (not removed)."""
        return [i for i in self.invitees if i.removed_at is None]

    @cached_property
    def confirmed(self) -> list:
        return [i for i in self.present if i.rsvp_status == RsvpStatus.CONFIRMED]


def load_travel_data(
    institute: Institute, today: date | None = None, invitee_ids=None
) -> TravelData:
    """The institute's invitees, legs, visa rules and cases, hotels and rooms: 8 queries.

    ``invitee_ids`` limits the invitees (and their legs, cases and rooms) to those: the
    checks then look at those people alone (stored risks, refreshed when their data changes).
    """
    some = Invitee.institute_id == institute.id
    if invitee_ids is not None:
        some = some & Invitee.id.in_(list(invitee_ids))
    invitees = [
        InviteeRow(*row)
        for row in db.session.execute(
            select(*INVITEE_COLUMNS).where(some).order_by(Invitee.full_name, Invitee.id)
        )
    ]
    legs: dict[int, list[LegRow]] = defaultdict(list)
    for row in db.session.execute(select(*LEG_COLUMNS).join(Invitee).where(some)):
        legs[row.invitee_id].append(LegRow.of(row))
    for invitee_legs in legs.values():
        invitee_legs.sort(key=lambda leg: (leg.direction != Direction.ARRIVAL, leg.departs_at))
    cases = {
        case.invitee_id: case
        for case in db.session.execute(select(*CASE_COLUMNS).join(Invitee).where(some))
    }
    rules = {
        rule.nationality: rule
        for rule in db.session.scalars(
            select(VisaRule).where(VisaRule.institute_id == institute.id)
        )
    }
    hotels = {
        hotel.id: hotel
        for hotel in db.session.scalars(
            select(Hotel).where(Hotel.institute_id == institute.id).order_by(Hotel.name)
        )
    }
    rooms: dict[int, list[Row]] = defaultdict(list)
    for assignment in db.session.execute(
        select(*ROOM_COLUMNS).join(Invitee).where(some).order_by(RoomAssignment.check_in)
    ):
        rooms[assignment.invitee_id].append(assignment)
    first, last = db.session.execute(
        select(func.min(Session.starts_local), func.max(Session.ends_local)).where(
            Session.institute_id == institute.id, Session.status != SessionStatus.CANCELLED
        )
    ).one()
    zone = institute.zone
    first = first or datetime.combine(institute.start_date, DEFAULT_PROGRAM_START)
    last = last or datetime.combine(institute.end_date, DEFAULT_PROGRAM_END)
    return TravelData(
        institute=institute,
        today=today or datetime.now(zone).date(),
        settings=settings_of(institute),
        invitees=invitees,
        legs=dict(legs),
        cases=cases,
        rules=rules,
        hotels=hotels,
        rooms=dict(rooms),
        program_start=first.replace(tzinfo=zone),
        program_end=last.replace(tzinfo=zone),
        translations=_reader_translations(),
        locale=current_locale(),
    )


def _reader_translations():
    """The reader's catalog; outside a request (commands, documents) the English text."""
    try:
        return get_translations()
    except RuntimeError:
        return NullTranslations()


# --- the journey of one person -------------------------------------------------------------


def final_arrival(legs: list[LegRow]) -> LegRow | None:
    """The arrival leg that ends last: the one that brings the person to the institute."""
    arrivals = [leg for leg in legs if leg.direction == Direction.ARRIVAL]
    return max(arrivals, key=lambda leg: leg.arrives_at, default=None)


def first_departure(legs: list[LegRow]) -> LegRow | None:
    """The departure leg that starts first: the one that takes the person away."""
    departures = [leg for leg in legs if leg.direction == Direction.DEPARTURE]
    return min(departures, key=lambda leg: leg.departs_at, default=None)


def stay_of(institute: Institute, legs: list[LegRow]) -> tuple[date, date]:
    """(first night, morning of leaving) in the institute's zone, from the legs when given.

    Without an arrival the institute's first day is assumed, without a departure its last
    day; someone arriving before 06:00 needs the night before.
    """
    zone = institute.zone
    arrival, departure = final_arrival(legs), first_departure(legs)
    first_night = institute.start_date
    if arrival is not None:
        arrives = arrival.arrives_at.astimezone(zone)
        first_night = arrives.date() - timedelta(days=int(arrives.hour < EARLY_ARRIVAL_HOUR))
    leaving = institute.end_date
    if departure is not None:
        leaving = departure.departs_at.astimezone(zone).date()
    return first_night, leaving


def nights_present(institute: Institute, legs: list[LegRow]) -> list[date]:
    return nights(*stay_of(institute, legs))


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- the checks ----------------------------------------------------------------------------


def passport_expiring(data: TravelData) -> list[Finding]:
    """A confirmed invitee's passport must stay valid for at least N months (setting, 6 by
    default) after the institute's last day: expiring on that date is fine, a day earlier
    is flagged."""
    ngettext = data.ngettext
    months = data.settings.passport_valid_months
    needed_until = add_months(data.institute.end_date, months)
    return [
        Finding(
            "passport",
            invitee.id,
            invitee.full_name,
            ngettext(
                "The passport of %(name)s expires on %(expiry)s, less than %(num)d month "
                "after the institute ends (valid until at least %(needed)s is needed).",
                "The passport of %(name)s expires on %(expiry)s, less than %(num)d months "
                "after the institute ends (valid until at least %(needed)s is needed).",
                months,
                name=invitee.full_name,
                expiry=data.day(invitee.passport_expiry),
                needed=data.day(needed_until),
            ),
            "danger",
        )
        for invitee in data.confirmed
        if invitee.passport_expiry is not None and invitee.passport_expiry < needed_until
    ]


def is_host_national(invitee: InviteeRow, data: TravelData) -> bool:
    """Citizens of the institute's country need no visa to be there: no rule, case or
    "unknown" applies to them. Every visa check and list asks this first."""
    return bool(invitee.nationality) and invitee.nationality == data.institute.country


def needs_visa(invitee: InviteeRow, data: TravelData) -> bool:
    """Never for a national of the host country; otherwise an open case says so, and without
    a case, a rule asking for a visa or an e-visa does."""
    if is_host_national(invitee, data):
        return False
    case = data.cases.get(invitee.id)
    if case is not None:
        return case.status in OPEN_VISA_STATUSES
    rule = data.rules.get(invitee.nationality or "")
    return rule is not None and rule.requirement in (
        VisaRequirement.REQUIRED,
        VisaRequirement.E_VISA,
    )


def visa_not_approved_in_time(data: TravelData) -> list[Finding]:
    """A confirmed invitee who needs a visa must have it approved before the rule's lead time
    (30 days when the rule gives none) before the first day: from the day that is exactly
    the lead time before the start, a visa not yet approved is flagged. A refused visa is
    always flagged."""
    _, ngettext = data.gettext, data.ngettext
    findings = []
    start = data.institute.start_date
    for invitee in data.confirmed:
        if not needs_visa(invitee, data):
            continue
        case = data.cases.get(invitee.id)
        status = case.status if case is not None else VisaStatus.NEEDED
        rule = data.rules.get(invitee.nationality or "")
        lead = (
            rule.lead_time_days
            if rule is not None and rule.lead_time_days is not None
            else DEFAULT_LEAD_TIME_DAYS
        )
        if status == VisaStatus.REFUSED:
            message = _("The visa of %(name)s was refused.", name=invitee.full_name)
        elif data.today >= start - timedelta(days=lead):
            message = ngettext(
                "The visa of %(name)s is not approved (%(status)s); it takes %(num)d day "
                "and the institute starts on %(start)s.",
                "The visa of %(name)s is not approved (%(status)s); it takes %(num)d days "
                "and the institute starts on %(start)s.",
                lead,
                name=invitee.full_name,
                status=visa_status_label(status),
                start=data.day(start),
            )
        else:
            continue
        findings.append(Finding("visa", invitee.id, invitee.full_name, message, "danger"))
    return findings


def nationality_without_rule(data: TravelData) -> list[Finding]:
    """Every confirmed invitee's nationality needs a visa rule that is not "unknown";
    otherwise nobody knows whether they need a visa, and it is flagged (unless a visa case
    already says it). Nationals of the host country need no rule."""
    _ = data.gettext
    findings = []
    for invitee in data.confirmed:
        if invitee.id in data.cases or is_host_national(invitee, data):
            continue
        rule = data.rules.get(invitee.nationality or "")
        if not invitee.nationality:
            message = _(
                "The nationality of %(name)s is not recorded: the visa need is unknown.",
                name=invitee.full_name,
            )
        elif rule is None or rule.requirement == VisaRequirement.UNKNOWN:
            message = _(
                "No visa rule is known for nationals of %(country)s: "
                "whether %(name)s needs a visa is unknown.",
                country=data.country(invitee.nationality),
                name=invitee.full_name,
            )
        else:
            continue
        findings.append(Finding("visa_rule", invitee.id, invitee.full_name, message))
    return findings


def travel_details_missing(data: TravelData) -> list[Finding]:
    """From N days before the first day (setting, 21 by default), exactly that day included,
    a confirmed invitee with no arrival leg is flagged."""
    ngettext = data.ngettext
    days = data.settings.travel_details_days
    start = data.institute.start_date
    if data.today < start - timedelta(days=days):
        return []
    return [
        Finding(
            "travel",
            invitee.id,
            invitee.full_name,
            ngettext(
                "%(name)s has not given arrival details, %(num)d day before the start.",
                "%(name)s has not given arrival details, %(num)d days before the start.",
                (start - data.today).days,
                name=invitee.full_name,
            ),
        )
        for invitee in data.confirmed
        if final_arrival(data.legs.get(invitee.id, [])) is None
    ]


def arrives_late_or_leaves_early(data: TravelData) -> list[Finding]:
    """A confirmed invitee should arrive no later than the program starts (the first session,
    else 09:00 on the first day) and leave no earlier than it ends (the last session's end,
    else 18:00 on the last day): arriving exactly at the start or leaving exactly at the end
    is fine, a minute later or earlier is flagged."""
    _ = data.gettext
    findings = []
    for invitee in data.confirmed:
        legs = data.legs.get(invitee.id, [])
        arrival, departure = final_arrival(legs), first_departure(legs)
        if arrival is not None and arrival.arrives_at > data.program_start:
            findings.append(
                Finding(
                    "arrival_late",
                    invitee.id,
                    invitee.full_name,
                    _(
                        "%(name)s arrives on %(arrival)s, after the program starts (%(start)s).",
                        name=invitee.full_name,
                        arrival=data.moment(arrival.arrives_at),
                        start=data.moment(data.program_start),
                    ),
                )
            )
        if departure is not None and departure.departs_at < data.program_end:
            findings.append(
                Finding(
                    "departure_early",
                    invitee.id,
                    invitee.full_name,
                    _(
                        "%(name)s leaves on %(departure)s, before the program ends (%(end)s).",
                        name=invitee.full_name,
                        departure=data.moment(departure.departs_at),
                        end=data.moment(data.program_end),
                    ),
                )
            )
    return findings


def stay_exceeds_visa_free_days(data: TravelData) -> list[Finding]:
    """A confirmed invitee entering visa-free may stay at most the rule's visa-free days,
    counting the arrival day and the departure day (in the institute's zone): a stay of
    exactly that many days is fine, one day more is flagged. Without legs the institute's
    first and last days are assumed. An approved visa lifts the limit."""
    ngettext = data.ngettext
    findings = []
    zone = data.institute.zone
    for invitee in data.confirmed:
        if is_host_national(invitee, data):
            continue
        rule = data.rules.get(invitee.nationality or "")
        case = data.cases.get(invitee.id)
        if rule is None or rule.requirement != VisaRequirement.NOT_NEEDED:
            continue
        if not rule.visa_free_days or (case is not None and case.status == VisaStatus.APPROVED):
            continue
        legs = data.legs.get(invitee.id, [])
        arrival, departure = final_arrival(legs), first_departure(legs)
        first_day = (
            arrival.arrives_at.astimezone(zone).date() if arrival else data.institute.start_date
        )
        last_day = (
            departure.departs_at.astimezone(zone).date() if departure else data.institute.end_date
        )
        days = (last_day - first_day).days + 1
        if days > rule.visa_free_days:
            findings.append(
                Finding(
                    "visa_free_days",
                    invitee.id,
                    invitee.full_name,
                    ngettext(
                        "%(name)s stays %(days)s days (%(first)s to %(last)s); nationals of "
                        "%(country)s may stay %(num)d day without a visa.",
                        "%(name)s stays %(days)s days (%(first)s to %(last)s); nationals of "
                        "%(country)s may stay %(num)d days without a visa.",
                        rule.visa_free_days,
                        name=invitee.full_name,
                        days=days,
                        first=data.day(first_day),
                        last=data.day(last_day),
                        country=data.country(invitee.nationality),
                    ),
                    "danger",
                )
            )
    return findings


def missing_beds(data: TravelData) -> list[Finding]:
    """A confirmed invitee needs a bed for every night they are present (from their legs
    when given, else the institute's nights: the first day up to the night before the last);
    uncovered nights are flagged, whether or not a hotel has been entered yet."""
    ngettext = data.ngettext
    findings = []
    for invitee in data.confirmed:
        needed = nights_present(data.institute, data.legs.get(invitee.id, []))
        covered = {
            night
            for assignment in data.rooms.get(invitee.id, [])
            for night in nights(assignment.check_in, assignment.check_out)
        }
        missing = [night for night in needed if night not in covered]
        if missing:
            findings.append(
                Finding(
                    "no_bed",
                    invitee.id,
                    invitee.full_name,
                    ngettext(
                        "%(name)s has no bed on the night of %(nights)s.",
                        "%(name)s has no bed on %(num)d nights: %(nights)s.",
                        len(missing),
                        name=invitee.full_name,
                        nights=", ".join(data.day(night) for night in missing),
                    ),
                )
            )
    return findings


def beds_held_for_absent(data: TravelData) -> list[Finding]:
    """A bed held for someone who declined, withdrew or was removed from the list is
    flagged, so it can be given to someone else."""
    _ = data.gettext
    findings = []
    for invitee in data.invitees:
        if invitee.removed_at is None and invitee.rsvp_status not in ABSENT_STATUSES:
            continue
        for assignment in data.rooms.get(invitee.id, []):
            hotel = data.hotels.get(assignment.hotel_id)
            findings.append(
                Finding(
                    "bed_held",
                    invitee.id,
                    invitee.full_name,
                    _(
                        "A bed in room %(room)s at %(hotel)s (%(first)s to %(last)s) is held "
                        "for %(name)s, who is not coming.",
                        room=assignment.room_label,
                        hotel=hotel.name if hotel else "",
                        first=data.day(assignment.check_in),
                        last=data.day(assignment.check_out),
                        name=invitee.full_name,
                    ),
                )
            )
    return findings


CHECKS = (
    visa_not_approved_in_time,
    passport_expiring,
    stay_exceeds_visa_free_days,
    nationality_without_rule,
    travel_details_missing,
    arrives_late_or_leaves_early,
    missing_beds,
    beds_held_for_absent,
)


def all_findings(data: TravelData) -> list[Finding]:
    """Every check's findings, the most serious first (then in the order of the checks)."""
    findings = [finding for check in CHECKS for finding in check(data)]
    return sorted(findings, key=lambda f: f.severity != "danger")


def findings_for(data: TravelData, invitee_id: int) -> list[Finding]:
    """The findings about one invitee (the checks run on that person alone)."""
    alone = replace(data, invitees=[i for i in data.invitees if i.id == invitee_id], _words={})
    return [f for f in all_findings(alone) if f.invitee_id == invitee_id]
