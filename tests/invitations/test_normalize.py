"""Reading countries, roles, languages and dates as people write them."""

from datetime import date

import pytest

from planner.invitations import normalize
from planner.invitations.models import InviteeRole


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Kazakhstan", "KZ"),
        ("kazakhstan ", "KZ"),
        ("  KAZAKHSTAN", "KZ"),
        ("Republic of Kazakhstan", "KZ"),
        ("Казахстан", "KZ"),
        ("Қазақстан", "KZ"),
        ("kz", "KZ"),
        ("KAZ", "KZ"),
        ("Kyrgyzstan", "KG"),
        ("Kyrgyz Republic", "KG"),
        ("Киргизия", "KG"),
        ("КИРГИЗИЯ", "KG"),
        ("Кыргызстан", "KG"),
        ("Tajikistan", "TJ"),
        ("Tadjikistan", "TJ"),
        ("TADJIKISTAN", "TJ"),
        ("Таджикистан", "TJ"),
        ("Uzbekistan", "UZ"),
        ("Узбекистан", "UZ"),
        ("O'zbekiston", "UZ"),
        ("Jordan", "JO"),
        ("Иордания", "JO"),
    ],
)
def test_countries_in_many_spellings(written, code):
    assert normalize.country_code(written) == code


@pytest.mark.parametrize("written", ["Narnia", "XX", "", "   ", None])
def test_unknown_countries(written):
    assert normalize.country_code(written) is None


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("ru", "ru"),
        ("RU", "ru"),
        ("Russian", "ru"),
        ("русский", "ru"),
        ("Русский язык", "ru"),
        ("English", "en"),
        ("английский", "en"),
        ("Kazakh", "kk"),
        ("казахский", "kk"),
        ("қазақ тілі", "kk"),
        ("ky", "ky"),
        ("Uzbek", "uz"),
        ("tg", "tg"),
    ],
)
def test_languages_written_freely(written, code):
    assert normalize.language_code(written) == code


@pytest.mark.parametrize(
    ("written", "role"),
    [
        ("participant", InviteeRole.PARTICIPANT),
        ("Participant", InviteeRole.PARTICIPANT),
        ("участница", InviteeRole.PARTICIPANT),
        ("Фасилитатор", InviteeRole.FACILITATOR),
        ("trainer", InviteeRole.TRAINER),
        ("тренер", InviteeRole.TRAINER),
        ("Наблюдатель", InviteeRole.OBSERVER),
        ("staff", InviteeRole.STAFF),
        ("guest of honour", None),
    ],
)
def test_roles_in_english_and_russian(written, role):
    assert normalize.role_value(written) == role


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("2027-04-12", date(2027, 4, 12)),
        ("12.04.2027", date(2027, 4, 12)),
        ("12/04/2027", date(2027, 4, 12)),
        ("1.4.2027", date(2027, 4, 1)),
        (" 2027-4-1 ", date(2027, 4, 1)),
        ("", None),
    ],
)
def test_dates_in_three_formats(written, day):
    assert normalize.parse_date(written) == day


@pytest.mark.parametrize("written", ["31.02.2027", "2026-13-01", "29/02/2027"])
def test_impossible_dates(written):
    with pytest.raises(normalize.ImpossibleDateError):
        normalize.parse_date(written)


@pytest.mark.parametrize("written", ["April 12, 2027", "12-04-27", "2027/04/12", "tomorrow"])
def test_dates_in_other_shapes(written):
    with pytest.raises(normalize.DateFormatError):
        normalize.parse_date(written)
