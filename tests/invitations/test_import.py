"""Spreadsheet import: encodings, separators, header names, per-row errors, confirm, storage."""

import io
import os
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from planner.extensions import db
from planner.invitations import importing
from planner.invitations.models import Invitee, InviteeRole, RsvpStatus, StatusChange
from tests import factories
from tests.invitations.conftest import audit_actions

SHARED_CSV = Path("/work/shared/data/invitees-shymkent.csv")
if not SHARED_CSV.exists():  # the shared folder beside the repository, wherever it is checked out
    SHARED_CSV = Path(__file__).resolve().parents[3] / "shared/data/invitees-shymkent.csv"

# Exactly the mistakes the shared file has (data/README.md), by spreadsheet row number.
SHARED_CSV_ERRORS = {
    14: [
        "“not-an-email” is not a valid e-mail address.",
        "“31.02.2027” is not a real date.",
    ],
    21: ["The same e-mail as row 5 (a duplicate)."],
    22: ["The name starts with “=”, like a spreadsheet formula; write the person's name as text."],
    23: ["“madina.akhmetova81 @example.org” is not a valid e-mail address."],
    24: [
        "Unknown country “Narnia”.",
        "Unknown nationality “XX”.",
        "Unknown role “guest of honour”.",
        "“2026-13-01” is not a real date.",
    ],
}


def upload(client, institute, raw: bytes, filename: str = "invitees.csv"):
    return client.post(
        f"/institutes/{institute.slug}/invitees/import",
        data={"file": (io.BytesIO(raw), filename)},
        content_type="multipart/form-data",
    )


def confirm(client, institute):
    return client.post(f"/institutes/{institute.slug}/invitees/import/confirm")


def invitee_count(institute) -> int:
    return db.session.scalar(
        select(func.count(Invitee.id)).where(Invitee.institute_id == institute.id)
    )


def by_email(email: str) -> Invitee:
    return db.session.scalar(select(Invitee).where(Invitee.email == email))


def test_shared_csv_preview_reports_exactly_its_bad_rows(institute):
    preview = importing.preview(institute, SHARED_CSV.read_bytes())

    assert preview.encoding == "UTF-8 (BOM)"
    assert preview.delimiter == ";"
    assert {row.number: [str(e) for e in row.errors] for row in preview.bad_rows} == (
        SHARED_CSV_ERRORS
    )
    assert [row.number for row in preview.empty_rows] == [11]
    assert len(preview.valid_rows) == 34 - 1 - len(SHARED_CSV_ERRORS)


def test_shared_csv_imports_the_rest_correctly_after_confirm(owner_client, institute):
    preview_page = upload(owner_client, institute, SHARED_CSV.read_bytes())
    assert preview_page.status_code == 200
    html = preview_page.get_data(as_text=True)
    for number in SHARED_CSV_ERRORS:
        assert f'id="row-{number}-errors"' in html
    assert invitee_count(institute) == 0  # nothing saved before confirming

    response = confirm(owner_client, institute)

    assert response.status_code == 302
    assert invitee_count(institute) == 28
    zhyldyz = by_email("jyldyz.mamytova55@example.org")
    assert (zhyldyz.full_name, zhyldyz.country, zhyldyz.nationality) == (
        "Жылдыз Мамытова",
        "KG",
        "KG",
    )
    assert zhyldyz.passport_expiry == date(2027, 3, 8)  # 08/03/2027 is day first
    assert zhyldyz.rsvp_status == RsvpStatus.DRAFT
    mehriniso = by_email("mehriniso.saidova88@example.org")  # written in upper case
    assert (mehriniso.language, mehriniso.country) == ("ru", "TJ")  # русский, Tadjikistan
    aigul = by_email("aigul.mamytova53@example.org")
    assert aigul.full_name == "Айгуль Мамытова"  # the trailing space is gone
    assert by_email("dinara.bekova88@example.org").country == "KZ"  # Republic of Kazakhstan
    assert by_email("aigul.asanbekova80@example.org").country == "KG"  # Kyrgyz Republic
    assert by_email("bermet.isaeva67@example.org").nationality == "KG"  # КЫРГЫЗСТАН
    assert by_email("dinara.kassymova17@example.org").passport_expiry == date(2027, 5, 14)
    assert by_email("zarina.saidova19@example.org").passport_expiry == date(2028, 1, 3)
    # An empty language cell takes the institute's first working language.
    assert by_email("bermet.toktogulova77@example.org").language == "ru"
    assert by_email("rania.haddad@example.net").role == InviteeRole.FACILITATOR
    assert by_email("t.abenov@example.net").role == InviteeRole.TRAINER
    assert by_email("formula@example.org") is None
    history = db.session.scalars(select(StatusChange.new_status)).all()
    assert history == ["imported"] * 28
    assert "invitees.imported" in audit_actions()


