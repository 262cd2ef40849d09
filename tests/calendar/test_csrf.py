"""Every POST of the calendar package needs its CSRF token (CSRF on, as in production)."""

import re

import pytest

from planner.calendar import services
from tests import factories


@pytest.fixture
def app_config() -> dict:
    return {"WTF_CSRF_ENABLED": True}


def csrf_token_of(client, url: str) -> str:
    """The CSRF token of a freshly rendered page."""
    html = client.get(url).text
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def test_organizer_post_without_token_changes_nothing(client, institute, organizer, db):
    invitee = factories.make_invitee(institute)
    client.post(
        "/login",
        data={
            "email": organizer.email,
            "password": factories.DEFAULT_PASSWORD,
            "csrf_token": csrf_token_of(client, "/login"),
        },
    )
    url = f"/institutes/{institute.slug}/invitees/{invitee.id}/feed-link"
    assert client.post(url).status_code == 400
    assert services.active_feed_link(invitee) is None

    token = csrf_token_of(client, f"/institutes/{institute.slug}/")
    assert client.post(url, data={"csrf_token": token}).status_code == 302
    assert services.active_feed_link(invitee) is not None


def test_invitee_post_without_token_changes_nothing(invitee_login, institute, db):
    invitee = factories.make_invitee(institute)
    client = invitee_login(invitee)
    assert client.post("/me/calendar/feed-link").status_code == 400
    assert services.active_feed_link(invitee) is None
