"""Returning participants through the organization's person record: recognised by e-mail
(linked at once) or by name and nationality (confirmed or rejected by an organizer), in the
import preview and on the add page; history on the invitee page; details reused without any
passport data; the donor report counts new and returning by the person link."""

import io
from datetime import date

import pytest
from sqlalchemy import select

from planner.attendance.services import commit_mark
from planner.extensions import db
from planner.invitations.models import Invitee, InviteeRole, RsvpStatus
from planner.organizations.models import Person
from planner.reports import building, returning
from planner.reports.models import ReportingProfile, ReturningMatch
from tests import factories


@pytest.fixture
def before(organizer):
    return factories.make_institute(
        owner=organizer,
        title="Almaty Institute 2026 (fictional)",
        start_date=date(2026, 5, 4),
        end_date=date(2026, 5, 7),
    )


@pytest.fixture
def owner_client(app, login, organizer, institute):
    return login(organizer, on=app.test_client())


def shown(report) -> dict:
    return {b.key: {c.key: c.count for c in b.cells} for b in report.breakdowns}


def test_the_same_email_links_to_the_same_person_at_once(institute, before):
    old = factories.make_invitee(
        before, email="aruzhan@example.org", rsvp_status=RsvpStatus.CONFIRMED
    )
    new = factories.make_invitee(institute, email="Aruzhan@Example.org ".strip().lower())
    assert new.person_id == old.person_id is not None
    assert db.session.get(Person, new.person_id).organization_id == institute.organization_id
    [record] = returning.history_of(new)
    assert (record.by, record.decision, record.took_part) == ("email", "confirmed", True)


def test_history_shows_role_rsvp_days_and_certificate(institute, before, organizer):
    from planner.attendance import certificates
    from planner.attendance.models import CertificateSettings

    old = factories.make_invitee(
        before,
        email="trainer@example.org",
        role=InviteeRole.PARTICIPANT,
        rsvp_status=RsvpStatus.CONFIRMED,
    )
    for day in before.days[:3]:
        commit_mark(before, invitee_id=old.id, day=day)
    db.session.add(CertificateSettings(institute_id=before.id, min_days=3))
    db.session.commit()
    certificates.issue(before, organizer)
    db.session.commit()
    new = factories.make_invitee(institute, email="trainer@example.org", role=InviteeRole.TRAINER)
    [record] = returning.history_of(new)
    assert (record.role, record.rsvp, record.days, record.certificate) == (
        InviteeRole.PARTICIPANT,
        RsvpStatus.CONFIRMED,
        3,
        True,
    )


def test_a_name_and_nationality_match_is_confirmed_or_rejected_by_the_person_link(
    owner_client, institute, before
):
    old = factories.make_invitee(
        before,
        full_name="Гульнара Ёрова",
        nationality="TJ",
        email="g.old@example.org",
        rsvp_status=RsvpStatus.CONFIRMED,
    )
    new = factories.make_invitee(
        institute, full_name="гульнара ерова", nationality="TJ", email="g.new@example.org"
    )
    assert new.person_id != old.person_id
    assert [r.decision for r in returning.history_of(new)] == ["pending"]
    base = f"/institutes/{institute.slug}/invitees/{new.id}/returning/{old.id}"

    assert owner_client.post(f"{base}/confirm").status_code == 302
    db.session.expire_all()
    assert new.person_id == old.person_id
    [record] = returning.history_of(new)
    assert (record.by, record.decision) == ("name", "confirmed")
    new.rsvp_status = RsvpStatus.CONFIRMED
    db.session.commit()
    assert building.returning_ids(institute) == {new.id}

    assert owner_client.post(f"{base}/reject").status_code == 302
    db.session.expire_all()
    assert new.person_id != old.person_id and new.person_id is not None
    assert [r.decision for r in returning.history_of(new)] == ["rejected"]
    assert building.returning_ids(institute) == set()
    match = db.session.scalars(select(ReturningMatch)).one()
    assert match.rejected_at is not None and match.confirmed_at is None


