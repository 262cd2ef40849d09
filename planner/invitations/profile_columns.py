"""The reporting profile's columns of the invitee spreadsheet: their header names, reading
the values people write (in English or Russian) into stored codes, comparing with what is
stored, saving, and the words the export writes (which read back as they are).

The importer (``importing``) calls these small functions; nothing here reads the file.
"""

import re
from datetime import date

from flask_babel import lazy_gettext as _l

from planner.extensions import db
from planner.invitations import normalize
from planner.reports.models import AgeGroup, Gender, ReportingProfile, Sector, Setting
from planner.reports.profiles import (
    AGE_GROUP_LABELS,
    GENDER_LABELS,
    SECTOR_LABELS,
    SETTING_LABELS,
    age_group_for_age,
    age_group_of,
)

# Cells of the sheet. "date_of_birth" is the invitee's own (encrypted) column; the others
# are the reporting profile's. "gender_text" (a self-description) has no column of its own:
# it is read from the gender cell ("self-described: …").
COLUMNS = ("gender", "age_group", "date_of_birth", "setting", "sector")
PROFILE_FIELDS = ("gender", "gender_text", "age_group", "setting", "sector")

LABELS = {
    "gender": _l("Gender"),
    "gender_text": _l("Gender, self-described"),
    "age_group": _l("Age or age group"),
    "date_of_birth": _l("Date of birth"),
    "setting": _l("Urban or rural"),
    "sector": _l("Sector"),
}

# How the preview shows a stored value of each field.
VALUE_LABELS = {
    "gender": GENDER_LABELS,
    "age_group": AGE_GROUP_LABELS,
    "setting": SETTING_LABELS,
    "sector": SECTOR_LABELS,
}

TEMPLATE_HEADERS = {
    "gender": "Gender / Пол",
    "age_group": "Age or age group / Возраст",
    "date_of_birth": "Date of birth / Дата рождения",
    "setting": "Urban or rural / Город или село",
    "sector": "Sector / Сфера",
}

HEADER_NAMES = {
    "gender": ("gender", "sex", "пол", "гендер"),
    "age_group": (
        "age",
        "age group",
        "age or age group",
        "возраст",
        "возрастная группа",
        "возраст (лет)",
    ),
    "date_of_birth": (
        "date of birth",
        "birth date",
        "birthday",
        "dob",
        "дата рождения",
        "д.р.",
        "д. р.",
    ),
    "setting": (
        "urban or rural",
        "urban/rural",
        "urban / rural",
        "setting",
        "город или село",
        "город/село",
        "город / село",
        "город или сельская местность",
        "местность",
        "тип населённого пункта",
        "тип населенного пункта",
    ),
    "sector": (
        "sector",
        "profession",
        "profession/sector",
        "occupation",
        "field of work",
        "сфера",
        "сфера деятельности",
        "профессия",
        "род деятельности",
        "отрасль",
    ),
}

# What the export writes: English words the import reads back.
EXPORT_WORDS = {
    Gender.WOMAN: "woman",
    Gender.MAN: "man",
    Gender.SELF_DESCRIBED: "self-described",
    Gender.NOT_SAID: "prefer not to say",
    AgeGroup.UNDER_25: "under 25",
    AgeGroup.FROM_25_TO_29: "25-29",
    AgeGroup.FROM_30_TO_39: "30-39",
    AgeGroup.FROM_40_TO_49: "40-49",
    AgeGroup.FROM_50: "50+",
    Setting.URBAN: "urban",
    Setting.RURAL: "rural",
    Sector.CIVIL_SOCIETY: "civil society",
    Sector.MEDIA: "media",
    Sector.EDUCATION: "education",
    Sector.LAW: "law",
    Sector.GOVERNMENT: "government",
    Sector.BUSINESS: "business",
    Sector.OTHER: "other",
}

