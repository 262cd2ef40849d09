"""Imports that update: re-import a changed sheet (CSV and XLSX), see exactly the changes,
correct or skip rows in the preview, the template, and files that must be refused."""

import csv
import io
import zipfile
from datetime import date

import openpyxl
import pytest
from sqlalchemy import select

from planner.extensions import db
from planner.invitations import importing
from planner.invitations.models import Invitee, InviteeRole, RsvpStatus, StatusChange
from tests import factories
from tests.invitations.test_import import (
    SHARED_CSV,
    by_email,
    confirm,
    invitee_count,
    upload,
)

HEADER = [
    "Full name",
    "Name in passport",
    "E-mail",
    "Phone",
    "Organization",
    "Country",
    "Nationality",
    "Role",
    "Language",
]


@pytest.fixture
def people(institute):
    """Four people already in the list, as an earlier import left them."""
    common = dict(rsvp_status=RsvpStatus.CONFIRMED, role=InviteeRole.PARTICIPANT, language="ru")
    return {
        "zarina": factories.make_invitee(
            institute,
            full_name="Зарина Саидова",
            passport_name="SAIDOVA ZARINA",
            email="zarina@example.org",
            phone="+992 90 111 2233",
            organization="Центр гражданских инициатив",
            country="TJ",
            nationality="TJ",
            passport_number="N1234567",
            **common,
        ),
        "bermet": factories.make_invitee(
            institute,
            full_name="Бермет Исаева",
            passport_name="ISAEVA BERMET",
            email="bermet@example.org",
            phone="+996 555 000 111",
            organization="Youth Forum",
            country="KG",
            nationality="KG",
            **common,
        ),
        "timur": factories.make_invitee(
            institute,
            full_name="Тимур Абенов",
            passport_name="ABENOV TIMUR",
            email="timur@example.org",
            phone="+7 701 014 1683",
            organization="Legal Aid Clinic",
            country="KZ",
            nationality="KZ",
            **common,
        ),
        "dilnoza": factories.make_invitee(
            institute,
            full_name="Дильноза Юсупова",
            passport_name="YUSUPOVA DILNOZA",
            email="dilnoza@example.org",
            country="UZ",
            nationality="UZ",
            **common,
        ),
    }


# Zarina: new phone and organization; Bermet: moved to Kazakhstan, now a trainer; Timur: as
# stored (the phone with the guard of an old export); Aziz: new. Dilnoza is not in the sheet.
CHANGED_SHEET = [
    HEADER,
    [
        "Зарина Саидова",
        "SAIDOVA ZARINA",
        "Zarina@Example.org",
        "+992 93 444 5566",
        "Tajik Women's Network",
        "Tajikistan",
        "TJ",
        "participant",
        "ru",
    ],
    [
        "Бермет Исаева",
        "ISAEVA BERMET",
        "bermet@example.org",
        "+996 555 000 111",
        "Youth Forum",
        "Казахстан",
        "KG",
        "тренер",
        "русский",
    ],
    [
        "Тимур Абенов",
        "ABENOV TIMUR",
        "timur@example.org",
        "'+7 701 014 1683",
        "Legal Aid Clinic",
        "KZ",
        "KZ",
        "participant",
        "ru",
    ],
    ["Азиз Каримов", "KARIMOV AZIZ", "aziz@example.org", "", "", "UZ", "UZ", "", "uz"],
]

EXPECTED_CHANGES = {
    2: [
        ("phone", "+992 90 111 2233", "+992 93 444 5566"),
        ("organization", "Центр гражданских инициатив", "Tajik Women's Network"),
    ],
    3: [("country", "KG", "KZ"), ("role", InviteeRole.PARTICIPANT, InviteeRole.TRAINER)],
}


