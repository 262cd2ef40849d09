"""CSV export of the invitee list: filtered, audited, no formulas, and it imports back."""

import csv
import io

from planner.invitations import importing
from planner.invitations.models import RsvpStatus
from tests import factories
from tests.invitations.conftest import audit_actions


def rows_of(response) -> list[list[str]]:
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_export_is_csv_of_the_filtered_list_without_passport_data(owner_client, institute):
    factories.make_invitee(
        institute, full_name="Тимур Абенов", country="KZ", passport_number="N7300137"
    )
    factories.make_invitee(institute, full_name="Бермет Исаева", country="KG")

    response = owner_client.get(
        f"/institutes/{institute.slug}/invitees/export.csv", query_string={"country": "KZ"}
    )

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    header, *rows = rows_of(response)
    assert header[:3] == ["Full name", "Name in passport", "E-mail"]
    assert [row[0] for row in rows] == ["Тимур Абенов"]
    assert "N7300137" not in response.get_data().decode()
    assert "invitees.exported" in audit_actions()


def test_cells_that_a_spreadsheet_would_run_are_escaped(owner_client, institute):
    factories.make_invitee(
        institute,
        full_name='=HYPERLINK("http://x.example/","click")',
        phone="+7 701 000 0000",
        organization="@SUM(A1)",
        dietary_needs="-2+3",
    )

    (row,) = rows_of(owner_client.get(f"/institutes/{institute.slug}/invitees/export.csv"))[1:]

    assert row[0] == '\'=HYPERLINK("http://x.example/","click")'
    assert row[3] == "+7 701 000 0000"  # a phone number cannot run: no guard (B10)
    assert row[4] == "'@SUM(A1)"
    assert row[11] == "'-2+3"


def test_an_export_imports_back_into_another_institute(owner_client, organizer, institute):
    factories.make_invitee(
        institute,
        full_name="Ләззат Нұрланқызы",
        passport_name="NURLANKYZY LAZZAT",
        language="kk",
        rsvp_status=RsvpStatus.CONFIRMED,
    )
    raw = owner_client.get(f"/institutes/{institute.slug}/invitees/export.csv").get_data()
    other = factories.make_institute(owner=organizer)

    preview = importing.preview(other, raw)

    assert not preview.bad_rows
    (row,) = preview.valid_rows
    assert (row.cleaned["full_name"], row.cleaned["language"]) == ("Ләззат Нұрланқызы", "kk")
    assert "Status" in preview.ignored_columns


def test_the_preview_button_of_the_list_shows_the_message_and_changes_nothing(
    owner_client, institute
):
    from sqlalchemy import func, select

    from planner.extensions import db
    from planner.invitations.models import AccessLink
    from tests.invitations.conftest import outbox

    invitee = factories.make_invitee(institute, rsvp_status=RsvpStatus.DRAFT, language="en")

    response = owner_client.post(
        f"/institutes/{institute.slug}/invitees/send",
        data={"invitee": [invitee.id], "action": "preview"},
    )

    assert response.status_code == 200
    assert f"Dear {invitee.full_name}," in response.get_data(as_text=True)
    assert outbox() == []
    assert db.session.scalar(select(func.count(AccessLink.id))) == 0
