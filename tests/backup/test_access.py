"""Who may open the backup pages: every route of the backup package."""

import pytest

from planner.auth.models import TeamRole
from planner.security.models import AuditEvent
from tests import factories

ENDPOINTS = {"backup.download", "backup.restore", "backup.restore_confirm"}

PASSWORD = {"password": factories.DEFAULT_PASSWORD}


def routes(institute) -> dict[str, tuple[str, str]]:
    return {
        "backup.download": ("POST", f"/institutes/{institute.slug}/backup"),
        "backup.restore": ("GET", "/institutes/restore"),
        "backup.restore_confirm": ("POST", "/institutes/restore/confirm"),
    }


def call(client, method, url):
    return client.get(url) if method == "GET" else client.post(url, data=PASSWORD)


def test_every_endpoint_is_covered(app, institute):
    registered = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("backup.")}
    assert registered == ENDPOINTS == set(routes(institute))


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_anonymous_is_sent_to_the_login(client, institute, endpoint):
    response = call(client, *routes(institute)[endpoint])
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_an_invitee_session_opens_no_backup_page(invitee_login, institute, endpoint):
    client = invitee_login(factories.make_invitee(institute))
    response = call(client, *routes(institute)[endpoint])
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_an_invitee_token_does_not_reach_the_backup(client, institute):
    from tests.plugins.invitee_session import make_link

    token, _ = make_link(factories.make_invitee(institute))
    for method, url in (
        ("GET", f"/institutes/{institute.slug}/backup?token={token}"),
        ("POST", f"/institutes/{institute.slug}/backup?token={token}"),
    ):
        response = call(client, method, url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_organizer_of_another_institute_gets_404_and_no_file(client, login, institute, method):
    stranger = factories.make_organizer()
    factories.make_institute(owner=stranger)
    login(stranger)
    response = call(client, method, f"/institutes/{institute.slug}/backup")
    assert response.status_code == 404
    assert AuditEvent.query.filter_by(action="institute.backup_downloaded").count() == 0


@pytest.mark.parametrize("role", [TeamRole.EDITOR, TeamRole.VIEWER])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_editors_and_viewers_get_403(client, login, institute, role, method):
    member = factories.make_organizer()
    factories.add_member(institute, member, role)
    login(member)
    response = call(client, method, f"/institutes/{institute.slug}/backup")
    assert response.status_code == 403


def test_the_owner_gets_the_page_and_the_file(client, login, organizer, institute):
    login(organizer)
    assert client.get(f"/institutes/{institute.slug}/backup").status_code == 200
    response = call(client, *routes(institute)["backup.download"])
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"


def test_any_organizer_may_open_the_restore_page(client, login):
    login(factories.make_organizer())
    assert client.get("/institutes/restore").status_code == 200
    # Confirming needs an upload of one's own in this session first.
    response = client.post("/institutes/restore/confirm", data={"reference": "x" * 32})
    assert response.status_code == 302
    assert response.headers["Location"] == "/institutes/restore"


def test_a_preview_of_one_organizer_cannot_be_confirmed_by_another(
    app, login, organizer, institute
):
    import re

    owner = login(organizer, on=app.test_client())
    data = owner.post(f"/institutes/{institute.slug}/backup", data=PASSWORD).data
    institute.slug = "renamed"
    from planner.extensions import db

    db.session.commit()
    import io

    page = owner.post(
        "/institutes/restore",
        data={"archive": (io.BytesIO(data), "a.backup"), **PASSWORD},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    reference = re.search(r'name="reference" type="hidden" value="([^"]+)"', page).group(1)
    other = login(factories.make_organizer(), on=app.test_client())
    response = other.post("/institutes/restore/confirm", data={"reference": reference})
    assert response.status_code == 302
    assert response.headers["Location"] == "/institutes/restore"
    from planner.institutes.models import Institute

    assert Institute.query.count() == 1