GENDER_WORDS = {
    Gender.WOMAN: (
        "woman",
        "women",
        "female",
        "f",
        "w",
        "ж",
        "ж.",
        "жен",
        "жен.",
        "женщина",
        "женский",
    ),
    Gender.MAN: ("man", "men", "male", "m", "м", "м.", "муж", "муж.", "мужчина", "мужской"),
    Gender.NOT_SAID: (
        "prefer not to say",
        "not said",
        "not stated",
        "не указано",
        "не указан",
        "не хочу указывать",
        "предпочитаю не указывать",
        "не скажу",
    ),
    Gender.SELF_DESCRIBED: (
        "self-described",
        "self described",
        "other",
        "другое",
        "иное",
        "самоописание",
        "свой вариант",
    ),
}
GROUP_WORDS = {
    AgeGroup.UNDER_25: ("under 25", "<25", "до 25", "младше 25", "моложе 25", "under_25"),
    AgeGroup.FROM_25_TO_29: ("25-29", "25 to 29", "от 25 до 29", "25_29"),
    AgeGroup.FROM_30_TO_39: ("30-39", "30 to 39", "от 30 до 39", "30_39"),
    AgeGroup.FROM_40_TO_49: ("40-49", "40 to 49", "от 40 до 49", "40_49"),
    AgeGroup.FROM_50: (
        "50+",
        "50 or older",
        "50 and older",
        "over 50",
        "50 и старше",
        "от 50",
        "50_plus",
    ),
}
SETTING_WORDS = {
    Setting.URBAN: ("urban", "city", "town", "город", "городская", "городской", "г."),
    Setting.RURAL: (
        "rural",
        "village",
        "countryside",
        "село",
        "сельская",
        "сельский",
        "деревня",
        "с.",
        "аул",
        "кишлак",
        "айыл",
    ),
}
SECTOR_WORDS = {
    Sector.CIVIL_SOCIETY: (
        "civil society",
        "civil society, ngo",
        "ngo",
        "нко",
        "нпо",
        "ngo/civil society",
        "гражданское общество",
        "общественная организация",
        "civil_society",
    ),
    Sector.MEDIA: (
        "media",
        "media, journalism",
        "journalism",
        "journalist",
        "сми",
        "медиа",
        "журналистика",
        "журналист",
        "журналистка",
    ),
    Sector.EDUCATION: (
        "education",
        "education, research",
        "research",
        "academia",
        "образование",
        "наука",
        "учитель",
        "преподаватель",
        "преподавательница",
    ),
    Sector.LAW: (
        "law",
        "law, human rights defence",
        "lawyer",
        "human rights",
        "право",
        "юрист",
        "адвокат",
        "правозащита",
        "правозащитник",
        "правозащитница",
    ),
    Sector.GOVERNMENT: (
        "government",
        "government, public service",
        "public service",
        "госслужба",
        "государственная служба",
        "госсектор",
        "госорган",
    ),
    Sector.BUSINESS: ("business", "private sector", "бизнес", "частный сектор"),
    Sector.OTHER: ("other", "другое", "иное"),
}


def _lookup(words: dict) -> dict[str, str]:
    return {word.casefold(): code.value for code, spellings in words.items() for word in spellings}


_GENDER = _lookup(GENDER_WORDS)
_GROUP = _lookup(GROUP_WORDS)
_SETTING = _lookup(SETTING_WORDS)
_SECTOR = _lookup(SECTOR_WORDS)
# "self-described: non-binary", "другое (небинарная)"
_SELF_DESCRIBED = re.compile(r"^(?P<word>[^:(]+?)\s*(?::\s*(?P<a>.*)|\((?P<b>.*)\))$")
_DASHES = re.compile(r"\s*[–—-]\s*")
MIN_AGE, MAX_AGE = 10, 120


def _key(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split()).casefold()


# Reading one value --------------------------------------------------------------------------