def as_csv(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    return ("\ufeff" + out.getvalue()).encode()


def as_xlsx(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def changes_of(preview) -> dict[int, list[tuple]]:
    return {
        row.number: [(c.field, c.old, c.new) for c in row.changes] for row in preview.changed_rows
    }


@pytest.mark.parametrize(("make", "filename"), [(as_csv, "list.csv"), (as_xlsx, "list.xlsx")])
def test_reimport_of_a_changed_sheet_shows_exactly_the_changed_fields(
    owner_client, institute, people, make, filename
):
    raw = make(CHANGED_SHEET)

    preview = importing.preview(institute, raw)

    assert [(r.number, r.outcome) for r in preview.rows] == [
        (2, "changed"),
        (3, "changed"),
        (4, "unchanged"),
        (5, "new"),
    ]
    assert changes_of(preview) == EXPECTED_CHANGES
    assert [p.email for p in preview.missing] == ["dilnoza@example.org"]

    page = upload(owner_client, institute, raw, filename)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'id="row-2-changes"' in html and 'id="row-3-changes"' in html
    assert "row-4-changes" not in html
    assert "Tajik Women&#39;s Network" in html and "+992 90 111 2233" in html
    assert "dilnoza@example.org" in html  # in the list but not in the file
    assert invitee_count(institute) == 4  # nothing saved yet

    assert confirm(owner_client, institute).status_code == 302

    db.session.expire_all()
    zarina, bermet = by_email("zarina@example.org"), by_email("bermet@example.org")
    assert (zarina.phone, zarina.organization) == ("+992 93 444 5566", "Tajik Women's Network")
    assert zarina.passport_number == "N1234567"  # not in the sheet: kept
    assert zarina.rsvp_status == RsvpStatus.CONFIRMED
    assert (bermet.country, bermet.role, bermet.nationality) == (
        "KZ",
        InviteeRole.TRAINER,
        "KG",
    )
    assert by_email("timur@example.org").phone == "+7 701 014 1683"  # the guard is gone
    assert by_email("aziz@example.org").rsvp_status == RsvpStatus.DRAFT
    assert by_email("dilnoza@example.org").removed_at is None  # never removed
    assert invitee_count(institute) == 5
    history = db.session.execute(
        select(StatusChange.invitee_id, StatusChange.new_status, StatusChange.note).order_by(
            StatusChange.id
        )
    ).all()
    assert sorted(history) == sorted(
        [
            (zarina.id, "import_updated", "Phone, Organization"),
            (bermet.id, "import_updated", "Country, Role"),
            (by_email("aziz@example.org").id, "imported", ""),
        ]
    )


def test_an_empty_cell_or_a_missing_column_never_erases_a_stored_value(institute, people):
    raw = as_csv(
        [
            ["Full name", "E-mail", "Phone"],
            ["Зарина Саидова", "zarina@example.org", ""],  # empty phone cell
        ]
    )

    (row,) = importing.preview(institute, raw).rows

    assert row.outcome == "unchanged"  # not organization, country, ... (no such columns)


def test_the_updated_invitee_page_shows_the_import_in_the_history(owner_client, institute, people):
    upload(owner_client, institute, as_csv(CHANGED_SHEET))
    confirm(owner_client, institute)

    page = owner_client.get(f"/institutes/{institute.slug}/invitees/{people['zarina'].id}")

    assert "updated from a spreadsheet" in page.get_data(as_text=True)


def test_a_colleagues_edit_between_preview_and_confirm_shows_the_preview_again(
    owner_client, institute, people
):
    upload(owner_client, institute, as_csv(CHANGED_SHEET))
    people["zarina"].phone = "+992 00 000 0000"  # meanwhile, by a colleague
    db.session.commit()

    response = confirm(owner_client, institute)

    assert response.status_code == 409
    assert "+992 00 000 0000" in response.get_data(as_text=True)
    db.session.expire_all()
    assert by_email("zarina@example.org").phone == "+992 00 000 0000"


# The export round trip (first-use report B10) ------------------------------------------------


def test_an_export_re_imports_into_a_new_institute_without_damage(
    owner_client, organizer, institute, people
):
    people["bermet"].organization = "=HYPERLINK(1)"  # guarded in the export
    db.session.commit()
    response = owner_client.get(f"/institutes/{institute.slug}/invitees/export.csv")
    assert "semicolon" in response.headers["Content-Disposition"]
    other = factories.make_institute(owner=organizer, title="Round trip 2028")

    assert upload(owner_client, other, response.get_data(), "export.csv").status_code == 200
    confirm(owner_client, other)

    copies = {
        i.email: i
        for i in db.session.scalars(select(Invitee).where(Invitee.institute_id == other.id))
    }
    for person in people.values():
        copy = copies[person.email]
        for name in ("full_name", "passport_name", "phone", "country", "nationality", "role"):
            assert getattr(copy, name) == getattr(person, name), name
    assert copies["timur@example.org"].phone == "+7 701 014 1683"
    assert copies["bermet@example.org"].organization == "=HYPERLINK(1)"


def test_the_separator_of_all_csv_exports_is_one_setting(app, owner_client, institute, people):
    app.config["CSV_SEPARATOR"] = ","
    try:
        invitees = owner_client.get(f"/institutes/{institute.slug}/invitees/export.csv")
        visas = owner_client.get(f"/institutes/{institute.slug}/visas/export.csv")
    finally:
        app.config["CSV_SEPARATOR"] = ";"
    for response in (invitees, visas):
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].endswith('-comma.csv"')
        first_line = response.get_data(as_text=True).splitlines()[0]
        assert "," in first_line and ";" not in first_line
    preview = importing.preview(institute, invitees.get_data())
    assert preview.delimiter == ","


# Corrections and skips in the preview -----------------------------------------------------


def correct(client, institute, row: int, **fields):
    return client.post(
        f"/institutes/{institute.slug}/invitees/import/correct",
        data={"row": row, "action": fields.pop("action", "correct"), **fields},
    )


def test_a_row_with_errors_can_be_corrected_in_the_preview(owner_client, institute):
    upload(owner_client, institute, SHARED_CSV.read_bytes())
    page = owner_client.get(f"/institutes/{institute.slug}/invitees/import/preview")
    assert 'id="fix-14-email"' in page.get_data(as_text=True)
    (row_14,) = [
        r for r in importing.preview(institute, SHARED_CSV.read_bytes()).rows if r.number == 14
    ]
    values = dict(row_14.values)
    values.update(email="fixed14@example.org", passport_expiry="28.02.2027")
    response = correct(owner_client, institute, 14, **values)

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/invitees/import/preview#row-14")
    html = owner_client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="row-14-errors"' not in html
    assert 'id="row-14" data-outcome="new"' in html
    confirm(owner_client, institute)
    fixed = by_email("fixed14@example.org")
    assert fixed.passport_expiry == date(2027, 2, 28)
    assert invitee_count(institute) == 29  # 28 good rows and the corrected one


def test_a_good_row_can_be_skipped_and_taken_back(owner_client, institute, people):
    upload(owner_client, institute, as_csv(CHANGED_SHEET))

    assert correct(owner_client, institute, 2, action="skip").status_code == 302
    page = owner_client.get(f"/institutes/{institute.slug}/invitees/import/preview")
    assert 'id="row-2" data-outcome="skipped"' in page.get_data(as_text=True)
    correct(owner_client, institute, 3, action="skip")
    correct(owner_client, institute, 3, action="include")
    owner_client.get(f"/institutes/{institute.slug}/invitees/import/preview")
    confirm(owner_client, institute)

    db.session.expire_all()
    assert by_email("zarina@example.org").phone == "+992 90 111 2233"  # skipped
    assert by_email("bermet@example.org").country == "KZ"  # taken back


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"row": 2, "action": "correct", "full_name": "A" * 401}, "Field cannot be longer"),
        ({"row": 99, "action": "correct", "full_name": "X"}, "This row is not in the file."),
        ({"row": "two", "action": "correct"}, "Choose a row of the file."),
        ({"row": 2, "action": "delete"}, "Not a valid choice."),
    ],
)
def test_invalid_corrections_are_explained_and_lose_nothing(
    owner_client, institute, people, data, message
):
    upload(owner_client, institute, as_csv(CHANGED_SHEET))

    response = owner_client.post(f"/institutes/{institute.slug}/invitees/import/correct", data=data)

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert confirm(owner_client, institute).status_code == 302  # the upload is still there
    assert invitee_count(institute) == 5


