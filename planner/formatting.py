"""Localized names and dates for templates, mails and documents (Babel, CLDR data)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pycountry
from babel import Locale
from babel.core import get_global
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.dates import format_time as babel_format_time
from babel.dates import get_timezone_location
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


def format_day(value: date, fmt: str = "long", locale=None) -> str:
    """A date as people write it in the reader's language ("8 April 2026", "8 апреля 2026 г.")."""
    return babel_format_date(value, format=fmt, locale=locale or current_locale())


def format_date_range(start: date, end: date, locale=None) -> str:
    from babel.dates import format_interval

    return format_interval(start, end, skeleton="yMMMd", locale=locale or current_locale())


def format_wall_time(value: datetime, locale=None) -> str:
    """A naive local wall-clock time, e.g. 09:00."""
    return babel_format_time(value, format="HH:mm", locale=locale or current_locale())


def format_local(value: datetime, zone: str, fmt: str = "medium", locale=None) -> str:
    """An aware instant shown in the given IANA zone."""
    return babel_format_datetime(
        value.astimezone(ZoneInfo(zone)),
        format=fmt,
        tzinfo=ZoneInfo(zone),
        locale=locale or current_locale(),
    )


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
        zone_label=zone_label,
    )
    app.jinja_env.globals.update(format_local=format_local)
