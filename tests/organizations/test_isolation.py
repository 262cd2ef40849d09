"""Two organizations share one installation without seeing each other's institutes, people,
person histories or reports."""

import re
from dataclasses import dataclass
from datetime import date

import pytest

from planner.extensions import db
from planner.invitations.models import RsvpStatus
from planner.reports import building, returning
from tests import factories


@dataclass
class Two:
    owner_a: object
    owner_b: object
    a_before: object
    a_now: object
    b_before: object
    b_now: object
    a_person: object  # in a_now, took part in a_before
    b_person: object  # in b_now, same e-mail, name and nationality as in organization A


@pytest.fixture
def two():
    owner_a, owner_b = factories.make_organizer(), factories.make_organizer()
    org_a = factories.make_organization(owner_a, name="Network A (fictional)")
    org_b = factories.make_organization(owner_b, name="Network B (fictional)")
    early, now = dict(start_date=date(2026, 5, 1), end_date=date(2026, 5, 3)), {}
    a_before = factories.make_institute(owner=owner_a, organization=org_a, **early)
    a_now = factories.make_institute(owner=owner_a, organization=org_a, **now)
    b_before = factories.make_institute(owner=owner_b, organization=org_b, **early)
    b_now = factories.make_institute(owner=owner_b, organization=org_b, **now)
    same = dict(full_name="Мадина Общая", nationality="KG", email="madina@example.org")
    factories.make_invitee(a_before, rsvp_status=RsvpStatus.CONFIRMED, **same)
    a_person = factories.make_invitee(a_now, rsvp_status=RsvpStatus.CONFIRMED, **same)
    b_person = factories.make_invitee(b_now, rsvp_status=RsvpStatus.CONFIRMED, **same)
    return Two(owner_a, owner_b, a_before, a_now, b_before, b_now, a_person, b_person)


def test_the_same_email_in_two_organizations_is_two_people(two):
    assert two.a_person.person_id != two.b_person.person_id
    assert two.a_person.person.organization_id == two.a_now.organization_id
    assert two.b_person.person.organization_id == two.b_now.organization_id
    # B's invitee has no history: A's earlier institute is never looked at, not even by name.
    assert returning.history_of(two.b_person) == []
    assert building.returning_ids(two.b_now) == set()
    assert building.returning_ids(two.a_now) == {two.a_person.id}


def test_the_owner_of_one_organization_gets_404_for_the_other(client, login, two):
    login(two.owner_b)
    base = f"/institutes/{two.a_now.slug}"
    earlier = returning.history_of(two.a_person)[0].invitee_id
    for url in (
        f"{base}/",
        f"{base}/invitees/",
        f"{base}/invitees/{two.a_person.id}",
        f"{base}/report/",
        f"{base}/report.csv",
        f"/institutes/{two.a_before.slug}/invitees/{earlier}",
    ):
        assert client.get(url).status_code == 404, url
    for action in ("confirm", "reject", "reuse"):
        url = f"{base}/invitees/{two.a_person.id}/returning/{earlier}/{action}"
        assert client.post(url).status_code == 404, url