def test_windows_1251_comma_separated_file_with_russian_headers_imports(institute):
    text = (
        "ФИО,Имя в паспорте,Эл. почта,Организация,Страна,Гражданство,Роль,Язык,"
        "Срок действия паспорта\r\n"
        "Гульнора Каримова,KARIMOVA GULNORA,g.karimova@example.org,"
        '"Центр ""Ишонч"", Ташкент",Узбекистан,Узбекистан,участница,русский,01.09.2030\r\n'
        "Айжан Бекова,BEKOVA AIZHAN,a.bekova@example.org,,Киргизия,KG,Тренер,англ,2031-01-02\r\n"
    )

    preview = importing.preview(institute, text.encode("cp1251"))

    assert (preview.encoding, preview.delimiter) == ("Windows-1251", ",")
    assert not preview.bad_rows
    first, second = (row.cleaned for row in preview.valid_rows)
    assert first["full_name"] == "Гульнора Каримова"
    assert first["organization"] == 'Центр "Ишонч", Ташкент'
    assert (first["country"], first["role"], first["language"]) == (
        "UZ",
        InviteeRole.PARTICIPANT,
        "ru",
    )
    assert (second["country"], second["role"], second["language"]) == (
        "KG",
        InviteeRole.TRAINER,
        "en",
    )
    assert second["passport_expiry"] == date(2031, 1, 2)


def test_utf8_without_bom_and_english_headers(institute):
    raw = b"Full name,E-mail,Country\nAnna Lee,anna@example.org,kz\n"
    preview = importing.preview(institute, raw)
    assert preview.encoding == "UTF-8"
    assert [r.cleaned["country"] for r in preview.valid_rows] == ["KZ"]


def test_row_of_an_existing_invitee_updates_them_instead_of_adding_a_duplicate(institute):
    anna = factories.make_invitee(institute, email="anna@example.org", full_name="Anna Lee")
    raw = b"Full name;E-mail\nAnna Lee;ANNA@example.org\nBob Lee;bob@example.org\n"

    preview = importing.preview(institute, raw)

    assert not preview.bad_rows
    assert [(r.number, r.outcome, r.invitee_id) for r in preview.rows] == [
        (2, "unchanged", anna.id),
        (3, "new", None),
    ]


def test_passport_that_expires_before_the_institute_is_a_warning_not_an_error(institute):
    raw = b"Full name;E-mail;Passport expiry\nAnna Lee;anna@example.org;05/10/2025\n"
    (row,) = importing.preview(institute, raw).rows
    assert row.ok
    assert [str(w) for w in row.warnings] == ["The passport expires before the institute ends."]


def test_date_in_an_unknown_format_is_explained(institute):
    raw = b"Full name;E-mail;Passport expiry\nAnna Lee;anna@example.org;next year\n"
    (row,) = importing.preview(institute, raw).rows
    assert [str(e) for e in row.errors] == [
        "Write the date “next year” as 2027-04-12, 12.04.2027 or 12/04/2027."
    ]


@pytest.mark.parametrize("name", ["=1+2", "+7 cmd", "-2+3", "@SUM(A1)"])
def test_names_that_look_like_formulas_are_refused(institute, name):
    raw = f"Full name;E-mail\n{name};x@example.org\n".encode()
    (row,) = importing.preview(institute, raw).rows
    assert not row.ok


def test_other_cells_are_kept_as_written(institute):
    # A phone starts with "+"; only the export escapes such cells, the data stays true.
    raw = b"Full name;E-mail;Phone;Organization\nAnna Lee;anna@example.org;+7 701 000;=Org\n"
    (row,) = importing.preview(institute, raw).rows
    assert row.ok
    assert (row.cleaned["phone"], row.cleaned["organization"]) == ("+7 701 000", "=Org")


def test_oversized_upload_is_refused_with_a_message(owner_client, institute):
    raw = b"Full name;E-mail\n" + b"Anna Lee;anna@example.org\n" * 90_000
    assert len(raw) > 2 * 1024 * 1024

    response = upload(owner_client, institute, raw)

    assert response.status_code == 400
    assert "The file is larger than 2 MB." in response.get_data(as_text=True)
    assert invitee_count(institute) == 0


