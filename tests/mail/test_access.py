"""Who may open which page of the outbox: every route of the mail package."""

import pytest

from planner.auth.models import TeamRole
from planner.mail import sender
from tests import factories
from tests.mail.conftest import queue

ENDPOINTS = {
    "mail.outbox",
    "mail.message",
    "mail.retry",
    "mail.retry_failed",
    "mail.send_test",
    "mail.delivered",
}


@pytest.fixture
def app_config():
    return {"MAIL_BACKEND": "file"}


@pytest.fixture
def message(institute):
    message = queue(institute)
    sender.send_queued()  # the file backend writes its .eml
    return message


def routes(institute, message) -> dict[str, tuple[str, str]]:
    base = f"/institutes/{institute.slug}/outbox"
    return {
        "mail.outbox": ("GET", f"{base}/"),
        "mail.message": ("GET", f"{base}/{message.id}"),
        "mail.retry": ("POST", f"{base}/{message.id}/retry"),
        "mail.retry_failed": ("POST", f"{base}/retry-failed"),
        "mail.send_test": ("POST", f"{base}/test"),
        "mail.delivered": ("GET", f"{base}/{message.id}/eml"),
    }


def call(client, method: str, url: str):
    return client.get(url) if method == "GET" else client.post(url)


def test_every_endpoint_is_covered(app, institute, message):
    registered = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("mail.")}
    assert registered == ENDPOINTS == set(routes(institute, message))


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_anonymous_is_sent_to_the_login(client, institute, message, endpoint):
    method, url = routes(institute, message)[endpoint]

    response = call(client, method, url)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_organizer_of_another_institute_gets_404(login, institute, message, endpoint):
    stranger = factories.make_organizer()
    factories.make_institute(owner=stranger)
    method, url = routes(institute, message)[endpoint]

    assert call(login(stranger), method, url).status_code == 404


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_viewer_reads_but_may_not_change(login, institute, message, endpoint):
    viewer = factories.make_organizer()
    factories.add_member(institute, viewer, TeamRole.VIEWER)
    method, url = routes(institute, message)[endpoint]

    response = call(login(viewer), method, url)

    # The delivered .eml carries the invitee's live link: editors and owners only.
    reads = method == "GET" and endpoint != "mail.delivered"
    assert response.status_code == (200 if reads else 403)


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_editor_may_do_everything(login, institute, message, endpoint):
    editor = factories.make_organizer()
    factories.add_member(institute, editor, TeamRole.EDITOR)
    method, url = routes(institute, message)[endpoint]

    response = call(login(editor), method, url)

    assert response.status_code == (200 if method == "GET" else 302)


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_an_invitee_session_opens_no_organizer_page(invitee_login, institute, message, endpoint):
    client = invitee_login(factories.make_invitee(institute))
    method, url = routes(institute, message)[endpoint]

    response = call(client, method, url)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("endpoint", ["mail.message", "mail.retry", "mail.delivered"])
def test_a_message_of_another_institute_is_404_even_for_an_owner(
    login, organizer, institute, endpoint
):
    other = factories.make_institute(owner=factories.make_organizer())
    foreign = queue(other)
    sender.send_queued()
    method, url = routes(institute, foreign)[endpoint]

    assert call(login(organizer), method, url).status_code == 404


def test_eml_is_404_when_mail_goes_over_smtp(app, login, organizer, institute, message):
    app.config["MAIL_BACKEND"] = "smtp"

    response = login(organizer).get(routes(institute, message)["mail.delivered"][1])

    assert response.status_code == 404
