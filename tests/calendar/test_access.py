"""Who may use each route of the calendar package (the access matrix)."""

import pytest
from sqlalchemy import func, select

from planner.auth.models import TeamRole
from planner.calendar import services
from planner.calendar.models import FeedLink
from planner.db import utcnow
from tests import factories

ENDPOINTS = {
    "calendar.institute_feed",
    "calendar.personal_feed",
    "calendar.issue_invitee_feed_link",
    "calendar.revoke_invitee_feed_link",
    "calendar.renew_my_feed_link",
}

ORGANIZER_POSTS = ["feed-link", "feed-link/revoke"]


def links_of(invitee, db) -> int:
    return db.session.scalar(
        select(func.count(FeedLink.id)).where(FeedLink.invitee_id == invitee.id)
    )


@pytest.fixture
def invitee(institute):
    return factories.make_invitee(institute)


# -- calendar.institute_feed --------------------------------------------------------------


def test_institute_feed_is_public_once_published_and_404_before(client, institute, db):
    url = f"/p/{institute.slug}/program.ics"
    assert client.get(url).status_code == 404
    institute.program_published = True
    db.session.commit()
    assert client.get(url).status_code == 200


# -- calendar.personal_feed ---------------------------------------------------------------


def test_personal_feed_needs_its_token_and_nothing_else(client, invitee, db, login, organizer):
    link = services.issue_feed_link(invitee)
    db.session.commit()
    assert client.get(f"/feeds/{services.feed_token(link)}.ics").status_code == 200
    # being an organizer of the institute does not open someone else's token
    login(organizer)
    forged = services.feed_token(link, "not-the-secret-key")
    assert client.get(f"/feeds/{forged}.ics").status_code == 404


# -- calendar.issue_invitee_feed_link / calendar.revoke_invitee_feed_link ------------------


@pytest.mark.parametrize("action", ORGANIZER_POSTS)
def test_anonymous_is_sent_to_sign_in(client, institute, invitee, action, db):
    response = client.post(f"/institutes/{institute.slug}/invitees/{invitee.id}/{action}")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert links_of(invitee, db) == 0


@pytest.mark.parametrize("action", ORGANIZER_POSTS)
def test_organizer_of_another_institute_gets_404(client, institute, invitee, action, login, db):
    stranger = factories.make_organizer()
    factories.make_institute(owner=stranger)
    login(stranger)
    response = client.post(f"/institutes/{institute.slug}/invitees/{invitee.id}/{action}")
    assert response.status_code == 404
    assert links_of(invitee, db) == 0


@pytest.mark.parametrize("action", ORGANIZER_POSTS)
def test_viewer_may_not_change_feed_links(client, institute, invitee, action, login, db):
    viewer = factories.make_organizer()
    factories.add_member(institute, viewer, TeamRole.VIEWER)
    login(viewer)
    response = client.post(f"/institutes/{institute.slug}/invitees/{invitee.id}/{action}")
    assert response.status_code == 403
    assert links_of(invitee, db) == 0


@pytest.mark.parametrize("action", ORGANIZER_POSTS)
def test_invitee_of_another_institute_is_404_through_this_one(
    client, institute, organizer, action, login, db
):
    elsewhere = factories.make_invitee(factories.make_institute())
    login(organizer)
    response = client.post(f"/institutes/{institute.slug}/invitees/{elsewhere.id}/{action}")
    assert response.status_code == 404
    assert links_of(elsewhere, db) == 0


@pytest.mark.parametrize("action", ORGANIZER_POSTS)
def test_removed_invitee_is_404(client, institute, organizer, invitee, action, login, db):
    invitee.removed_at = utcnow()
    db.session.commit()
    login(organizer)
    response = client.post(f"/institutes/{institute.slug}/invitees/{invitee.id}/{action}")
    assert response.status_code == 404


def test_editor_issues_then_revokes_a_link(client, institute, invitee, login, db):
    editor = factories.make_organizer()
    factories.add_member(institute, editor, TeamRole.EDITOR)
    login(editor)
    base = f"/institutes/{institute.slug}/invitees/{invitee.id}"
    response = client.post(f"{base}/feed-link", data={"next": f"{base}/"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"{base}/"
    link = services.active_feed_link(invitee)
    assert link is not None
    token = services.feed_token(link)
    assert client.get(f"/feeds/{token}.ics").status_code == 200

    response = client.post(f"{base}/feed-link/revoke", data={"next": "https://evil.example/"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/institutes/{institute.slug}/"  # not elsewhere
    assert services.active_feed_link(invitee) is None
    assert client.get(f"/feeds/{token}.ics").status_code == 404


# -- calendar.renew_my_feed_link ----------------------------------------------------------


def test_renewing_my_link_needs_an_invitee_session(client, invitee, login, organizer, db):
    assert client.post("/me/calendar/feed-link").status_code == 404
    login(organizer)  # an organizer is not an invitee
    assert client.post("/me/calendar/feed-link").status_code == 404
    assert links_of(invitee, db) == 0


def test_invitee_renews_only_their_own_link(invitee_login, institute, invitee, db):
    other = factories.make_invitee(institute)
    others_link = services.issue_feed_link(other)
    db.session.commit()
    client = invitee_login(invitee)
    response = client.post("/me/calendar/feed-link")
    assert response.status_code == 302
    assert response.headers["Location"] == "/me/"
    assert services.active_feed_link(invitee) is not None
    assert services.active_feed_link(other).id == others_link.id  # untouched


def test_removed_invitees_session_cannot_renew(invitee_login, invitee, db):
    client = invitee_login(invitee)
    invitee.removed_at = utcnow()
    db.session.commit()
    assert client.post("/me/calendar/feed-link").status_code == 404
    assert links_of(invitee, db) == 0
