"""The reporting profile in the spreadsheet: Russian and English headers and values, an age
as a number or a group, unknown values reported per row, re-imports, the export's round trip."""

import csv
import io

import openpyxl
import pytest

from planner.extensions import db
from planner.invitations import importing, profile_columns
from planner.reports.models import ReportingProfile
from planner.reports.profiles import profile_of
from tests import factories
from tests.invitations.test_import import by_email, confirm, upload


def sheet(header: list[str], *rows: list[str], delimiter: str = ";") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


RU = ["ФИО", "Эл. почта", "Пол", "Возраст", "Город/село", "Сфера"]
EN = ["Full name", "E-mail", "Gender", "Age", "Urban or rural", "Profession"]


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["ж", "27", "село", "НКО"], ("woman", "", "25_29", "rural", "civil_society")),
        (["жен.", "до 25", "город", "СМИ"], ("woman", "", "under_25", "urban", "media")),
        (["Female", "25–29", "Urban", "Journalism"], ("woman", "", "25_29", "urban", "media")),
        (["м", "50+", "Сельская", "юрист"], ("man", "", "50_plus", "rural", "law")),
        (["male", "41 лет", "city", "education"], ("man", "", "40_49", "urban", "education")),
        (
            ["другое: небинарная персона", "30-39", "", ""],
            ("self_described", "небинарная персона", "30_39", None, None),
        ),
        (["prefer not to say", "", "", "other"], ("not_said", "", None, None, "other")),
    ],
)
def test_russian_and_english_values_become_the_stored_codes(institute, cells, expected):
    for header in (RU, EN):
        preview = importing.preview(institute, sheet(header, ["Айгерим", "a@example.org", *cells]))
        (row,) = preview.rows
        assert row.errors == []
        got = tuple(row.cleaned[n] for n in profile_columns.PROFILE_FIELDS)
        assert got == expected


def test_unknown_values_are_errors_of_their_row_with_the_value_and_what_to_write(institute):
    raw = sheet(
        RU,
        ["Айгерим", "a@example.org", "ж", "27", "город", "НКО"],
        ["Бакыт", "b@example.org", "кто-то", "сто", "пригород", "космос"],
        ["Гульнара", "g@example.org", "", "7", "", ""],
    )

    preview = importing.preview(institute, raw)

    good, bad, young = preview.rows
    assert good.errors == []
    assert bad.number == 3 and len(bad.errors) == 4
    text = " ".join(str(e) for e in bad.errors)
    for value in ("кто-то", "сто", "пригород", "космос"):
        assert f"“{value}”" in text
    assert "self-described" in text and "urban or rural" in text and "50+" in text
    assert young.number == 4 and "“7”" in str(young.errors[0])
    assert [r.number for r in preview.bad_rows] == [3, 4]


def test_date_of_birth_is_read_and_an_age_that_disagrees_is_a_warning(institute):
    header = ["ФИО", "Эл. почта", "Дата рождения", "Возраст"]
    raw = sheet(
        header,
        ["Айгерим", "a@example.org", "12.04.1990", "25"],
        ["Бакыт", "b@example.org", "31.02.1990", ""],
        ["Гульнара", "g@example.org", "12.04.2024", ""],
    )

    preview = importing.preview(institute, raw)

    first, impossible, child = preview.rows
    assert first.errors == [] and first.cleaned["date_of_birth"] == "1990-04-12"
    assert "date of birth is used" in str(first.warnings[0])
    assert "“31.02.1990” is not a real date." in [str(e) for e in impossible.errors]
    assert child.errors  # a baby is no participant: a typo, shown to the organizer


def test_confirm_saves_the_profile_and_the_date_of_birth(owner_client, institute):
    raw = sheet(
        ["ФИО", "Эл. почта", "Пол", "Возраст", "Город/село", "Сфера", "Дата рождения"],
        ["Айгерим", "a@example.org", "другое (небинарная)", "33", "село", "СМИ", ""],
        ["Бакыт", "b@example.org", "", "", "", "", "1990-04-12"],
        ["Гульнара", "g@example.org", "", "", "", "", ""],
    )
    upload(owner_client, institute, raw)
    assert confirm(owner_client, institute).status_code == 302

    aigerim = profile_of(by_email("a@example.org"))
    assert (aigerim.gender, aigerim.gender_text) == ("self_described", "небинарная")
    assert (aigerim.age_group, aigerim.setting, aigerim.sector) == ("30_39", "rural", "media")
    assert by_email("b@example.org").birth_date.isoformat() == "1990-04-12"
    assert profile_of(by_email("b@example.org")) is None  # nothing else was given
    assert profile_of(by_email("g@example.org")) is None


