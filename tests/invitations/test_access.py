"""Access matrix of every route of the invitations package.

Organizer pages: anonymous -> login, organizer of another institute -> 404, viewer on
writes -> 403, an invitee of another institute -> 404. Invitee pages: no session -> 404,
a session only ever shows its own invitee.
"""

import pytest
from sqlalchemy import select

from planner.extensions import db
from planner.invitations.models import RsvpStatus
from tests import factories
from tests.plugins.invitee_session import make_link

ENDPOINTS = {
    "invitations.index",
    "invitations.new",
    "invitations.detail",
    "invitations.edit",
    "invitations.remove",
    "invitations.set_status",
    "invitations.send_link",
    "invitations.revoke_links",
    "invitations.send_preview",
    "invitations.send",
    "invitations.remind",
    "invitations.export",
    "invitations.import_upload",
    "invitations.import_confirm",
    "invitations.import_cancel",
    "invitations.import_template",
    "invitations.import_preview",
    "invitations.import_correct",
    "invitations.invitation",
    "invitations.open_invitation",
    "invitations.me",
    "invitations.rsvp",
    "invitations.details",
    "invitations.sign_out",
    "invitations.signed_out",
}

# (endpoint, method, path under /institutes/<slug>, role needed)
ORGANIZER_ROUTES = [
    ("invitations.index", "get", "/invitees/", "viewer"),
    ("invitations.new", "get", "/invitees/new", "editor"),
    ("invitations.new", "post", "/invitees/new", "editor"),
    ("invitations.detail", "get", "/invitees/{id}", "viewer"),
    ("invitations.edit", "get", "/invitees/{id}/edit", "editor"),
    ("invitations.edit", "post", "/invitees/{id}/edit", "editor"),
    ("invitations.remove", "post", "/invitees/{id}/remove", "editor"),
    ("invitations.set_status", "post", "/invitees/{id}/status", "editor"),
    ("invitations.send_link", "post", "/invitees/{id}/send-link", "editor"),
    ("invitations.revoke_links", "post", "/invitees/{id}/revoke-links", "editor"),
    ("invitations.send_preview", "get", "/invitees/send?invitee={id}", "editor"),
    ("invitations.send", "post", "/invitees/send", "editor"),
    ("invitations.remind", "post", "/invitees/remind", "editor"),
    ("invitations.export", "get", "/invitees/export.csv", "editor"),
    ("invitations.import_upload", "get", "/invitees/import", "editor"),
    ("invitations.import_upload", "post", "/invitees/import", "editor"),
    ("invitations.import_confirm", "post", "/invitees/import/confirm", "editor"),
    ("invitations.import_cancel", "post", "/invitees/import/cancel", "editor"),
    ("invitations.import_template", "get", "/invitees/import/template.xlsx", "editor"),
    ("invitations.import_preview", "get", "/invitees/import/preview", "editor"),
    ("invitations.import_correct", "post", "/invitees/import/correct", "editor"),
]
WITH_INVITEE_ID = [r for r in ORGANIZER_ROUTES if "{id}" in r[2]]
WRITES = [r for r in ORGANIZER_ROUTES if r[3] == "editor"]
READS = [r for r in ORGANIZER_ROUTES if r[3] == "viewer"]

INVITEE_ROUTES = [
    ("invitations.me", "get", "/me/"),
    ("invitations.rsvp", "post", "/me/rsvp"),
    ("invitations.details", "get", "/me/details"),
    ("invitations.details", "post", "/me/details"),
]


def ids(routes):
    return [f"{r[1]} {r[0]}" for r in routes]


@pytest.fixture
def invitee(institute):
    return factories.make_invitee(institute, full_name="Зарина Саидова", language="en")


def url(institute, path, invitee) -> str:
    return f"/institutes/{institute.slug}" + path.format(id=invitee.id)


def test_the_matrix_covers_every_route_of_the_package(app):
    routed = {rule.endpoint for rule in app.url_map.iter_rules()}
    ours = {e for e in routed if e.startswith("invitations.")}
    assert ours == ENDPOINTS
    covered = {r[0] for r in ORGANIZER_ROUTES} | {r[0] for r in INVITEE_ROUTES}
    covered |= {
        "invitations.invitation",
        "invitations.open_invitation",
        "invitations.sign_out",
        "invitations.signed_out",
    }
    assert covered == ENDPOINTS


