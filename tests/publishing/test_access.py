"""Access matrix of the Publish tab."""

import pytest

from planner.auth.models import TeamRole
from tests import factories

ENDPOINTS = {"publishing.index", "publishing.publish", "publishing.unpublish"}

ROUTES = [
    ("GET", "/institutes/{slug}/publish", "viewer"),
    ("POST", "/institutes/{slug}/publish", "editor"),
    ("POST", "/institutes/{slug}/publish/unpublish", "editor"),
]
RANK = {"viewer": 0, "editor": 1, "owner": 2}


@pytest.mark.parametrize(("method", "path", "needed"), ROUTES)
def test_anonymous_is_sent_to_login(client, institute, method, path, needed):
    response = client.open(path.format(slug=institute.slug), method=method)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize(("method", "path", "needed"), ROUTES)
def test_organizer_of_another_institute_gets_404(client, login, institute, method, path, needed):
    stranger = factories.make_organizer()
    factories.make_institute(owner=stranger)
    login(stranger)
    assert client.open(path.format(slug=institute.slug), method=method).status_code == 404
    assert not institute.program_published


@pytest.mark.parametrize("role", ["viewer", "editor"])
@pytest.mark.parametrize(("method", "path", "needed"), ROUTES)
def test_team_roles_get_403_above_their_rank(client, login, institute, role, method, path, needed):
    member = factories.make_organizer()
    factories.add_member(institute, member, TeamRole(role))
    login(member)
    status = client.open(path.format(slug=institute.slug), method=method).status_code
    if RANK[role] < RANK[needed]:
        assert status == 403
    else:
        assert status not in (403, 404)


@pytest.mark.parametrize(("method", "path", "needed"), ROUTES)
def test_an_invitee_session_is_no_organizer(institute, invitee_login, method, path, needed):
    browser = invitee_login(factories.make_invitee(institute))
    response = browser.open(path.format(slug=institute.slug), method=method)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