@pytest.mark.parametrize(
    ("raw", "filename", "message"),
    [
        (b"Full name;E-mail\nAnna;a@example.org\n", "list.pdf", "Only CSV files (.csv)"),
        (b"PK\x03\x04rest-of-a-zip", "list.csv", "This workbook cannot be read."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old", "list.xls", "old Excel 97-2003 file (.xls)"),
        (b"\x00\x01\x02binary", "list.csv", "This file is not a CSV text file."),
        (b"", "list.csv", "The file is empty."),
        (b"Vorname;Nachname\nAnna;Lee\n", "list.csv", "The first row must name the columns"),
    ],
)
def test_files_that_are_not_invitee_csv_are_refused(
    owner_client, institute, raw, filename, message
):
    response = upload(owner_client, institute, raw, filename)

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert invitee_count(institute) == 0


def test_posting_without_a_file_asks_for_one(owner_client, institute):
    response = owner_client.post(f"/institutes/{institute.slug}/invitees/import", data={})
    assert response.status_code == 400
    assert "Choose a CSV or Excel file." in response.get_data(as_text=True)


def test_the_session_keeps_only_a_short_id_and_digest_even_for_a_long_file(owner_client, institute):
    rows = "".join(f"Person {n};p{n}@example.org\n" for n in range(3000))
    upload(owner_client, institute, f"Full name;E-mail\n{rows}".encode())
    with owner_client.session_transaction() as session:
        stored = session[importing_key()]
    assert len(repr(stored)) < 200


def test_the_upload_waits_server_side_and_is_deleted_after_confirm(app, owner_client, institute):
    upload(owner_client, institute, b"Full name;E-mail\nAnna Lee;anna@example.org\n")
    with owner_client.session_transaction() as session:
        stored = dict(session[importing_key()])
    path = Path(app.config["UPLOAD_DIR"]) / f"import-{stored['id']}.csv"
    assert path.is_file()
    assert str(path) not in repr(stored)  # the session holds an id, never a path

    confirm(owner_client, institute)

    assert not path.exists()
    with owner_client.session_transaction() as session:
        assert importing_key() not in session


def importing_key() -> str:
    from planner.invitations.views import IMPORT_SESSION_KEY

    return IMPORT_SESSION_KEY


def test_a_tampered_upload_id_in_the_session_reads_nothing(owner_client, institute, tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text("Full name;E-mail\nEve;eve@example.org\n")
    with owner_client.session_transaction() as session:
        session[importing_key()] = {
            "id": "../../secret",
            "institute_id": institute.id,
            "rows": "0" * 64,
        }

    response = confirm(owner_client, institute)

    assert response.status_code == 302
    assert "/invitees/import" in response.headers["Location"]
    assert invitee_count(institute) == 0


def test_an_upload_of_another_institute_cannot_be_confirmed_here(app, login, organizer, institute):
    other = factories.make_institute(owner=organizer)
    client = login(organizer)
    upload(client, other, b"Full name;E-mail\nAnna Lee;anna@example.org\n")

    confirm(client, institute)

    assert invitee_count(institute) == 0
    assert invitee_count(other) == 0


def test_uploads_older_than_an_hour_are_purged(app, tmp_path):
    upload_dir = str(tmp_path / "uploads")
    old_id = importing.store_upload(upload_dir, b"old")
    old = Path(upload_dir) / f"import-{old_id}.csv"
    an_hour_ago = time.time() - importing.UPLOAD_TTL_SECONDS - 5
    os.utime(old, (an_hour_ago, an_hour_ago))

    assert importing.load_upload(upload_dir, old_id) is None
    assert not old.exists()
    new_id = importing.store_upload(upload_dir, b"new")
    assert importing.load_upload(upload_dir, new_id) == b"new"


def test_confirm_is_all_or_nothing_and_shows_the_preview_again_if_the_list_changed(
    owner_client, institute
):
    upload(
        owner_client,
        institute,
        b"Full name;E-mail\nAnna Lee;anna@example.org\nBob Lee;bob@example.org\n",
    )
    factories.make_invitee(institute, email="bob@example.org")  # meanwhile, by a colleague

    response = confirm(owner_client, institute)

    assert response.status_code == 409
    assert "The list changed since the preview" in response.get_data(as_text=True)
    assert invitee_count(institute) == 1  # only the colleague's; Anna waits for a new confirm
    assert confirm(owner_client, institute).status_code == 302
    assert invitee_count(institute) == 2


def test_cancel_deletes_the_upload_and_saves_nothing(app, owner_client, institute):
    upload(owner_client, institute, b"Full name;E-mail\nAnna Lee;anna@example.org\n")

    owner_client.post(f"/institutes/{institute.slug}/invitees/import/cancel")

    assert list(Path(app.config["UPLOAD_DIR"]).glob("import-*.csv")) == []
    assert invitee_count(institute) == 0


def test_preview_in_russian_explains_errors_in_russian(owner_client, institute):
    with owner_client.session_transaction() as session:
        session["lang"] = "ru"

    response = upload(owner_client, institute, SHARED_CSV.read_bytes())

    html = response.get_data(as_text=True)
    assert "Неизвестная страна «Narnia»." in html
    assert "Строка 21" in html
