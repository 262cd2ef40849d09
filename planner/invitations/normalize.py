"""Reading values people write freely (countries, roles, languages, dates) into stored codes."""

import re
from datetime import date
from functools import cache

import pycountry
from babel import Locale

from planner.formatting import LANGUAGE_CODES
from planner.invitations.models import InviteeRole

# Spellings that neither pycountry nor CLDR know, seen in real lists of the region.
COUNTRY_ALIASES = {
    "tadjikistan": "TJ",
    "tadzhikistan": "TJ",
    "kirgizia": "KG",
    "kirghizia": "KG",
    "kyrgyz republic": "KG",
    "kirgizstan": "KG",
    "кыргызстан": "KG",
    "кыргызская республика": "KG",
    "киргизстан": "KG",
    "республика казахстан": "KZ",
    "казакстан": "KZ",
    "қазақстан": "KZ",
    "республика таджикистан": "TJ",
    "тоҷикистон": "TJ",
    "республика узбекистан": "UZ",
    "oʻzbekiston": "UZ",
    "o'zbekiston": "UZ",
    "uzbekistan republic": "UZ",
    "russia": "RU",
    "россия": "RU",
    "российская федерация": "RU",
}

# Names of the locales whose country and language names we recognise.
NAME_LOCALES = ("en", "ru", "kk", "ky", "uz", "tg")

ROLE_ALIASES = {
    "participant": InviteeRole.PARTICIPANT,
    "participants": InviteeRole.PARTICIPANT,
    "участник": InviteeRole.PARTICIPANT,
    "участница": InviteeRole.PARTICIPANT,
    "участник(ца)": InviteeRole.PARTICIPANT,
    "facilitator": InviteeRole.FACILITATOR,
    "фасилитатор": InviteeRole.FACILITATOR,
    "фасилитатор(ка)": InviteeRole.FACILITATOR,
    "ведущий": InviteeRole.FACILITATOR,
    "ведущая": InviteeRole.FACILITATOR,
    "trainer": InviteeRole.TRAINER,
    "тренер": InviteeRole.TRAINER,
    "тренерка": InviteeRole.TRAINER,
    "observer": InviteeRole.OBSERVER,
    "наблюдатель": InviteeRole.OBSERVER,
    "наблюдательница": InviteeRole.OBSERVER,
    "staff": InviteeRole.STAFF,
    "персонал": InviteeRole.STAFF,
    "сотрудник": InviteeRole.STAFF,
    "сотрудница": InviteeRole.STAFF,
    "организатор": InviteeRole.STAFF,
}


def _key(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split()).casefold()


@cache
def _country_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        for value in (
            code,
            country.alpha_3,
            country.name,
            getattr(country, "official_name", None),
            getattr(country, "common_name", None),
        ):
            if value:
                names.setdefault(_key(value), code)
        for locale_code in NAME_LOCALES:
            localized = Locale.parse(locale_code).territories.get(code)
            if localized:
                names.setdefault(_key(localized), code)
    names.update({_key(alias): code for alias, code in COUNTRY_ALIASES.items()})
    return names


def country_code(text: str | None) -> str | None:
    """ISO 3166-1 alpha-2 of a country written as a code or a name in English, Russian or
    a language of the region, in any case and spacing; None when unknown or empty."""
    if not text or not text.strip():
        return None
    return _country_names().get(_key(text))


@cache
def _language_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for code in LANGUAGE_CODES:
        names[code] = code
        own = Locale.parse(code).languages.get(code)
        if own:
            names.setdefault(_key(own), code)
        for locale_code in NAME_LOCALES:
            localized = Locale.parse(locale_code).languages.get(code)
            if localized:
                names.setdefault(_key(localized), code)
    # How people write them in Russian-language lists.
    names.update({"рус": "ru", "рус.": "ru", "англ": "en", "англ.": "en", "eng": "en"})
    return names


def language_code(text: str | None) -> str | None:
    """A supported language code from "ru", "Russian", "русский", "Русский язык"...;
    None when unknown."""
    if not text or not text.strip():
        return None
    names = _language_names()
    key = _key(text)
    return names.get(key) or names.get(re.sub(r"\s+(язык|language|тили|тілі)$", "", key))


def role_value(text: str | None) -> InviteeRole | None:
    """The role written in English or Russian, in any case; None when unknown."""
    if not text or not text.strip():
        return None
    return ROLE_ALIASES.get(_key(text))


class DateFormatError(ValueError):
    """The text is not written as a date in a format we read."""


class ImpossibleDateError(ValueError):
    """Written as a date but no such day exists (31.02, month 13)."""


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")


def parse_date(text: str | None) -> date | None:
    """A date written as 2027-04-12, 12.04.2027 or 12/04/2027 (day first); None when empty.

    Raises DateFormatError for another shape and ImpossibleDateError for a day that does
    not exist.
    """
    if not text or not text.strip():
        return None
    text = text.strip()
    if match := _ISO.match(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _DAY_FIRST.match(text):
        day, month, year = (int(g) for g in match.groups())
    else:
        raise DateFormatError(text)
    try:
        return date(year, month, day)
    except ValueError as error:
        raise ImpossibleDateError(text) from error