def test_a_person_history_never_shows_the_other_organizations_institutes(app, client, login, two):
    login(two.owner_b)
    page = client.get(f"/institutes/{two.b_now.slug}/invitees/{two.b_person.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert two.a_before.title not in text and two.a_now.title not in text
    as_a = login(two.owner_a, on=app.test_client())
    text = as_a.get(f"/institutes/{two.a_now.slug}/invitees/{two.a_person.id}").get_data(
        as_text=True
    )
    assert two.a_before.title in text and two.b_before.title not in text


def test_an_invitee_of_organization_b_cannot_confirm_a_match_in_a(
    client, login, two, invitee_login
):
    """Confirming with an earlier record of another organization is refused (404)."""
    login(two.owner_a)
    other = factories.make_invitee(
        two.b_before,
        full_name="Мадина Общая",
        nationality="KG",
        rsvp_status=RsvpStatus.CONFIRMED,
    )
    base = f"/institutes/{two.a_now.slug}/invitees/{two.a_person.id}/returning/{other.id}"
    for action in ("confirm", "reject", "reuse"):
        assert client.post(f"{base}/{action}").status_code == 404
    db.session.expire_all()
    assert two.a_person.person_id != other.person_id


def test_the_range_report_covers_one_organization_and_only_the_organizers_institutes(
    client, login, two
):
    # Owner B is also on the team of A's current institute (not of A's earlier one).
    factories.add_member(two.a_now, two.owner_b, factories.TeamRole.VIEWER)
    login(two.owner_b)
    text = client.get("/reports/").get_data(as_text=True)
    # Two organizations: a picker, the first by name (A) shown, never both mixed.
    assert 'name="organization"' in text and "<select" in text
    assert two.a_now.title in text
    assert two.b_now.title not in text and two.a_before.title not in text
    org_b = two.b_now.organization_id
    text = client.get(f"/reports/?organization={org_b}").get_data(as_text=True)
    assert two.b_now.title in text and two.b_before.title in text
    assert two.a_now.title not in text
    # An organization they have no institute of: refused with a message, nothing of it shown.
    stranger = factories.make_organization(factories.make_organizer())
    factories.make_institute(organization=stranger, title="Hidden Stranger Institute")
    response = client.get(f"/reports/?organization={stranger.id}")
    assert response.status_code == 400
    assert "Hidden Stranger Institute" not in response.get_data(as_text=True)
    csv = client.get(f"/reports/report.csv?organization={org_b}")
    assert csv.status_code == 200


def test_anonymous_and_invitees_see_no_person_history(client, two, invitee_login):
    url = f"/institutes/{two.a_now.slug}/invitees/{two.a_person.id}"
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/reports/").status_code == 302
    as_invitee = invitee_login(two.a_person)
    assert as_invitee.get(url).status_code in (302, 404)
    assert two.a_before.title not in as_invitee.get("/me/").get_data(as_text=True)


NEW = {
    "title": "Bishkek Institute (fictional)",
    "city": "Bishkek",
    "country": "KG",
    "timezone": "Asia/Bishkek",
    "start_date": "2027-06-07",
    "end_date": "2027-06-10",
    "working_languages": ["ru", "en"],
}


def test_creating_an_institute_asks_which_organization(client, login, two):
    from sqlalchemy import select

    from planner.institutes.models import Institute
    from planner.organizations.models import Organization, OrganizationMember

    login(two.owner_a)
    page = client.get("/institutes/new").get_data(as_text=True)
    assert "Network A (fictional)" in page and "Network B (fictional)" not in page
    # Another organization's id is refused with a message; nothing is created.
    response = client.post(
        "/institutes/new", data={**NEW, "organization": str(two.b_now.organization_id)}
    )
    assert response.status_code == 400
    assert "Choose one of your organizations." in response.get_data(as_text=True)
    assert db.session.scalar(select(Institute).where(Institute.city == "Bishkek")) is None
    # A new organization: created with them as its owner.
    response = client.post(
        "/institutes/new",
        data={**NEW, "organization": "new", "new_organization": "Valley Network (fictional)"},
    )
    assert response.status_code == 302
    made = db.session.scalar(select(Institute).where(Institute.city == "Bishkek"))
    assert made.organization.name == "Valley Network (fictional)"
    member = db.session.scalar(
        select(OrganizationMember).where(OrganizationMember.organization_id == made.organization_id)
    )
    assert (member.organizer_id, member.role) == (two.owner_a.id, "owner")
    assert db.session.scalar(select(Organization).where(Organization.id == made.organization_id))


def test_the_first_institute_of_an_organizer_creates_their_first_organization(client, login):
    from sqlalchemy import select

    from planner.institutes.models import Institute

    newcomer = factories.make_organizer(name="Nadia Newcomer")
    login(newcomer)
    page = client.get("/institutes/new").get_data(as_text=True)
    [option] = re.findall(r'<option[^>]*value="new"[^>]*>', page)
    assert "selected" in option
    response = client.post("/institutes/new", data={**NEW, "organization": "new"})
    assert response.status_code == 302
    made = db.session.scalar(select(Institute).where(Institute.city == "Bishkek"))
    assert made.organization.name == "Nadia Newcomer"


def test_the_organization_choice_and_the_history_speak_russian(app, client, login, two):
    login(two.owner_a)
    with client.session_transaction() as session:
        session["lang"] = "ru"
    page = client.get("/institutes/new").get_data(as_text=True)
    assert "Новая организация" in page and "Название новой организации" in page
    page = client.get(f"/institutes/{two.a_now.slug}/invitees/{two.a_person.id}").get_data(
        as_text=True
    )
    assert "Прежние институты организации" in page and "сертификат" in page
