"""Access matrix of the foundation's routes: anonymous, another institute's organizer, roles."""

import pytest

from planner.auth.models import TeamRole
from tests import factories

ENDPOINTS = {
    "auth.home",
    "auth.login",
    "auth.logout",
    "auth.change_password",
    "auth.set_language",
    "healthz",
    "institutes.index",
    "institutes.new",
    "institutes.dashboard",
    "institutes.settings",
    "institutes.archive",
    "institutes.team",
    "institutes.add_member",
    "institutes.change_role",
    "institutes.remove_member",
}

# (method, path template, lowest role allowed); {slug} and {membership} are filled in.
INSTITUTE_ROUTES = [
    ("GET", "/institutes/{slug}/", "viewer"),
    ("GET", "/institutes/{slug}/settings", "editor"),
    ("POST", "/institutes/{slug}/settings", "editor"),
    ("POST", "/institutes/{slug}/archive", "owner"),
    ("GET", "/institutes/{slug}/team", "viewer"),
    ("POST", "/institutes/{slug}/team", "owner"),
    ("POST", "/institutes/{slug}/team/{membership}/role", "owner"),
    ("POST", "/institutes/{slug}/team/{membership}/remove", "owner"),
]
RANK = {"viewer": 0, "editor": 1, "owner": 2}


@pytest.fixture
def target(institute, db):
    member = factories.make_organizer()
    membership = factories.add_member(institute, member, TeamRole.VIEWER)
    return {"slug": institute.slug, "membership": membership.id}


@pytest.mark.parametrize(("method", "path", "needed"), INSTITUTE_ROUTES)
def test_anonymous_is_sent_to_login(client, target, method, path, needed):
    response = client.open(path.format(**target), method=method)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize(("method", "path", "needed"), INSTITUTE_ROUTES)
def test_organizer_of_another_institute_gets_404(client, login, target, method, path, needed):
    stranger = factories.make_organizer()
    factories.make_institute(owner=stranger)
    login(stranger)
    assert client.open(path.format(**target), method=method).status_code == 404


@pytest.mark.parametrize("role", ["viewer", "editor"])
@pytest.mark.parametrize(("method", "path", "needed"), INSTITUTE_ROUTES)
def test_team_roles_get_403_above_their_rank(
    client, login, institute, target, role, method, path, needed
):
    member = factories.make_organizer()
    factories.add_member(institute, member, TeamRole(role))
    login(member)
    status = client.open(path.format(**target), method=method).status_code
    if RANK[role] < RANK[needed]:
        assert status == 403
    else:
        assert status != 403 and status != 404


def test_membership_of_another_institute_cannot_be_changed(client, login, organizer, institute):
    other_owner = factories.make_organizer()
    other = factories.make_institute(owner=other_owner)
    foreign = factories.add_member(other, factories.make_organizer(), TeamRole.VIEWER)
    login(organizer)
    base = f"/institutes/{institute.slug}/team/{foreign.id}"
    assert client.post(f"{base}/role", data={"role": "owner"}).status_code == 404
    assert client.post(f"{base}/remove").status_code == 404


def test_public_routes_answer_anonymous(client, db):
    assert client.get("/healthz").status_code == 200
    assert client.get("/login").status_code == 200
    assert client.get("/").status_code == 302
    assert client.get("/institutes/").status_code == 302
    assert client.get("/institutes/new").status_code == 302
    assert client.get("/account/password").status_code == 302
    assert client.post("/language", data={"lang": "ru"}).status_code == 302
