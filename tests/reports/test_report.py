"""The donor report: counts against a hand-computed fixture, small cells, no personal data."""

import csv
import io
from datetime import date

import pytest
from sqlalchemy import select

from planner.attendance.services import commit_mark
from planner.db import utcnow
from planner.extensions import db
from planner.invitations.models import Invitee, RsvpStatus
from planner.reports import building
from planner.reports.models import ReportingProfile, ReturningMatch
from tests import factories
from tests.reports.conftest import pdf_words

DAYS = [date(2027, 4, 12), date(2027, 4, 13), date(2027, 4, 14), date(2027, 4, 15)]


@pytest.fixture
def fixture(institute, organizer):
    """Hand-made: 12 confirmed people in the institute, 6 in an earlier one of the same
    organization.

    p1-p5 took part before (same e-mail), p6's earlier e-mail was a decline (new), p7 is a
    confirmed name match (returning). Countries KZ 6, KG 5, TJ 1. Women p1-p7, men p8-p12.
    p1-p5 born 2000-01-01 (25-29 at the start), p6-p12 unknown age. Urban p1-p10, rural
    p11-p12. p1-p6 present all 4 days, p7-p12 never.
    """
    earlier = factories.make_institute(
        owner=organizer, start_date=date(2026, 5, 10), end_date=date(2026, 5, 13)
    )
    earlier_people = [
        factories.make_invitee(
            earlier,
            full_name=f"Ранее Участница {n}",
            email=f"back{n}@example.org",
            rsvp_status=RsvpStatus.CONFIRMED,
        )
        for n in range(1, 6)
    ]
    factories.make_invitee(earlier, email="back6@example.org", rsvp_status=RsvpStatus.DECLINED)
    namesake = factories.make_invitee(
        earlier,
        full_name="Same Name",
        email="old-address@example.org",
        rsvp_status=RsvpStatus.CONFIRMED,
    )
    people = []
    for n in range(1, 13):
        person = factories.make_invitee(
            institute,
            full_name=f"Секретное Имя{n}",
            passport_name=f"SEKRETNOE IMYA{n}",
            email=f"back{n}@example.org" if n <= 6 else f"person{n}@example.org",
            phone=f"+7 700 555 {n:04d}",
            organization=f"Orgname Qwerty{n}",
            passport_number=f"N99887{n:02d}",
            date_of_birth="2000-01-01" if n <= 5 else None,
            country="KZ" if n <= 6 else ("KG" if n <= 11 else "TJ"),
            rsvp_status=RsvpStatus.CONFIRMED,
        )
        db.session.add(
            ReportingProfile(
                invitee_id=person.id,
                gender="woman" if n <= 7 else "man",
                setting="urban" if n <= 10 else "rural",
            )
        )
        people.append(person)
    # What an organizer's confirmation stores: the decision and the shared person.
    db.session.add(
        ReturningMatch(
            invitee_id=people[6].id,
            earlier_invitee_id=namesake.id,
            by="name",
            confirmed_at=utcnow(),
        )
    )
    people[6].person_id = namesake.person_id
    factories.make_invitee(institute, full_name="Declined Person", rsvp_status=RsvpStatus.DECLINED)
    factories.make_invitee(
        institute,
        full_name="Removed Person",
        rsvp_status=RsvpStatus.CONFIRMED,
        removed_at=utcnow(),
    )
    db.session.commit()
    for person in people[:6]:
        for day in DAYS:
            commit_mark(institute, invitee_id=person.id, day=day)
    return {"earlier": earlier, "people": people, "earlier_people": earlier_people}


def shown(report) -> dict:
    return {b.key: {c.key: c.shown for c in b.cells} for b in report.breakdowns}


def test_counts_match_the_hand_computed_fixture(institute, organizer, fixture):
    report = building.build_report([institute], [institute, fixture["earlier"]])

    assert report.total_shown == "12"
    assert shown(report) == {
        # TJ alone would be hidden, so the next smallest (KG) is hidden with it.
        "country": {"KZ": "6", "KG": "<5", "TJ": "<5"},
        "gender": {"woman": "7", "man": "5"},
        "age_group": {"25_29": "5", "unknown": "7"},
        "setting": {"urban": "<5", "rural": "<5"},
        "sector": {"unknown": "12"},
        "role": {"participant": "12"},
        "returning": {"new": "6", "returning": "6"},
        "days": {"0": "6", "4": "6"},
    }
    setting = next(b for b in report.breakdowns if b.key == "setting")
    assert {c.key: c.count for c in setting.cells} == {"urban": 10, "rural": 2}