def gender_value(text: str) -> tuple[str, str] | None:
    """(stored gender, self-description) of a cell: "ж", "female", "жен." -> ("woman", "");
    "self-described: non-binary" -> ("self_described", "non-binary"); None when unknown."""
    key = _key(text)
    if key in _GENDER:
        return _GENDER[key], ""
    match = _SELF_DESCRIBED.match(" ".join(text.split()))
    if match and _GENDER.get(_key(match["word"])) == Gender.SELF_DESCRIBED:
        own = (match["a"] if match["a"] is not None else match["b"] or "").strip()
        return Gender.SELF_DESCRIBED.value, own
    return None


def age_group_value(text: str) -> str | None:
    """The stored age group of an age ("27", "27 лет") or a group ("25-29", "до 25",
    "50+"); None when neither."""
    key = _DASHES.sub("-", _key(text))
    if key in _GROUP:
        return _GROUP[key]
    number = re.fullmatch(r"(\d{1,3})(?:[.,]0)?(?:\s*(?:лет|года|год|years?|y\.?o\.?))?", key)
    if number and MIN_AGE <= int(number[1]) <= MAX_AGE:
        return age_group_for_age(int(number[1])).value
    return None


def setting_value(text: str) -> str | None:
    return _SETTING.get(_key(text))


def sector_value(text: str) -> str | None:
    return _SECTOR.get(_key(text))


# Checking a row -----------------------------------------------------------------------------


def check_cells(values: dict[str, str], institute, cleaned: dict, errors: list, warnings: list):
    """Read the profile cells of a row into ``cleaned``; an unknown value is an error of the
    row, with the value and what to write instead (never dropped)."""
    text = values.get("gender", "")
    cleaned["gender"], cleaned["gender_text"] = None, ""
    if text:
        found = gender_value(text)
        if found is None:
            errors.append(
                _l(
                    "Unknown gender “%(value)s”: write woman, man, prefer not to say, or "
                    "“self-described: …” with the person's own words.",
                    value=text[:80],
                )
            )
        else:
            cleaned["gender"], own = found
            cleaned["gender_text"] = own[:60]
            if len(own) > 60:
                errors.append(_l("The self-described gender is longer than 60 characters."))

    text = values.get("age_group", "")
    cleaned["age_group"] = age_group_value(text) if text else None
    if text and cleaned["age_group"] is None:
        errors.append(
            _l(
                "Unknown age “%(value)s”: write an age in years (from %(min)d to %(max)d) or a "
                "group: under 25, 25-29, 30-39, 40-49, 50+.",
                value=text[:80],
                min=MIN_AGE,
                max=MAX_AGE,
            )
        )

    text = values.get("date_of_birth", "")
    cleaned["date_of_birth"] = None
    if text:
        birth = _birth_date(text, institute, errors)
        if birth is not None:
            cleaned["date_of_birth"] = birth.isoformat()
            derived = age_group_for_age(_age_at_start(birth, institute)).value
            if cleaned["age_group"] and cleaned["age_group"] != derived:
                warnings.append(
                    _l("The age does not match the date of birth; the date of birth is used.")
                )

    for name, read, message in (
        ("setting", setting_value, _l("Unknown value “%(value)s”: write urban or rural.")),
        (
            "sector",
            sector_value,
            _l(
                "Unknown sector “%(value)s”: write civil society, media, education, law, "
                "government, business or other."
            ),
        ),
    ):
        text = values.get(name, "")
        cleaned[name] = read(text) if text else None
        if text and cleaned[name] is None:
            errors.append(str(message) % {"value": text[:80]})


def _age_at_start(birth: date, institute) -> int:
    from planner.reports.profiles import age_on

    return age_on(birth, institute.start_date)


def _birth_date(text: str, institute, errors: list) -> date | None:
    try:
        birth = normalize.parse_date(text)
    except normalize.ImpossibleDateError:
        errors.append(_l("“%(value)s” is not a real date.", value=text[:80]))
        return None
    except normalize.DateFormatError:
        errors.append(
            _l(
                "Write the date “%(value)s” as 2027-04-12, 12.04.2027 or 12/04/2027.",
                value=text[:80],
            )
        )
        return None
    if not MIN_AGE <= _age_at_start(birth, institute) <= MAX_AGE:
        errors.append(_l("The date of birth “%(value)s” is not a participant's.", value=text[:80]))
        return None
    return birth


