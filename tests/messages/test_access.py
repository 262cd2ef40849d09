"""Access matrix of every route of the messages package: anonymous -> login, organizer of
another institute -> 404, viewer on writes -> 403, an invitee's session is no organizer's,
and ids of another institute (invitee, scheduled message) -> 404."""

import json

import pytest
from sqlalchemy import func, select

from planner.db import utcnow
from planner.extensions import db
from planner.mail.models import OutboundEmail
from planner.messages.models import ScheduledMessage, ScheduleStatus
from tests import factories

ENDPOINTS = {
    "messages.compose",
    "messages.cancel_scheduled",
    "messages.templates",
    "messages.edit_template",
    "messages.reset_template",
    "messages.nudge",
}

# (endpoint, method, path under /institutes/<slug>, role needed)
ROUTES = [
    ("messages.compose", "get", "/messages/", "editor"),
    ("messages.compose", "post", "/messages/", "editor"),
    ("messages.cancel_scheduled", "post", "/messages/scheduled/{scheduled}/cancel", "editor"),
    ("messages.templates", "get", "/messages/templates/", "viewer"),
    ("messages.edit_template", "get", "/messages/templates/invitation/ru", "editor"),
    ("messages.edit_template", "post", "/messages/templates/invitation/ru", "editor"),
    ("messages.reset_template", "post", "/messages/templates/invitation/ru/reset", "editor"),
    ("messages.nudge", "post", "/invitees/{invitee}/nudge", "editor"),
]
WRITES = [r for r in ROUTES if r[3] == "editor"]
READS = [r for r in ROUTES if r[3] == "viewer"]


def ids(routes):
    return [f"{r[1]} {r[0]}" for r in routes]


@pytest.fixture
def invitee(institute):
    return factories.make_invitee(institute, language="en")


def schedule(institute) -> ScheduledMessage:
    scheduled = ScheduledMessage(
        institute_id=institute.id,
        audience="{}",
        texts=json.dumps({"en": ["Hi", "Hello {name}"]}),
        send_at=utcnow().replace(year=2099),
    )
    db.session.add(scheduled)
    db.session.commit()
    return scheduled


@pytest.fixture
def scheduled(institute):
    return schedule(institute)


def url(institute, path, invitee, scheduled) -> str:
    return f"/institutes/{institute.slug}" + path.format(invitee=invitee.id, scheduled=scheduled.id)


def nothing_happened(scheduled):
    db.session.expire_all()
    assert scheduled.status == ScheduleStatus.SCHEDULED
    assert db.session.scalar(select(func.count(OutboundEmail.id))) == 0


def test_the_matrix_covers_every_route_of_the_package(app):
    ours = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("messages.")}
    assert ours == ENDPOINTS == {r[0] for r in ROUTES}


@pytest.mark.parametrize(("endpoint", "method", "path", "role"), ROUTES, ids=ids(ROUTES))
def test_anonymous_is_sent_to_login(
    client, institute, invitee, scheduled, endpoint, method, path, role
):
    response = getattr(client, method)(url(institute, path, invitee, scheduled))
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    nothing_happened(scheduled)


@pytest.mark.parametrize(("endpoint", "method", "path", "role"), ROUTES, ids=ids(ROUTES))
def test_organizer_of_another_institute_gets_404(
    outsider, institute, invitee, scheduled, endpoint, method, path, role
):
    response = getattr(outsider, method)(url(institute, path, invitee, scheduled))
    assert response.status_code == 404
    nothing_happened(scheduled)


@pytest.mark.parametrize(("endpoint", "method", "path", "role"), WRITES, ids=ids(WRITES))
def test_viewer_cannot_write(member, institute, invitee, scheduled, endpoint, method, path, role):
    response = getattr(member("viewer"), method)(url(institute, path, invitee, scheduled))
    assert response.status_code == 403
    nothing_happened(scheduled)


@pytest.mark.parametrize(("endpoint", "method", "path", "role"), READS, ids=ids(READS))
def test_viewer_can_read(member, institute, invitee, scheduled, endpoint, method, path, role):
    response = getattr(member("viewer"), method)(url(institute, path, invitee, scheduled))
    assert response.status_code == 200


@pytest.mark.parametrize(("endpoint", "method", "path", "role"), WRITES, ids=ids(WRITES))
def test_editor_may_write(member, institute, invitee, scheduled, endpoint, method, path, role):
    response = getattr(member("editor"), method)(url(institute, path, invitee, scheduled))
    assert response.status_code in (200, 302, 400)


def test_ids_of_another_institute_are_404(owner_client, organizer, institute):
    other = factories.make_institute(owner=organizer)
    stranger = factories.make_invitee(other)
    theirs = schedule(other)

    nudge = owner_client.post(f"/institutes/{institute.slug}/invitees/{stranger.id}/nudge")
    cancel = owner_client.post(
        f"/institutes/{institute.slug}/messages/scheduled/{theirs.id}/cancel"
    )

    assert (nudge.status_code, cancel.status_code) == (404, 404)
    nothing_happened(theirs)


def test_an_invitee_session_opens_no_messages_page(invitee_login, institute, invitee):
    client = invitee_login(invitee)
    response = client.get(f"/institutes/{institute.slug}/messages/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_posts_need_a_csrf_token(app, owner_client, institute, invitee, scheduled):
    app.config["WTF_CSRF_ENABLED"] = True
    for path in (
        f"/institutes/{institute.slug}/invitees/{invitee.id}/nudge",
        f"/institutes/{institute.slug}/messages/scheduled/{scheduled.id}/cancel",
    ):
        owner_client.post(path)
    response = owner_client.post(
        f"/institutes/{institute.slug}/messages/",
        data={"action": "send", "subject_en": "Hi", "body_en": "Hello"},
    )
    assert response.status_code == 400
    nothing_happened(scheduled)