def test_another_nationality_or_a_later_institute_is_no_match(institute, organizer):
    later = factories.make_institute(
        owner=organizer, start_date=date(2028, 1, 1), end_date=date(2028, 1, 2)
    )
    factories.make_invitee(
        later, full_name="Same Person", nationality="KZ", rsvp_status=RsvpStatus.CONFIRMED
    )
    person = factories.make_invitee(institute, full_name="Same Person", nationality="KG")
    assert returning.history_of(person) == []


def test_the_add_page_says_when_someone_took_part_before(owner_client, institute, before):
    factories.make_invitee(
        before, full_name="Нурлан Байтемиров", nationality="KG", rsvp_status=RsvpStatus.CONFIRMED
    )
    response = owner_client.post(
        f"/institutes/{institute.slug}/invitees/new",
        data={
            "full_name": "Нурлан Байтемиров",
            "email": "nurlan.new@example.org",
            "nationality": "KG",
            "country": "KG",
            "role": "participant",
            "language": "ru",
        },
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Is it the same person?" in page
    assert before.title in page and "/confirm" in page and "/reject" in page


def test_the_import_preview_shows_returning_people(owner_client, institute, before):
    factories.make_invitee(
        before, email="back@example.org", full_name="Back Again", rsvp_status=RsvpStatus.CONFIRMED
    )
    factories.make_invitee(
        before,
        email="namesake.old@example.org",
        full_name="Асель Омарова",
        nationality="KZ",
        rsvp_status=RsvpStatus.CONFIRMED,
    )
    factories.make_invitee(  # declined before: not a participant, not shown
        before, email="declined@example.org", rsvp_status=RsvpStatus.DECLINED
    )
    sheet = (
        "Full name;E-mail;Nationality\n"
        "Back Again;back@example.org;KZ\n"
        "Асель Омарова;namesake.new@example.org;Kazakhstan\n"
        "Someone New;fresh@example.org;KZ\n"
        "Said No;declined@example.org;KZ\n"
    ).encode()
    response = owner_client.post(
        f"/institutes/{institute.slug}/invitees/import",
        data={"file": (io.BytesIO(sheet), "people.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert 'id="row-2-returning" data-by="email"' in page
    assert 'id="row-3-returning" data-by="name"' in page
    assert "row-4-returning" not in page and "row-5-returning" not in page
    assert before.title in page

    response = owner_client.post(
        f"/institutes/{institute.slug}/invitees/import/confirm", follow_redirects=True
    )
    assert "may have taken part before" in response.get_data(as_text=True)
    saved = {
        i.email: i
        for i in db.session.scalars(select(Invitee).where(Invitee.institute_id == institute.id))
    }
    old = {
        i.email: i
        for i in db.session.scalars(select(Invitee).where(Invitee.institute_id == before.id))
    }
    assert saved["back@example.org"].person_id == old["back@example.org"].person_id
    assert saved["namesake.new@example.org"].person_id != old["namesake.old@example.org"].person_id
    assert [r.decision for r in returning.history_of(saved["namesake.new@example.org"])] == [
        "pending"
    ]


def test_reusing_details_never_carries_passport_data(owner_client, institute, before):
    old = factories.make_invitee(
        before,
        email="same@example.org",
        passport_name="SAIDOVA ZARINA",
        organization="Mountain Women (fictional)",
        country="TJ",
        nationality="TJ",
        phone="+992 900 000 000",
        passport_number="TJ1234567",
        passport_expiry=date(2030, 1, 1),
        date_of_birth="1988-08-08",
        dietary_needs="vegetarian",
        access_needs="step-free",
        organizer_notes="private note",
        rsvp_status=RsvpStatus.CONFIRMED,
    )
    db.session.add(
        ReportingProfile(
            invitee_id=old.id,
            gender="self_described",
            gender_text="own words",
            setting="rural",
            sector="education",
        )
    )
    new = factories.make_invitee(
        institute,
        email="same@example.org",
        passport_name="",
        organization="",
        country=None,
        nationality=None,
        phone="",
    )
    db.session.commit()
    url = f"/institutes/{institute.slug}/invitees/{new.id}/returning/{old.id}/reuse"
    assert owner_client.post(url).status_code == 302
    db.session.expire_all()
    assert returning.REUSED_FIELDS == ("organization", "country")
    assert (new.organization, new.country) == ("Mountain Women (fictional)", "TJ")
    profile = db.session.get(ReportingProfile, new.id)
    assert (profile.gender, profile.gender_text, profile.setting, profile.sector) == (
        "self_described",
        "own words",
        "rural",
        "education",
    )
    assert new.passport_name == "" and new.passport_number is None
    assert new.passport_expiry is None and new.date_of_birth is None
    assert new.nationality is None and new.phone == ""
    assert new.dietary_needs == "" and new.access_needs == "" and new.organizer_notes == ""


def test_the_report_counts_new_and_returning_by_the_person_link(institute, before):
    """5 confirmed now: 2 took part before (one by e-mail, one by a confirmed name match),
    1 only declined before, 1 has a pending name match, 1 is new. Cells are below five, so
    the counts are compared before suppression."""
    back = factories.make_invitee(before, email="a@example.org", rsvp_status=RsvpStatus.CONFIRMED)
    namesake = factories.make_invitee(
        before, full_name="Имя Общее", nationality="UZ", rsvp_status=RsvpStatus.CONFIRMED
    )
    factories.make_invitee(
        before, full_name="Имя Второе", nationality="UZ", rsvp_status=RsvpStatus.CONFIRMED
    )
    factories.make_invitee(before, email="d@example.org", rsvp_status=RsvpStatus.DECLINED)
    confirmed = dict(rsvp_status=RsvpStatus.CONFIRMED)
    a = factories.make_invitee(institute, email="a@example.org", **confirmed)
    b = factories.make_invitee(institute, full_name="имя общее", nationality="UZ", **confirmed)
    factories.make_invitee(institute, full_name="имя второе", nationality="UZ", **confirmed)
    factories.make_invitee(institute, email="d@example.org", **confirmed)
    factories.make_invitee(institute, **confirmed)
    assert returning.decide(b, namesake.id, same=True, organizer=None)
    db.session.commit()

    assert building.returning_ids(institute) == {a.id, b.id}
    assert a.person_id == back.person_id
    report = building.build_report([institute])
    assert shown(report)["returning"] == {"returning": 2, "new": 3}


def test_the_history_and_the_import_check_take_the_same_queries_for_more_people(
    institute, organizer
):
    """The person's history and the preview's recognition cost a fixed number of queries,
    however many earlier institutes and records there are."""
    from tests.queries import count_queries

    def history_queries(earlier_count: int) -> int:
        email = f"many{earlier_count}@example.org"
        for n in range(earlier_count):
            other = factories.make_institute(
                owner=organizer,
                organization=institute.organization,
                start_date=date(2025, 1, 1 + n),
                end_date=date(2025, 1, 1 + n),
            )
            factories.make_invitee(other, email=email, rsvp_status=RsvpStatus.CONFIRMED)
        person = factories.make_invitee(institute, email=email)
        db.session.expire_all()
        person = db.session.get(Invitee, person.id)
        _ = person.institute.start_date
        with count_queries() as queries:
            assert len(returning.history_of(person)) == earlier_count
        return queries.count

    assert history_queries(1) == history_queries(4)

    def recognise_queries(rows: int) -> int:
        people = [(f"r{n}@example.org", f"Name {n}", "KZ") for n in range(rows)]
        with count_queries() as queries:
            returning.recognise(institute, people)
        return queries.count

    assert recognise_queries(2) == recognise_queries(40) <= 3
