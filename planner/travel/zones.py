"""Time zones of travel legs: the default zone of a country and local times around DST changes.

Python has no country -> zone map built in; this table covers the countries the institutes
draw from (one main zone each). Other countries have no default: the person chooses a zone.
"""

from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

# The main (capital's) zone of each country we support; kept by hand, reviewed with the tz data.
COUNTRY_MAIN_ZONE = {
    "AE": "Asia/Dubai",
    "AF": "Asia/Kabul",
    "AM": "Asia/Yerevan",
    "AZ": "Asia/Baku",
    "BY": "Europe/Minsk",
    "CN": "Asia/Shanghai",
    "DE": "Europe/Berlin",
    "EG": "Africa/Cairo",
    "FR": "Europe/Paris",
    "GB": "Europe/London",
    "GE": "Asia/Tbilisi",
    "IN": "Asia/Kolkata",
    "IQ": "Asia/Baghdad",
    "IR": "Asia/Tehran",
    "JO": "Asia/Amman",
    "KG": "Asia/Bishkek",
    "KZ": "Asia/Almaty",
    "LB": "Asia/Beirut",
    "MN": "Asia/Ulaanbaatar",
    "NL": "Europe/Amsterdam",
    "PK": "Asia/Karachi",
    "PS": "Asia/Hebron",
    "RU": "Europe/Moscow",
    "SY": "Asia/Damascus",
    "TJ": "Asia/Dushanbe",
    "TM": "Asia/Ashgabat",
    "TR": "Europe/Istanbul",
    "UA": "Europe/Kyiv",
    "US": "America/New_York",
    "UZ": "Asia/Tashkent",
}


def country_zone(country: str | None) -> str | None:
    """The main zone of a country, or None when the person has to choose."""
    return COUNTRY_MAIN_ZONE.get((country or "").upper())


@cache
def zone_names() -> list[str]:
    """Selectable IANA zones (regions only, no Etc/ or legacy aliases), sorted."""
    return sorted(
        z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/"))
    )


def is_known_zone(name: str | None) -> bool:
    if not name or name not in available_timezones():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def is_nonexistent(local: datetime, zone: str) -> bool:
    """True for a wall-clock time skipped when clocks jump forward (e.g. 02:30 on a DST night)."""
    aware = local.replace(tzinfo=ZoneInfo(zone))
    round_trip = aware.astimezone(UTC).astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    return round_trip != local


def is_ambiguous(local: datetime, zone: str) -> bool:
    """True for a wall-clock time that happens twice when clocks go back."""
    tz = ZoneInfo(zone)
    return local.replace(tzinfo=tz, fold=0).utcoffset() != local.replace(
        tzinfo=tz, fold=1
    ).utcoffset() and not is_nonexistent(local, zone)


def to_instant(local: datetime, zone: str) -> datetime:
    """The absolute instant (UTC) of a naive wall-clock time in a zone.

    An ambiguous time (clocks going back) is read as its first occurrence (fold=0), the
    reading of every leg's ``departs_at``/``arrives_at``; pages show the UTC offset so the
    reading is visible. Nonexistent times are refused before they are stored.
    """
    return local.replace(tzinfo=ZoneInfo(zone), fold=0).astimezone(UTC)
