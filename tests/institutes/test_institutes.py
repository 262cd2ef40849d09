"""Creating, editing, listing and archiving institutes."""

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from planner.auth.models import Membership, TeamRole
from planner.institutes.models import Institute, InstituteStatus
from planner.security.models import AuditEvent
from tests import factories

VALID = {
    "title": "Regional ToT Institute on Women's Leadership",
    "city": "Shymkent",
    "country": "KZ",
    "timezone": "Asia/Almaty",
    "start_date": "2027-04-12",
    "end_date": "2027-04-15",
    "working_languages": ["ru", "en"],
    "rsvp_deadline": "2027-03-01",
    "contact_email": "team@example.org",
}


def count_institutes(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Institute))


def test_the_generated_address_never_repeats_the_year(client, login, organizer, db):
    # B11: "Round trip 2028" starting in 2028 gave round-trip-2028-2028.
    login(organizer)
    data = {**VALID, "title": "Round trip 2028", "start_date": "2028-03-01",
            "end_date": "2028-03-04", "rsvp_deadline": ""}  # fmt: skip
    response = client.post("/institutes/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert db.session.scalar(select(Institute.slug)) == "round-trip-2028"


def test_organizer_creates_an_institute_and_becomes_its_owner(client, login, organizer, db):
    login(organizer)
    response = client.post("/institutes/new", data=VALID)
    assert response.status_code == 302
    institute = db.session.scalar(select(Institute))
    assert response.headers["Location"] == f"/institutes/{institute.slug}/"
    assert institute.slug == "regional-tot-institute-on-women-s-leadership-2027"
    assert institute.languages == ["ru", "en"]
    assert institute.start_date == date(2027, 4, 12)
    assert institute.status == InstituteStatus.DRAFT
    membership = db.session.scalar(select(Membership))
    assert (membership.organizer_id, membership.role) == (organizer.id, TeamRole.OWNER)
    # Their first institute makes their first organization too (planner/organizations).
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["organization.created", "institute.created"]
    page = client.get(f"/institutes/{institute.slug}/").get_data(as_text=True)
    assert "Regional ToT Institute on Women&#39;s Leadership" in page
    assert "Asia/Almaty" in page


@pytest.mark.parametrize(
    ("changes", "field_message"),
    [
        ({"end_date": "2027-04-10"}, "The last day cannot be before the first day."),
        ({"timezone": "Asia/Atlantis"}, "Not a valid choice."),
        ({"country": "XX"}, "Not a valid choice."),
        ({"country": ""}, "This field is required."),
        ({"start_date": "2027-02-30"}, "Not a valid date value."),
        ({"slug": "Has Spaces"}, "Use lower-case Latin letters, digits and single hyphens."),
        ({"rsvp_deadline": "2027-05-01"}, "The RSVP deadline cannot be after the institute ends."),
        ({"contact_email": "team(at)example"}, "Invalid email address."),
        ({"working_languages": []}, "This field is required."),
        ({"end_date": "2027-08-01"}, "An institute can last at most 60 days."),
    ],
)
def test_invalid_institute_keeps_every_value_and_saves_nothing(
    client, login, organizer, db, changes, field_message
):
    login(organizer)
    data = {**VALID, "venue": "Центр подготовки «Тауке хан»", **changes}
    response = client.post("/institutes/new", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert field_message in page
    assert "Please correct the fields marked below." in page
    assert 'value="Центр подготовки «Тауке хан»"' in page
    assert 'value="Shymkent"' in page
    assert count_institutes(db) == 0


def test_country_names_are_localized_in_the_form(client, login, organizer):
    login(organizer)
    with client.session_transaction() as session:
        session["lang"] = "ru"
    page = client.get("/institutes/new").get_data(as_text=True)
    assert '<option value="KZ">Казахстан</option>' in page
    assert '<option value="Asia/Almaty">Asia/Almaty</option>' in page


def test_taken_slug_is_refused(client, login, organizer, institute, db):
    login(organizer)
    response = client.post("/institutes/new", data={**VALID, "slug": institute.slug})
    assert response.status_code == 400
    assert "Another institute already uses this short name." in response.get_data(as_text=True)
    assert count_institutes(db) == 1


def test_same_title_gets_a_distinct_slug(client, login, organizer, db):
    login(organizer)
    client.post("/institutes/new", data=VALID)
    client.post("/institutes/new", data=VALID)
    slugs = set(db.session.scalars(select(Institute.slug)))
    assert slugs == {
        "regional-tot-institute-on-women-s-leadership-2027",
        "regional-tot-institute-on-women-s-leadership-2027-2",
    }


def test_editor_changes_settings_and_data_version_rises(client, login, institute, db):
    editor = factories.make_organizer()
    factories.add_member(institute, editor, TeamRole.EDITOR)
    login(editor)
    version = institute.data_version
    data = {**VALID, "title": "Renamed institute", "slug": institute.slug}
    response = client.post(f"/institutes/{institute.slug}/settings", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    changed = db.session.get(Institute, institute.id)
    assert changed.title == "Renamed institute"
    assert changed.data_version == version + 1


def test_settings_form_shows_current_values(client, login, organizer, institute):
    login(organizer)
    page = client.get(f"/institutes/{institute.slug}/settings").get_data(as_text=True)
    assert f'value="{institute.title}"' in page
    assert re.search(r'name="working_languages" id="[^"]+" value="ru" checked', page)
    assert not re.search(r'name="working_languages" id="[^"]+" value="kk" checked', page)


def test_list_shows_my_institutes_only(client, login, organizer, institute):
    stranger_institute = factories.make_institute(
        owner=factories.make_organizer(), title="Someone else's"
    )
    login(organizer)
    page = client.get("/institutes/").get_data(as_text=True)
    assert institute.title in page
    assert stranger_institute.title not in page


def test_owner_archives_an_institute(client, login, organizer, institute, db):
    login(organizer)
    response = client.post(f"/institutes/{institute.slug}/archive")
    assert response.status_code == 302
    db.session.expire_all()
    archived = db.session.get(Institute, institute.id)
    assert archived.status == InstituteStatus.ARCHIVED
    page = client.get("/institutes/").get_data(as_text=True)
    assert "Archived" in page


def test_editor_cannot_archive(client, login, institute, db):
    editor = factories.make_organizer()
    factories.add_member(institute, editor, TeamRole.EDITOR)
    login(editor)
    assert client.post(f"/institutes/{institute.slug}/archive").status_code == 403
    db.session.expire_all()
    assert db.session.get(Institute, institute.id).status == InstituteStatus.OPEN
