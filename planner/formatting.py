"""Localized names and dates for templates, mails and documents (Babel, CLDR data)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pycountry
from babel import Locale
from babel.core import get_global
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.dates import format_skeleton, get_timezone_location
from babel.dates import format_time as babel_format_time
from flask_babel import get_locale

# Languages offered for institutes and invitees: the region's first, then common others.
LANGUAGE_CODES = [
    "en",
    "ru",
    "kk",
    "ky",
    "uz",
    "tg",
    "tk",
    "ar",
    "fa",
    "tr",
    "fr",
    "de",
    "es",
    "zh",
]


def current_locale() -> Locale:
    try:
        return get_locale() or Locale("en")
    except RuntimeError:  # outside an app or request context
        return Locale("en")


def country_name(code: str | None, locale: Locale | str | None = None) -> str:
    if not code:
        return ""
    locale = Locale.parse(locale) if locale else current_locale()
    name = locale.territories.get(code.upper())
    if name:
        return name
    country = pycountry.countries.get(alpha_2=code.upper())
    return country.name if country else code


def country_choices(locale: Locale | str | None = None) -> list[tuple[str, str]]:
    """ISO 3166-1 countries as (code, localized name), sorted by name."""
    locale = Locale.parse(locale) if locale else current_locale()
    choices = [(c.alpha_2, country_name(c.alpha_2, locale)) for c in pycountry.countries]
    return sorted(choices, key=lambda item: item[1].casefold())


def language_name(code: str | None, locale: Locale | str | None = None) -> str:
    if not code:
        return ""
    locale = Locale.parse(locale) if locale else current_locale()
    return locale.languages.get(code, code)


def language_choices(locale: Locale | str | None = None) -> list[tuple[str, str]]:
    locale = Locale.parse(locale) if locale else current_locale()
    return [(code, language_name(code, locale)) for code in LANGUAGE_CODES]


# One format per kind of date, for every language (B20):
#   a day ("April 12, 2027", "12 апреля 2027 г."): format_day(value)
#   a day heading with its weekday ("Monday, April 12, 2027"): format_day(value, "full")
#   a day in a compact list or tab ("Mon, Apr 12"): format_day(value, "compact")
#   a moment something happened or will happen ("Apr 12, 2027, 09:05"): format_moment / format_local
#   a wall-clock time ("09:05"): format_wall_time
DAY_FORMATS = {"long": "long", "medium": "long", "full": "full"}
COMPACT_DAY_SKELETON = "MMMEd"
MOMENT_DATE_SKELETON = "yMMMd"
TIME_PATTERN = "HH:mm"


def _locale(locale) -> Locale:
    return Locale.parse(locale) if locale else current_locale()


def format_day(value: date, fmt: str = "long", locale=None) -> str:
    """A day as people write it in the reader's language ("8 April 2026", "8 апреля 2026 г.").

    ``fmt`` names a kind of day: "long" (the default; "medium" is the same), "full" (with the
    weekday, for headings) or "compact" (weekday, day and short month, for tabs and lists).
    """
    locale = _locale(locale)
    if isinstance(value, datetime):
        value = value.date()
    if fmt == "compact" or fmt == "EEE d MMM":
        return format_skeleton(COMPACT_DAY_SKELETON, value, locale=locale)
    return babel_format_date(value, format=DAY_FORMATS.get(fmt, fmt), locale=locale)


def format_date_range(start: date, end: date, locale=None) -> str:
    """The institute's dates: "7–10 июня 2027 г." where the language writes the day first
    and the days share a month, else CLDR's interval ("Jun 7 – 10, 2027"), with an en dash."""
    from babel.dates import format_interval

    locale = _locale(locale)
    if start == end:
        return format_day(start, locale=locale)
    pattern = locale.date_formats["long"].pattern
    if (start.year, start.month) == (end.year, end.month) and pattern.startswith("d"):
        first = f"{start.day:02d}" if pattern.startswith("dd") else str(start.day)
        return f"{first}–{format_day(end, locale=locale)}"
    text = format_interval(start, end, skeleton="yMMMd", locale=locale)
    return text.replace("—", "–")


def format_wall_time(value: datetime, locale=None) -> str:
    """A naive local wall-clock time, e.g. 09:00."""
    return babel_format_time(value, format=TIME_PATTERN, locale=_locale(locale))


def format_moment(value: datetime, locale=None) -> str:
    """A wall-clock moment (a date and a time of day, no seconds), e.g. "Apr 12, 2027, 09:05",
    joined the way the language joins a date and a time."""
    locale = _locale(locale)
    day = format_skeleton(MOMENT_DATE_SKELETON, value, locale=locale)
    time = babel_format_time(value, format=TIME_PATTERN, locale=locale)
    return str(locale.datetime_formats["medium"]).replace("{1}", day).replace("{0}", time)


# format_local's named kinds; any other value is a Babel pattern kept for machine-readable
# text (CSV exports, UTC offsets).
_MOMENT_KINDS = {None, "short", "medium", "long", "moment", "d MMM y, HH:mm", "d MMM, HH:mm"}
_DAY_KINDS = {"day": "long", "d MMM y": "long"}


def format_local(value: datetime, zone: str, fmt: str | None = None, locale=None) -> str:
    """An aware instant shown in the given IANA zone: a moment by default ("day" for the day
    only); another ``fmt`` is a Babel pattern (for CSV, offsets)."""
    local = value.astimezone(ZoneInfo(zone))
    if fmt in _MOMENT_KINDS:
        return format_moment(local.replace(tzinfo=None), locale)
    if fmt in _DAY_KINDS:
        return format_day(local.date(), _DAY_KINDS[fmt], locale)
    return babel_format_datetime(local, format=fmt, tzinfo=ZoneInfo(zone), locale=_locale(locale))


def zone_label(zone: str, locale=None) -> str:
    """The zone's name for people, e.g. "Asia/Almaty (Kazakhstan, Almaty)".

    Built from CLDR's country and city names: Babel's ready-made Russian zone names say
    "летнее время" (summer time) even for zones that never change their clocks.
    """
    locale = Locale.parse(locale) if locale else current_locale()
    try:
        city = get_timezone_location(ZoneInfo(zone), locale=locale, return_city=True)
    except (LookupError, ValueError):
        return zone
    territory = get_global("zone_territories").get(zone)
    country = locale.territories.get(territory, "") if territory else ""
    name = ", ".join(part for part in (country, city) if part)
    return f"{zone} ({name})" if name and name != zone else zone


def init_app(app) -> None:
    app.jinja_env.filters.update(
        country=country_name,
        language=language_name,
        day=format_day,
        date_range=format_date_range,
        walltime=format_wall_time,
        moment=format_moment,
        zone_label=zone_label,
    )
    app.jinja_env.globals.update(format_local=format_local, format_moment=format_moment)
