"""F13: an archived institute is read-only everywhere (institutes.access.ensure_writable)."""

import pytest
from sqlalchemy import func, select

from planner.auth.models import TeamRole
from planner.extensions import db
from planner.institutes.models import InstituteStatus
from planner.invitations.models import Invitee, RsvpStatus
from planner.mail.models import OutboundEmail
from tests import factories
from tests.plugins.invitee_session import make_link


@pytest.fixture
def archived(client, login, organizer, institute):
    login(organizer)
    assert client.post(f"/institutes/{institute.slug}/archive").status_code == 302
    db.session.expire_all()
    assert institute.status == InstituteStatus.ARCHIVED
    return institute


def test_organizer_pages_stay_readable(client, archived):
    assert client.get(f"/institutes/{archived.slug}/").status_code == 200
    assert client.get(f"/institutes/{archived.slug}/invitees/").status_code == 200
    assert client.get(f"/institutes/{archived.slug}/team").status_code == 200


@pytest.mark.parametrize("role", ["owner", "editor"])
def test_no_change_by_any_role(app, login, organizer, archived, role):
    if role == "owner":
        member = organizer
    else:
        member = factories.make_organizer()
        factories.add_member(archived, member, TeamRole.EDITOR)
    browser = login(member, on=app.test_client())
    slug = archived.slug
    settings = browser.post(f"/institutes/{slug}/settings", data={"title": "Reopened"})
    assert settings.status_code == 403
    assert "archived" in settings.get_data(as_text=True)
    assert browser.get(f"/institutes/{slug}/settings").status_code == 403
    added = browser.post(
        f"/institutes/{slug}/invitees/new",
        data={"full_name": "New Person", "email": "new@example.org"},
    )
    assert added.status_code == 403
    assert browser.post(f"/institutes/{slug}/publish").status_code == 403
    assert (
        browser.post(
            f"/institutes/{slug}/team", data={"email": "x@example.org", "role": "viewer"}
        ).status_code
        == 403
    )
    assert db.session.scalar(select(func.count()).select_from(Invitee)) == 0
    assert db.session.scalar(select(func.count()).select_from(OutboundEmail)) == 0


def test_the_public_program_cannot_come_back(client, archived):
    assert client.get(f"/p/{archived.slug}/").status_code == 404
    assert client.get(f"/p/{archived.slug}/program.ics").status_code == 404


def test_an_invitee_cannot_answer_or_change_anything(app, organizer, institute, invitee_login):
    invitee = factories.make_invitee(institute, rsvp_status=RsvpStatus.INVITED)
    token, _ = make_link(invitee)
    institute.status = InstituteStatus.ARCHIVED
    db.session.commit()

    by_link = app.test_client()
    assert by_link.get(f"/r/{token}").status_code == 200  # reading stays
    by_link.post(f"/r/{token}", data={"answer": "confirmed"})
    db.session.expire_all()
    assert db.session.get(Invitee, invitee.id).rsvp_status == RsvpStatus.INVITED

    browser = invitee_login(invitee)
    assert browser.get("/me/").status_code == 200
    assert browser.post("/me/rsvp", data={"answer": "confirmed"}).status_code == 403
    assert browser.post("/me/travel/legs/new", data={}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Invitee, invitee.id).rsvp_status == RsvpStatus.INVITED
    assert db.session.scalar(select(func.count()).select_from(OutboundEmail)) == 0
