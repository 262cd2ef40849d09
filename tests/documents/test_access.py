"""Who may have which document: every route of the documents package, every kind of visitor."""

from datetime import UTC, datetime

import pytest

from planner.auth.models import TeamRole
from planner.db import utcnow
from tests import factories

ENDPOINTS = {
    "documents.index",
    "documents.document_pdf",
    "documents.document_preview",
    "documents.facilitator_agenda_pdf",
    "documents.facilitator_agenda_preview",
    "documents.letter_pdf",
    "documents.letter_preview",
    "documents.send_letter",
    "documents.letter_settings",
    "documents.public_program_pdf",
    "documents.my_agenda_pdf",
    "documents.my_agenda_preview",
    "documents.my_letter_pdf",
    "documents.my_letter_preview",
}

LISTS = ("arrivals", "departures", "rooming", "badges")


def organizer_routes(program) -> list[tuple[str, str, str]]:
    """(method, url, least role) of every organizer route."""
    base = f"/institutes/{program.institute.slug}/documents"
    facilitator, listed = program.facilitator.id, program.listed.id
    routes = [
        ("GET", f"{base}/", "viewer"),
        ("GET", f"{base}/program.pdf", "viewer"),
        ("GET", f"{base}/program", "viewer"),
        ("GET", f"{base}/agendas/{facilitator}.pdf", "editor"),
        ("GET", f"{base}/agendas/{facilitator}", "editor"),
        ("GET", f"{base}/letters/{listed}.pdf", "editor"),
        ("GET", f"{base}/letters/{listed}", "editor"),
        ("POST", f"{base}/letters/{listed}/send", "editor"),
        ("GET", f"{base}/letter", "editor"),
        ("POST", f"{base}/letter", "editor"),
    ]
    for kind in LISTS:
        routes += [("GET", f"{base}/{kind}.pdf", "editor"), ("GET", f"{base}/{kind}", "editor")]
    return routes


def call(client, method: str, url: str):
    return client.get(url) if method == "GET" else client.post(url, data={})


@pytest.fixture
def approved(program, letter_settings, db):
    program.visa_case.letter_approved_at = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
    db.session.commit()
    return program


def test_anonymous_visitors_are_sent_to_sign_in(approved, client):
    for method, url, _role in organizer_routes(approved):
        response = call(client, method, url)
        assert response.status_code == 302, url
        assert "/login" in response.headers["Location"], url


def test_organizer_of_another_institute_gets_404_everywhere(approved, client, login):
    stranger = factories.make_organizer(email="stranger@example.org")
    factories.make_institute(owner=stranger)
    login(stranger)
    for method, url, _role in organizer_routes(approved):
        assert call(client, method, url).status_code == 404, url


def test_viewer_reads_the_booklet_but_not_personal_documents(approved, client, login, viewer):
    login(viewer)
    for method, url, role in organizer_routes(approved):
        expected = 200 if role == "viewer" else 403
        assert call(client, method, url).status_code == expected, url


def test_editor_reaches_every_document(approved, client, login, editor):
    login(editor)
    for method, url, _role in organizer_routes(approved):
        status = call(client, method, url).status_code
        assert status in (200, 302, 400), url  # POSTs redirect or report the empty form
        if method == "GET":
            assert status == 200, url


@pytest.mark.parametrize("role", [TeamRole.EDITOR, TeamRole.OWNER])
def test_letters_are_for_editors_and_owners(approved, client, login, role):
    person = factories.make_organizer()
    factories.add_member(approved.institute, person, role)
    login(person)
    url = f"/institutes/{approved.institute.slug}/documents/letters/{approved.listed.id}.pdf"
    assert client.get(url).status_code == 200


def test_people_and_kinds_of_another_institute_are_404(approved, client, login, organizer):
    other_institute = factories.make_institute(owner=organizer)
    outsider = factories.make_invitee(other_institute)
    login(organizer)
    base = f"/institutes/{approved.institute.slug}/documents"
    for url in (
        f"{base}/letters/{outsider.id}.pdf",
        f"{base}/letters/{outsider.id}",
        f"{base}/agendas/{outsider.id}.pdf",
        f"{base}/agendas/{outsider.id}",
        f"{base}/no-such-kind.pdf",
        f"{base}/no-such-kind",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"{base}/letters/{outsider.id}/send").status_code == 404


def test_removed_invitees_have_no_documents(approved, db, client, login, organizer):
    approved.listed.removed_at = utcnow()
    db.session.commit()
    login(organizer)
    url = f"/institutes/{approved.institute.slug}/documents/letters/{approved.listed.id}.pdf"
    assert client.get(url).status_code == 404


def test_public_booklet_only_when_published(approved, db, client):
    url = f"/p/{approved.institute.slug}/program.pdf"
    assert client.get(url).status_code == 200
    assert client.get("/p/no-such-institute/program.pdf").status_code == 404
    approved.institute.program_published = False
    db.session.commit()
    assert client.get(url).status_code == 404


MY_ROUTES = ("/me/agenda.pdf", "/me/agenda/print", "/me/letter.pdf", "/me/letter/print")


def test_invitee_pages_are_404_without_an_invitee_session(approved, client, login, organizer):
    for url in MY_ROUTES:
        assert client.get(url).status_code == 404, url
    login(organizer)
    for url in MY_ROUTES:
        assert client.get(url).status_code == 404, f"organizers are not invitees: {url}"


def test_invitee_gets_only_their_own_documents(approved, invitee_login):
    # The facilitator has an agenda and no letter; the listed participant a letter and no agenda.
    facilitator = invitee_login(approved.facilitator)
    participant = invitee_login(approved.listed)
    assert [facilitator.get(url).status_code for url in MY_ROUTES] == [200, 200, 404, 404]
    assert [participant.get(url).status_code for url in MY_ROUTES] == [404, 404, 200, 200]


def test_another_invitees_session_never_shows_this_letter(approved, invitee_login):
    other = invitee_login(approved.unlisted)
    response = other.get("/me/letter.pdf")
    assert response.status_code == 404
    assert b"N1234567" not in response.data


def test_a_revoked_link_ends_access_to_the_letter(approved, db, invitee_login):
    client = invitee_login(approved.listed)
    assert client.get("/me/letter.pdf").status_code == 200
    from planner.invitations.models import AccessLink

    for link in db.session.scalars(db.select(AccessLink)):
        link.revoked_at = utcnow()
    db.session.commit()
    assert client.get("/me/letter.pdf").status_code == 404


def test_every_route_of_the_package_is_covered(app):
    routes = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert {e for e in routes if e.startswith("documents.")} == ENDPOINTS