def test_a_reimport_changes_only_what_the_sheet_gives_and_shows_it(owner_client, institute):
    person = factories.make_invitee(institute, email="a@example.org")
    db.session.add(
        ReportingProfile(
            invitee_id=person.id, gender="woman", age_group="25_29", setting="urban", sector="law"
        )
    )
    db.session.commit()
    raw = sheet(RU, [person.full_name, "a@example.org", "Ж", "", "село", ""])

    preview = importing.preview(institute, raw)

    (row,) = preview.rows
    assert [(c.field, c.old, c.new) for c in row.changes] == [("setting", "urban", "rural")]
    page = upload(owner_client, institute, raw).get_data(as_text=True)
    assert "Urban or rural" in page and "Rural" in page
    confirm(owner_client, institute)
    db.session.expire_all()
    profile = profile_of(person)
    assert (profile.gender, profile.age_group, profile.setting, profile.sector) == (
        "woman",
        "25_29",
        "rural",
        "law",
    )


def test_an_age_never_overrides_a_stored_date_of_birth(institute):
    person = factories.make_invitee(institute, email="a@example.org", date_of_birth="1990-04-12")
    db.session.commit()

    preview = importing.preview(institute, sheet(RU, [person.full_name, "a@example.org", "", "22"]))

    (row,) = preview.rows
    assert row.changes == [] and row.outcome == "unchanged"
    assert "sheet's age is not used" in str(row.warnings[0])


def test_a_row_with_an_unknown_value_can_be_corrected_in_the_preview(owner_client, institute):
    upload(owner_client, institute, sheet(RU, ["Бакыт", "b@example.org", "?", "", "", ""]))
    page = owner_client.get(f"/institutes/{institute.slug}/invitees/import/preview")
    assert 'id="fix-2-gender"' in page.get_data(as_text=True)

    owner_client.post(
        f"/institutes/{institute.slug}/invitees/import/correct",
        data={
            "row": 2,
            "action": "correct",
            "full_name": "Бакыт",
            "email": "b@example.org",
            "gender": "муж.",
        },
        follow_redirects=True,
    )
    confirm(owner_client, institute)

    assert profile_of(by_email("b@example.org")).gender == "man"


def test_an_xlsx_with_numbers_as_ages_imports(institute):
    workbook = openpyxl.Workbook()
    workbook.active.append(EN)
    workbook.active.append(["Айгерим", "a@example.org", "F", 24, "rural", "NGO"])
    out = io.BytesIO()
    workbook.save(out)

    (row,) = importing.preview(institute, out.getvalue()).rows

    assert row.errors == [] and row.cleaned["age_group"] == "under_25"


def test_the_export_writes_the_profile_and_imports_back_unchanged(owner_client, institute):
    people = [
        factories.make_invitee(institute, email="a@example.org", passport_name=""),
        factories.make_invitee(
            institute, email="b@example.org", passport_name="", date_of_birth="1996-04-12"
        ),
        factories.make_invitee(institute, email="c@example.org", passport_name=""),
    ]
    db.session.add_all(
        [
            ReportingProfile(
                invitee_id=people[0].id,
                gender="self_described",
                gender_text="небинарная; “она”",
                age_group="50_plus",
                setting="rural",
                sector="civil_society",
            ),
            ReportingProfile(invitee_id=people[1].id, gender="not_said", sector="other"),
        ]
    )
    db.session.commit()

    raw = owner_client.get(f"/institutes/{institute.slug}/invitees/export.csv").get_data()

    text = raw.decode("utf-8-sig")
    assert "1996" not in text  # the age group, never the date of birth
    header, *rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert header[-4:] == list(profile_columns.EXPORT_HEADERS)
    assert rows[0][-4:] == ["self-described: небинарная; “она”", "50+", "rural", "civil society"]
    assert rows[1][-4:] == ["prefer not to say", "30-39", "", "other"]
    assert rows[2][-4:] == ["", "", "", ""]
    again = importing.preview(institute, raw)
    assert [r.outcome for r in again.rows] == ["unchanged"] * 3
    assert all(not r.warnings for r in again.rows)
    other = factories.make_institute(owner=institute.memberships[0].organizer)
    fresh = importing.preview(other, raw)
    assert not fresh.bad_rows
    assert fresh.rows[0].cleaned["gender_text"] == "небинарная; “она”"