@pytest.mark.parametrize(
    ("endpoint", "method", "path", "role"), ORGANIZER_ROUTES, ids=ids(ORGANIZER_ROUTES)
)
def test_anonymous_is_sent_to_login(client, institute, invitee, endpoint, method, path, role):
    response = getattr(client, method)(url(institute, path, invitee))
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    ("endpoint", "method", "path", "role"), ORGANIZER_ROUTES, ids=ids(ORGANIZER_ROUTES)
)
def test_organizer_of_another_institute_gets_404(
    outsider, institute, invitee, endpoint, method, path, role
):
    response = getattr(outsider, method)(url(institute, path, invitee))
    assert response.status_code == 404
    db.session.expire_all()
    assert invitee.removed_at is None
    assert invitee.rsvp_status == RsvpStatus.INVITED


@pytest.mark.parametrize(("endpoint", "method", "path", "role"), WRITES, ids=ids(WRITES))
def test_viewer_cannot_write(member, institute, invitee, endpoint, method, path, role):
    response = getattr(member("viewer"), method)(url(institute, path, invitee))
    assert response.status_code == 403


@pytest.mark.parametrize(("endpoint", "method", "path", "role"), READS, ids=ids(READS))
def test_viewer_can_read(member, institute, invitee, endpoint, method, path, role):
    response = getattr(member("viewer"), method)(url(institute, path, invitee))
    assert response.status_code == 200


@pytest.mark.parametrize(("endpoint", "method", "path", "role"), WRITES, ids=ids(WRITES))
def test_editor_may_write(member, institute, invitee, endpoint, method, path, role):
    response = getattr(member("editor"), method)(url(institute, path, invitee))
    assert response.status_code in (200, 302, 400)


@pytest.mark.parametrize(
    ("endpoint", "method", "path", "role"), WITH_INVITEE_ID, ids=ids(WITH_INVITEE_ID)
)
def test_an_invitee_of_another_institute_is_404_in_my_institute(
    owner_client, organizer, institute, endpoint, method, path, role
):
    other = factories.make_institute(owner=organizer)
    stranger = factories.make_invitee(other)
    response = getattr(owner_client, method)(url(institute, path, stranger))
    if endpoint == "invitations.send_preview":
        # Ids of other institutes are dropped from the selection: nothing left to preview.
        assert response.status_code == 302
    else:
        assert response.status_code == 404
    db.session.expire_all()
    assert stranger.removed_at is None


@pytest.mark.parametrize(("endpoint", "method", "path"), INVITEE_ROUTES, ids=ids(INVITEE_ROUTES))
def test_invitee_pages_need_the_invitee_session(client, owner_client, endpoint, method, path):
    assert getattr(client, method)(path).status_code == 404
    # An organizer's session is not an invitee's.
    assert getattr(owner_client, method)(path).status_code == 404


@pytest.mark.parametrize(("endpoint", "method", "path"), INVITEE_ROUTES, ids=ids(INVITEE_ROUTES))
def test_an_invitee_session_only_shows_its_own_invitee(
    invitee_login, institute, invitee, endpoint, method, path
):
    other = factories.make_invitee(
        institute, full_name="Чужая Участница", rsvp_status=RsvpStatus.CONFIRMED
    )
    client = invitee_login(invitee)
    response = getattr(client, method)(path, data={"answer": "declined"})
    assert other.full_name not in response.get_data(as_text=True)
    db.session.expire_all()
    assert other.rsvp_status == RsvpStatus.CONFIRMED


@pytest.mark.parametrize(("endpoint", "method", "path"), INVITEE_ROUTES, ids=ids(INVITEE_ROUTES))
def test_a_revoked_link_ends_the_invitee_session(invitee_login, invitee, endpoint, method, path):
    from planner.db import utcnow
    from planner.invitations.models import AccessLink

    client = invitee_login(invitee)
    for link in db.session.scalars(select(AccessLink)):
        link.revoked_at = utcnow()
    db.session.commit()
    assert getattr(client, method)(path).status_code == 404


def test_an_invitee_session_cannot_open_organizer_pages(invitee_login, institute, invitee):
    client = invitee_login(invitee)
    response = client.get(f"/institutes/{institute.slug}/invitees/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_secret_link_routes_answer_404_for_unknown_tokens(client):
    assert client.get("/r/not-a-real-token-at-all-0000000000000").status_code == 404
    assert client.post("/r/not-a-real-token-at-all-0000000000000").status_code == 404


def test_secret_link_routes_work_for_a_good_token(client, invitee):
    token, _ = make_link(invitee)
    assert client.get(f"/r/{token}").status_code == 200
    assert client.post(f"/r/{token}").status_code == 302


def test_sign_out_pages_are_open_and_harmless(client):
    assert client.post("/me/sign-out").status_code == 302
    assert client.get("/me/signed-out").status_code == 200