def test_an_unconfirmed_name_match_does_not_count_as_returning(institute, fixture):
    from planner.organizations.models import Person

    match = db.session.scalars(select(ReturningMatch)).one()
    match.confirmed_at = None
    own = Person(organization_id=institute.organization_id)  # not linked to the earlier one
    db.session.add(own)
    db.session.flush()
    fixture["people"][6].person_id = own.id
    db.session.commit()
    report = building.build_report([institute], [institute, fixture["earlier"]])
    assert shown(report)["returning"] == {"new": "7", "returning": "5"}


@pytest.mark.parametrize(
    ("counts", "hidden"),
    [
        ({"a": 10, "b": 9}, set()),
        ({"a": 10, "b": 4}, {"a", "b"}),
        ({"a": 10, "b": 6, "c": 1}, {"b", "c"}),
        ({"a": 10, "b": 1, "c": 2}, {"b", "c"}),
        ({"a": 5, "b": 0}, set()),
        ({"a": 7, "b": 0, "c": 4}, {"a", "c"}),
    ],
)
def test_small_cells_are_suppressed_so_none_can_be_worked_out(counts, hidden):
    result = building.suppress(counts)
    assert {k for k, v in result.items() if v} == hidden


def test_a_report_of_fewer_than_five_people_hides_everything(institute):
    for _n in range(3):
        factories.make_invitee(institute, rsvp_status=RsvpStatus.CONFIRMED)
    report = building.build_report([institute])
    assert report.total_shown == "<5"
    assert {c.shown for b in report.breakdowns for c in b.cells} == {"<5"}


def personal_values() -> set[str]:
    values = set()
    for person in db.session.scalars(select(Invitee)):
        values |= {
            person.full_name,
            person.passport_name,
            person.email,
            person.phone,
            person.organization,
            person.passport_number,
            person.date_of_birth,
        }
    return {v for v in values if v}


def test_no_personal_value_in_the_page_the_pdf_or_the_csv(
    client, login, organizer, institute, fixture
):
    login(organizer)
    base = f"/institutes/{institute.slug}/report"
    html = client.get(f"{base}/")
    pdf = client.get(f"{base}.pdf")
    csv_response = client.get(f"{base}.csv")
    assert html.status_code == pdf.status_code == csv_response.status_code == 200
    assert "<svg" in html.get_data(as_text=True)
    outputs = {
        "html": html.get_data(as_text=True),
        "pdf": pdf_words(pdf.data),
        "csv": csv_response.get_data(as_text=True),
    }
    assert "12" in outputs["pdf"]
    values = personal_values()
    assert len(values) > 50
    leaks = {(kind, v) for kind, text in outputs.items() for v in values if v in text}
    assert leaks == set()


def test_csv_has_the_same_numbers_as_the_page(client, login, organizer, institute, fixture):
    login(organizer)
    response = client.get(f"/institutes/{institute.slug}/report.csv")
    assert "-semicolon.csv" in response.headers["Content-Disposition"]  # the one CSV separator
    text = response.get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[1][2] == "12"
    countries = {row[1]: row[2] for row in rows if row[0] == "Country of residence"}
    assert sorted(countries.values()) == ["6", "<5", "<5"]


def test_range_report_covers_only_the_organizers_institutes_in_range(
    client, login, organizer, institute, fixture
):
    stranger_institute = factories.make_institute(owner=factories.make_organizer())
    for _n in range(6):
        factories.make_invitee(stranger_institute, rsvp_status=RsvpStatus.CONFIRMED)
    both = building.institutes_in_range(organizer, date(2026, 1, 1), date(2027, 12, 31))
    only_2026 = building.institutes_in_range(organizer, date(2026, 1, 1), date(2026, 12, 31))
    assert [i.id for i in both] == [fixture["earlier"].id, institute.id]
    assert [i.id for i in only_2026] == [fixture["earlier"].id]

    login(organizer)
    page = client.get("/reports/", query_string={"start": "2026-01-01", "end": "2027-12-31"})
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and stranger_institute.title not in body
    report = building.build_report(both)
    assert report.total == 18  # 12 + 6 participations
    assert client.get("/reports/report.csv?start=2026-01-01").status_code == 200
    assert client.get("/reports/report.pdf?start=2026-01-01").status_code == 200


def test_an_inverted_range_is_a_clear_error(client, login, organizer, institute):
    login(organizer)
    response = client.get("/reports/", query_string={"start": "2027-01-01", "end": "2026-01-01"})
    assert response.status_code == 400
    assert "must not be before" in response.get_data(as_text=True)
    assert client.get("/reports/", query_string={"start": "garbage"}).status_code == 400
