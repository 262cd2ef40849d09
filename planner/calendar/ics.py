"""RFC 5545 calendars from plain data: no database, no Flask, only ``icalendar`` and zoneinfo.

Feeds are built from ``FeedCalendar`` and ``FeedEvent`` values (see ``planner.calendar.feeds``
for the loaders). Output is deterministic: the same data gives the same bytes, so a hash of
the body is a strong ETag. That is why DTSTAMP is the event's last change, not "now".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from icalendar import Event, Timezone

# icalendar (3 to 5 MB) is imported by the functions that write a feed: a web worker that
# never serves one (most organizer pages, every sign-in) does not hold it (DESIGN §7).

PRODID = "-//Institute Planner//Calendar feeds 1.0//EN"


@dataclass(frozen=True)
class FeedEvent:
    """One VEVENT.

    Timed events give ``start``/``end`` as naive wall-clock times with the IANA zone of each
    end (a flight leaves in one zone and lands in another). All-day events (hotel nights)
    give dates and no zones; ``end`` is the first day not included (the check-out morning).
    """

    uid: str
    sequence: int
    summary: str
    start: datetime | date
    end: datetime | date
    created: datetime
    last_modified: datetime
    start_zone: str | None = None
    end_zone: str | None = None
    location: str = ""
    description: str = ""
    cancelled: bool = False
    url: str = ""
    transparent: bool = False  # shown, but not "busy" (e.g. hotel nights)

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime)

    def start_instant(self) -> datetime:
        """The aware start (only for timed events)."""
        return self.start.replace(tzinfo=ZoneInfo(self.start_zone))

    def end_instant(self) -> datetime:
        return self.end.replace(tzinfo=ZoneInfo(self.end_zone or self.start_zone))


@dataclass(frozen=True)
class FeedCalendar:
    name: str
    timezone: str  # the calendar's own zone (X-WR-TIMEZONE): the institute's
    events: list[FeedEvent] = field(default_factory=list)
    description: str = ""
    refresh: timedelta = timedelta(hours=1)


def build_ics(calendar: FeedCalendar) -> bytes:
    """The calendar as RFC 5545 bytes (CRLF lines, folded at 75 octets, UTF-8).

    Each VEVENT and VTIMEZONE is serialized by ``icalendar`` once and memoized by its value
    (a frozen dataclass, or zone and years): the same input always gives the same bytes, so
    a feed polled every few minutes costs little more than its queries.
    """
    from icalendar import Calendar
    from icalendar.prop import vDuration

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", calendar.name)
    cal.add("x-wr-timezone", calendar.timezone)
    if calendar.description:
        cal.add("x-wr-caldesc", calendar.description)
    cal.add("x-published-ttl", vDuration(calendar.refresh))
    cal.add("refresh-interval", vDuration(calendar.refresh), parameters={"VALUE": "DURATION"})
    head = cal.to_ical()
    if not head.endswith(_END):
        raise ValueError("unexpected VCALENDAR serialization")
    parts = [head[: -len(_END)]]
    parts += [
        _vtimezone_bytes(zone, first, last)
        for zone, (first, last) in sorted(_zone_spans(calendar).items())
    ]
    parts += [_vevent_bytes(event) for event in calendar.events]
    parts.append(_END)
    return b"".join(parts)


_END = b"END:VCALENDAR\r\n"


@lru_cache(maxsize=8192)
def _vevent_bytes(event: FeedEvent) -> bytes:
    return _vevent(event).to_ical()


@lru_cache(maxsize=256)
def _vtimezone_bytes(zone: str, first_year: int, last_year: int) -> bytes:
    return vtimezone(zone, first_year, last_year).to_ical()


def _zone_spans(calendar: FeedCalendar) -> dict[str, tuple[int, int]]:
    """Every zone used, with the first and last year it is needed for."""
    spans: dict[str, tuple[int, int]] = {}

    def use(zone: str, moment: datetime) -> None:
        first, last = spans.get(zone, (moment.year, moment.year))
        spans[zone] = (min(first, moment.year), max(last, moment.year))

    for event in calendar.events:
        if event.all_day:
            continue
        use(event.start_zone, event.start)
        use(event.end_zone or event.start_zone, event.end)
    if calendar.timezone not in spans and spans:
        years = [y for span in spans.values() for y in span]
        spans[calendar.timezone] = (min(years), max(years))
    return spans


def _vevent(event: FeedEvent) -> Event:
    from icalendar import Event

    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", _utc(event.last_modified))
    vevent.add("created", _utc(event.created))
    vevent.add("last-modified", _utc(event.last_modified))
    vevent.add("sequence", event.sequence)
    if event.all_day:
        vevent.add("dtstart", event.start)
        vevent.add("dtend", event.end)
    else:
        vevent.add("dtstart", event.start_instant())
        vevent.add("dtend", event.end_instant())
    vevent.add("summary", event.summary)
    if event.location:
        vevent.add("location", event.location)
    if event.description:
        vevent.add("description", event.description)
    vevent.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    vevent.add("transp", "TRANSPARENT" if event.transparent or event.cancelled else "OPAQUE")
    if event.url:
        vevent.add("url", event.url)
    return vevent


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("event timestamps must be aware")
    return moment.astimezone(UTC).replace(microsecond=0)


# -- VTIMEZONE ------------------------------------------------------------------------------
# Written here from zoneinfo rather than by icalendar's generator: RFC 5545 wants each
# onset's DTSTART as the local time *before* the change (read with TZOFFSETFROM). The
# generator of icalendar 7.3 writes the local time after the change for spring-forward
# transitions, which misstates the instant of the change by an hour. Written here, every
# onset is exact, and the tests check each one against zoneinfo.


@lru_cache(maxsize=256)
def vtimezone(zone: str, first_year: int, last_year: int) -> Timezone:
    """A VTIMEZONE for ``zone`` valid from 1 January of ``first_year`` to the end of
    ``last_year``: one sub-component per period, no RRULE, so historic changes (Asia/Almaty
    went from UTC+6 to UTC+5 on 1 March 2024) are exact for every year in between.

    Cached (zones are few): callers add the component to a calendar and never change it.
    """
    from icalendar import Timezone

    tzinfo = ZoneInfo(zone)
    start = datetime(first_year, 1, 1, tzinfo=tzinfo).astimezone(UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=tzinfo).astimezone(UTC)

    component = Timezone()
    component.add("tzid", zone)
    initial = start.astimezone(tzinfo)
    component.add_component(
        _period(initial, initial.utcoffset(), start.astimezone(tzinfo).replace(tzinfo=None))
    )
    for instant, before, after in _transitions(tzinfo, start, end):
        onset_local = (instant + before.utcoffset()).replace(tzinfo=None)
        component.add_component(_period(after, before.utcoffset(), onset_local))
    return component


def _period(local: datetime, offset_from: timedelta, onset: datetime):
    from icalendar import TimezoneDaylight, TimezoneStandard

    daylight = bool(local.dst())
    period = TimezoneDaylight() if daylight else TimezoneStandard()
    period.add("dtstart", onset)
    period.add("tzoffsetfrom", offset_from)
    period.add("tzoffsetto", local.utcoffset())
    period.add("tzname", local.tzname())
    return period


def _transitions(tzinfo: ZoneInfo, start: datetime, end: datetime):
    """(UTC instant, local moment just before, local moment at) of every change of offset
    or name between two UTC instants. Zones change at most a few times a year, so a daily
    scan with a bisection to the second finds each one."""

    def state(moment: datetime):
        local = moment.astimezone(tzinfo)
        return local.utcoffset(), local.tzname(), bool(local.dst())

    step = timedelta(days=1)
    cursor = start
    current = state(cursor)
    while cursor < end:
        following = min(cursor + step, end)
        if state(following) != current:
            low, high = cursor, following
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if state(middle) == current:
                    low = middle
                else:
                    high = middle
            instant = high.replace(microsecond=0)
            yield (
                instant,
                (instant - timedelta(seconds=1)).astimezone(tzinfo),
                instant.astimezone(tzinfo),
            )
            current = state(instant)
            cursor = instant
        else:
            cursor = following
