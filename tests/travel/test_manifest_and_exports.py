"""Arrival and departure manifests, CSV exports: order, contents, headers, audit, no injection."""

import csv
import io
from datetime import date

from sqlalchemy import select

from planner.extensions import db
from planner.invitations.models import RsvpStatus
from planner.security.models import AuditEvent
from planner.travel import risks
from planner.travel.manifests import build_manifest
from planner.travel.models import Direction, VisaStatus
from tests import factories, formats
from tests.travel.factories import make_case, make_hotel, make_leg, make_room


def guest(institute, name, **fields):
    return factories.make_invitee(
        institute, full_name=name, rsvp_status=RsvpStatus.CONFIRMED, **fields
    )


def read_csv(response):
    body = response.data
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM so Excel reads Cyrillic
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_arrivals_are_ordered_by_day_and_time_in_the_institute_zone(institute):
    # 23:30 in Dushanbe on the 10th is 23:30 in Almaty: both UTC+5.
    late = guest(institute, "Зарина")
    make_leg(late, "2027-04-10T21:00", "2027-04-10T23:30", departs_tz="Asia/Dushanbe")
    # 01:10 in Bishkek (UTC+6) on the 11th is 00:10 in Almaty: after Зарина.
    night = guest(institute, "Бегимай")
    make_leg(night, "2027-04-10T20:00", "2027-04-11T01:10", departs_tz="Asia/Bishkek",
             arrives_tz="Asia/Bishkek", to_place="Bishkek")  # fmt: skip
    morning = guest(institute, "Айгуль")
    make_leg(morning, "2027-04-11T06:00", "2027-04-11T07:30")
    same_time = guest(institute, "Алия")
    make_leg(same_time, "2027-04-11T06:00", "2027-04-11T07:30")
    factories.make_invitee(institute, rsvp_status=RsvpStatus.DECLINED)

    days = build_manifest(risks.load_travel_data(institute), "arrival").days

    assert [(d.day.isoformat(), [r.name for r in d.rows]) for d in days] == [
        ("2027-04-10", ["Зарина"]),
        ("2027-04-11", ["Бегимай", "Айгуль", "Алия"]),
    ]
    assert days[1].rows[0].cells["time"] == "00:10"


def test_the_manifest_shows_the_final_arrival_and_where_the_journey_began(institute):
    person = guest(institute, "Rania Haddad")
    make_leg(person, "2027-04-10T23:55", "2027-04-11T02:15", departs_tz="Asia/Amman",
             arrives_tz="Europe/Istanbul", from_place="Amman (AMM)",
             to_place="Istanbul (IST)")  # fmt: skip
    make_leg(person, "2027-04-11T08:05", "2027-04-11T15:45", departs_tz="Europe/Istanbul",
             from_place="Istanbul (IST)", to_place="Shymkent (CIT)",
             number="TK 9350", needs_pickup=True)  # fmt: skip

    [day] = build_manifest(risks.load_travel_data(institute), "arrival").days
    [row] = day.rows

    assert day.day.isoformat() == "2027-04-11"
    assert (row.cells["far_end"], row.cells["venue_end"], row.leg.number) == (
        "Amman (AMM)",
        "Shymkent (CIT)",
        "TK 9350",
    )
    assert row.cells["via"] == "via Istanbul (TK 9350)"
    assert row.cells["time"] == "15:45"


def test_departures_list_the_first_departure(institute):
    early, late = guest(institute, "Early"), guest(institute, "Late")
    make_leg(late, "2027-04-16T09:00", "2027-04-16T10:00", direction=Direction.DEPARTURE)
    make_leg(early, "2027-04-15T20:00", "2027-04-15T21:00", direction=Direction.DEPARTURE)
    make_leg(early, "2027-04-15T23:00", "2027-04-16T03:00", direction=Direction.DEPARTURE,
             from_place="Almaty (ALA)")  # fmt: skip

    days = build_manifest(risks.load_travel_data(institute), "departure").days

    assert [[r.name for r in d.rows] for d in days] == [["Early"], ["Late"]]
    assert days[0].rows[0].cells["time"] == "20:00"
    assert days[0].rows[0].cells["far_end"] == "Shymkent (CIT)"  # where the journey ends
    assert days[0].rows[0].cells["via"] == "via Almaty (KC 953)"


def test_arrivals_page_and_csv(client, login, organizer, institute, db):
    person = guest(institute, "Зарина Саидова", phone="+992 900 000 001")
    make_leg(person, "2027-04-11T07:20", "2027-04-11T08:55", departs_tz="Asia/Dushanbe",
             from_place="Dushanbe (DYU)", to_place="Shymkent (CIT)", carrier="Somon Air",
             number="SZ 201", needs_pickup=True)  # fmt: skip
    login(organizer)

    page = client.get(f"/institutes/{institute.slug}/travel/arrivals")
    response = client.get(f"/institutes/{institute.slug}/travel/arrivals.csv")

    html = page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    assert (
        formats.day(date(2027, 4, 11), "full") in html
        and "08:55" in html
        and "+992 900 000 001" in html
    )
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = read_csv(response)
    assert rows[0][:3] == ["Date", "Time", "Name"]
    assert rows[1] == [
        "2027-04-11",
        "08:55",
        "Зарина Саидова",
        "+992 900 000 001",  # a phone number is no formula: no guard (B10)
        "Dushanbe (DYU)",
        "",
        "Somon Air SZ 201",
        "Shymkent (CIT)",
        "",
        "asked for, not arranged yet",
        "",
    ]
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "travel.arrival_manifest_exported")
    )


def test_status_export_has_status_fields_but_no_passport_data(client, login, organizer, institute):
    person = guest(institute, "=HYPERLINK(\"http://evil.example\")", nationality="JO",
                   passport_number="N7300000", passport_expiry=None)  # fmt: skip
    make_case(person, VisaStatus.APPLIED)
    make_leg(person, "2027-04-11T07:00", "2027-04-11T09:00", needs_pickup=True)
    make_room(person, make_hotel(institute, name="Samal"))
    login(organizer)

    response = client.get(f"/institutes/{institute.slug}/travel/export.csv")

    rows = read_csv(response)
    header, row = rows[0], rows[1]
    assert "Visa" in header and "Arrives" in header and "Hotel" in header
    record = dict(zip(header, row, strict=True))
    assert record["Name"] == '\'=HYPERLINK("http://evil.example")'
    assert record["Visa"] == "applied"
    assert record["Arrives"] == "2027-04-11 09:00"
    assert (record["Hotel"], record["Room"]) == ("Samal", "201")
    assert "N7300000" not in response.data.decode()
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "travel.status_exported")
    )
    assert event.organizer_id == organizer.id and event.object_id is None


def test_visa_export_has_passport_numbers_for_owners_and_is_audited(
    client, login, organizer, institute
):
    person = guest(institute, "Rania Haddad", passport_name="HADDAD RANIA",
                   passport_number="N7300000", nationality="JO")  # fmt: skip
    make_case(person, VisaStatus.LETTER_REQUESTED)
    guest(institute, "Без визы", passport_number="N7300999")
    login(organizer)

    response = client.get(f"/institutes/{institute.slug}/visas/export.csv")

    rows = read_csv(response)
    assert response.headers["Cache-Control"] == "no-store"
    assert [r[0] for r in rows[1:]] == ["HADDAD RANIA"]
    assert rows[1][3] == "N7300000"
    assert "N7300999" not in response.data.decode()
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "travel.visa_exported"))
