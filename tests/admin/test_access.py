"""Who may open the administration page: only administrators of the installation."""

import pytest

from planner.auth.models import TeamRole
from tests import factories

ENDPOINTS = {"admin.index", "admin.rotate"}
ROUTES = {
    "admin.index": ("GET", "/admin/"),
    "admin.rotate": ("POST", "/admin/rotate-encryption-key"),
}
PASSWORD = {"password": factories.DEFAULT_PASSWORD}


def call(client, method, url):
    return client.get(url) if method == "GET" else client.post(url, data=PASSWORD)


def test_every_endpoint_is_covered(app):
    registered = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("admin.")}
    assert registered == ENDPOINTS == set(ROUTES)


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_anonymous_is_sent_to_the_login(client, db, endpoint):
    response = call(client, *ROUTES[endpoint])
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_an_invitee_session_opens_no_admin_page(invitee_login, institute, endpoint):
    client = invitee_login(factories.make_invitee(institute))
    response = call(client, *ROUTES[endpoint])
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
@pytest.mark.parametrize("role", [TeamRole.OWNER, TeamRole.EDITOR, TeamRole.VIEWER])
def test_organizers_who_are_not_administrators_get_404(client, login, institute, endpoint, role):
    member = factories.make_organizer()
    factories.add_member(institute, member, role)
    login(member)
    assert call(client, *ROUTES[endpoint]).status_code == 404


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_an_owner_of_another_institute_gets_404(client, login, institute, endpoint):
    stranger = factories.make_organizer()
    factories.make_institute(owner=stranger)
    login(stranger)
    assert call(client, *ROUTES[endpoint]).status_code == 404


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_an_administrator_gets_the_page(client, login, db, endpoint):
    login(factories.make_organizer(is_admin=True))
    assert call(client, *ROUTES[endpoint]).status_code == 200
