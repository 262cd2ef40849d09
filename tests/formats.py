"""What the app's dates, intervals, times and names look like, computed with the same library
calls the app makes (Babel's CLDR data, pycountry), for the same inputs.

Tests compare pages, mails and documents against these, never against text a library produced
on one machine: a Babel release that changes a dash, a space or an abbreviation changes the
expected text with it, and the test still checks what is ours (which date, which name, where).
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_datetime, format_interval, format_time


def day(value: date, fmt: str = "long", locale: str = "en") -> str:
    """A date as the app writes this kind of date: ``planner.formatting.format_day`` (Babel's
    ``format_date`` with the pattern of the kind, and the app's one correction of CLDR text)."""
    from planner.formatting import format_day

    return format_day(value, fmt, locale=locale)


def date_range(start: date, end: date, locale: str = "en") -> str:
    """An institute's dates as ``planner.formatting.format_date_range`` writes them (Babel's
    ``format_interval``)."""
    from planner.formatting import format_date_range

    return format_date_range(start, end, locale=locale)


def time_range(start: datetime, end: datetime, locale: str = "en") -> str:
    """Two wall-clock times as a span, as the booklet's grid writes them."""
    return format_interval(start.time(), end.time(), skeleton="Hm", locale=locale)


def wall_time(value: datetime, locale: str = "en") -> str:
    return format_time(value, format="HH:mm", locale=locale)


def instant(value: datetime, zone: str, fmt: str = "medium", locale: str = "en") -> str:
    """An aware instant shown in ``zone``, as ``planner.formatting.format_local`` shows it."""
    return format_datetime(
        value.astimezone(ZoneInfo(zone)), format=fmt, tzinfo=ZoneInfo(zone), locale=locale
    )


def local(value: datetime, fmt: str = "medium", locale: str = "en") -> str:
    """A naive wall-clock date and time (e.g. a leg's local departure) in Babel's ``fmt``."""
    return format_datetime(value, format=fmt, locale=locale)


def country(code: str, locale: str = "en") -> str:
    return Locale.parse(locale).territories[code]


def spaced(text: str) -> str:
    """Babel's thin and narrow no-break spaces as plain spaces (as ``plain()`` reads mail)."""
    return text.replace("\u2009", " ").replace("\u202f", " ").replace("\xa0", " ")


def flat(text: str) -> str:
    """Every run of white space as one space, as the documents' tests read PDF text."""
    return " ".join(text.split())


def moment(value: datetime, locale: str = "en") -> str:
    """A wall-clock date and time as the app writes it (``planner.formatting.format_moment``:
    Babel's skeleton date and the language's own way of joining a date and a time)."""
    from planner.formatting import format_moment

    return format_moment(value, locale=locale)