# Comparing with what is stored, saving ------------------------------------------------------


def profiles_of(invitee_ids: list[int]) -> dict[int, ReportingProfile]:
    from planner.reports.profiles import profiles_by_invitee

    return profiles_by_invitee(invitee_ids)


def stored_value(invitee, profile: ReportingProfile | None, name: str):
    """What the list holds for a profile field (the age group as the report counts it)."""
    if name == "age_group":
        group = age_group_of(invitee, profile)
        return group.value if group else None
    if profile is None:
        return "" if name == "gender_text" else None
    return getattr(profile, name)


def changes(cleaned: dict, filled: set[str], invitee, profile, warnings: list) -> list:
    """(field, old, new) for each profile field the row changes; a cell left empty keeps
    what is stored, and an age group never overrides a stored date of birth."""
    found = []
    if "gender" in filled:
        old, new = stored_value(invitee, profile, "gender"), cleaned["gender"]
        if new != old:
            found.append(("gender", old, new))
        old = stored_value(invitee, profile, "gender_text")
        new = cleaned["gender_text"] if new == Gender.SELF_DESCRIBED else ""
        # "self-described" without words keeps the words stored.
        if new != old and not (not new and cleaned["gender"] == Gender.SELF_DESCRIBED):
            found.append(("gender_text", old, new))
    if "age_group" in filled and "date_of_birth" not in filled:
        old, new = stored_value(invitee, profile, "age_group"), cleaned["age_group"]
        if new != old:
            if invitee.birth_date is not None:
                warnings.append(
                    _l(
                        "A date of birth is stored for this person; the age group follows "
                        "from it and the sheet's age is not used."
                    )
                )
            else:
                found.append(("age_group", old, new))
    for name in ("setting", "sector"):
        if name in filled and cleaned[name] != stored_value(invitee, profile, name):
            found.append((name, stored_value(invitee, profile, name), cleaned[name]))
    return found


def save(invitee, cleaned: dict, fields: set[str]) -> None:
    """Write the profile fields in ``fields`` (only those the sheet gave) for ``invitee``,
    which has an id. An age group is not stored beside a date of birth (it would be ignored)."""
    fields = set(fields) & set(PROFILE_FIELDS)
    if not fields:
        return
    profile = db.session.get(ReportingProfile, invitee.id)
    if profile is None:
        profile = ReportingProfile(invitee_id=invitee.id, gender_text="")
        db.session.add(profile)
    for name in fields:
        setattr(profile, name, cleaned[name])
    if profile.gender != Gender.SELF_DESCRIBED:
        profile.gender_text = ""
    if invitee.date_of_birth:
        profile.age_group = None


def filled_fields(filled: set[str]) -> set[str]:
    """The profile fields a new person's row gives."""
    fields = {name for name in ("gender", "age_group", "setting", "sector") if name in filled}
    if "gender" in fields:
        fields.add("gender_text")
    if "date_of_birth" in filled:
        fields.discard("age_group")
    return fields


# The export ---------------------------------------------------------------------------------


EXPORT_HEADERS = ("Gender", "Age group", "Urban or rural", "Sector")


def export_cells(invitee, profile: ReportingProfile | None) -> list[str]:
    """The profile as the export writes it: words the import reads back (the age group,
    derived from a stored date of birth, never the date itself)."""
    if profile is None and invitee.birth_date is None:
        return ["", "", "", ""]
    gender = ""
    if profile is not None and profile.gender in EXPORT_WORDS:
        gender = EXPORT_WORDS[profile.gender]
        if profile.gender == Gender.SELF_DESCRIBED and profile.gender_text:
            gender = f"{gender}: {profile.gender_text}"
    group = age_group_of(invitee, profile)
    return [
        gender,
        EXPORT_WORDS[group] if group else "",
        EXPORT_WORDS.get(profile.setting, "") if profile else "",
        EXPORT_WORDS.get(profile.sector, "") if profile else "",
    ]