def test_correcting_without_an_upload_asks_for_the_file_again(owner_client, institute):
    response = correct(owner_client, institute, 2, full_name="X")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/invitees/import")
    preview = owner_client.get(f"/institutes/{institute.slug}/invitees/import/preview")
    assert preview.status_code == 302


# The template -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_template_has_every_column_in_english_and_russian(owner_client, institute, kind):
    response = owner_client.get(f"/institutes/{institute.slug}/invitees/import/template.{kind}")

    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    preview = importing.preview(institute, response.get_data())
    assert set(preview.columns) == set(importing.COLUMNS)
    assert "ФИО" in preview.columns["full_name"] and "Full name" in preview.columns["full_name"]
    assert "Пол" in preview.columns["gender"] and "Gender" in preview.columns["gender"]
    assert "Сфера" in preview.columns["sector"] and "Возраст" in preview.columns["age_group"]
    assert preview.rows == []


# Files that must be refused with a message (security report F6, F7) ----------------------


def zipped(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in parts.items():
            archive.writestr(name, body)
    return out.getvalue()


def with_macros() -> bytes:
    source = zipfile.ZipFile(io.BytesIO(as_xlsx([HEADER])))
    parts = {name: source.read(name) for name in source.namelist()}
    parts["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0 macro"
    return zipped(parts)


@pytest.mark.parametrize(
    ("raw", "filename", "message"),
    [
        # F6: a byte order mark followed by bytes that are not that encoding.
        (
            b"\xef\xbb\xbfFull name;E-mail\nBad \xff\xfe name;bad8@example.org\n",
            "a.csv",
            "cannot be read as text",
        ),
        (
            b"\xff\xfe" + "Full name;E-mail\n".encode("utf-16-le") + b"A",
            "a.csv",
            "cannot be read as text",
        ),
        (
            b"\xff\xfe" + "Full name;E-mail\n".encode("utf-16-le") + b"\x00\xd8",
            "a.csv",
            "cannot be read as text",
        ),
        # Neither UTF-8 nor Windows-1251 (0x98 is undefined there).
        (b"Full name;E-mail\n\x98\x98\xff;x@example.org\n", "a.csv", "cannot be read as text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a.csv", "not a CSV text file"),
        (
            b"Full name;E-mail\n" + b'"' + b"A" * 200_000 + b'";a@example.org\n',
            "a.csv",
            "not valid",
        ),
        (with_macros(), "list.xlsx", "contains macros"),
        (as_xlsx([HEADER]), "list.xlsm", "contains macros"),
        (zipped({"xl/huge.xml": b"\x00" * (41 * 1024 * 1024)}), "big.xlsx", "too large"),
        (zipped({"hello.txt": b"hi"}), "list.xlsx", "This workbook cannot be read."),
        (b"PK\x03\x04" + b"\x00" * 64, "list.xlsx", "This workbook cannot be read."),
    ],
    ids=[
        "utf8-bom-invalid",
        "utf16-odd",
        "utf16-surrogate",
        "unknown-encoding",
        "binary",
        "huge-cell",
        "vba-project",
        "xlsm-name",
        "zip-bomb",
        "zip-not-workbook",
        "broken-zip",
    ],
)
def test_bad_files_are_refused_with_a_message_and_save_nothing(
    owner_client, institute, raw, filename, message
):
    response = upload(owner_client, institute, raw, filename)

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert invitee_count(institute) == 0


def test_a_passport_name_longer_than_its_column_is_an_error_not_a_500(owner_client, institute):
    """Security report F7: the preview must not promise what the database refuses."""
    raw = as_csv(
        [
            ["Full name", "E-mail", "Name in passport", "Phone", "Organization"],
            ["Good Row", "goodrow@example.org", "GOOD ROW", "", ""],
            ["Long PP", "longpp@example.org", "A" * 250, "", ""],
            ["Long Phone", "phone@example.org", "", "1" * 51, ""],
            ["Long Org", "org@example.org", "", "", "O" * 301],
            ["Л" * 201, "name@example.org", "", "", ""],
        ]
    )

    preview = importing.preview(institute, raw)

    assert [r.number for r in preview.valid_rows] == [2]
    assert {r.number: [str(e) for e in r.errors] for r in preview.bad_rows} == {
        3: ["“Name in passport” is longer than 200 characters."],
        4: ["“Phone” is longer than 50 characters."],
        5: ["“Organization” is longer than 300 characters."],
        6: ["“Full name” is longer than 200 characters."],
    }
    assert upload(owner_client, institute, raw).status_code == 200
    assert confirm(owner_client, institute).status_code == 302
    assert invitee_count(institute) == 1


def test_workbook_formulas_and_numbers_are_read_as_their_values(institute):
    raw = as_xlsx(
        [
            ["ФИО", "Эл. почта", "Телефон", "Срок действия паспорта"],
            ["=1+2", "formula@example.org", 77010141683, date(2030, 1, 2)],
            ["Анна Ли", "anna@example.org", 77010141683, date(2030, 1, 2)],
            [None, None, None, None],
        ]
    )

    preview = importing.preview(institute, raw)

    # openpyxl saves no computed value: the formula cell reads as empty, never as "=1+2".
    assert [str(e) for e in preview.rows[0].errors] == ["The full name is missing."]
    anna = preview.rows[1]
    assert (anna.cleaned["phone"], anna.cleaned["passport_expiry"]) == (
        "77010141683",
        date(2030, 1, 2),
    )
    assert len(preview.rows) == 2  # the empty row at the end is dropped
    assert preview.is_workbook
