"""Who may open each agenda route: anonymous, another institute's organizer, viewer, invitee."""

import pytest

from planner.agenda.models import SessionKind
from tests import factories
from tests.agenda.factories import make_facilitator, make_room, make_session

ENDPOINTS = {
    "agenda.index",
    "agenda.session",
    "agenda.new_session",
    "agenda.edit_session",
    "agenda.move_session",
    "agenda.check_placement",
    "agenda.place_session",
    "agenda.duplicate_session",
    "agenda.cancel_session",
    "agenda.restore_session",
    "agenda.duplicate_day",
    "agenda.rooms",
    "agenda.add_room",
    "agenda.edit_room",
    "agenda.delete_room",
    "agenda.breakouts",
    "agenda.assign_breakouts",
    "agenda.split_breakouts",
    "agenda.my_agenda",
    "agenda.public_program",
}


@pytest.fixture
def agenda(institute):
    room = make_room(institute, "Altai Room", 10)
    session = make_session(
        institute,
        "2027-04-12 11:00",
        "2027-04-12 12:30",
        "Group A",
        kind=SessionKind.BREAKOUT,
        room=room,
    )
    return {"room": room, "session": session}


def organizer_routes(institute, agenda):
    """(method, url, needs) of every organizer route; needs is the lowest team role."""
    base = f"/institutes/{institute.slug}/agenda"
    s, r = agenda["session"].id, agenda["room"].id
    slot = "?at=2027-04-12T11:00"
    return [
        ("GET", f"{base}/", "viewer"),
        ("GET", f"{base}/sessions/{s}", "viewer"),
        ("GET", f"{base}/sessions/new", "editor"),
        ("POST", f"{base}/sessions/new", "editor"),
        ("GET", f"{base}/sessions/{s}/edit", "editor"),
        ("POST", f"{base}/sessions/{s}/edit", "editor"),
        ("GET", f"{base}/sessions/{s}/move", "editor"),
        ("POST", f"{base}/sessions/{s}/move", "editor"),
        ("POST", f"{base}/sessions/{s}/check", "editor"),
        ("POST", f"{base}/sessions/{s}/place", "editor"),
        ("POST", f"{base}/sessions/{s}/duplicate", "editor"),
        ("POST", f"{base}/sessions/{s}/cancel", "editor"),
        ("POST", f"{base}/sessions/{s}/restore", "editor"),
        ("GET", f"{base}/days/duplicate", "editor"),
        ("POST", f"{base}/days/duplicate", "editor"),
        ("GET", f"{base}/rooms", "viewer"),
        ("POST", f"{base}/rooms", "editor"),
        ("GET", f"{base}/rooms/{r}", "editor"),
        ("POST", f"{base}/rooms/{r}", "editor"),
        ("POST", f"{base}/rooms/{r}/delete", "editor"),
        ("GET", f"{base}/breakouts", "viewer"),
        ("GET", f"{base}/breakouts{slot}", "viewer"),
        ("POST", f"{base}/breakouts/assign{slot}", "editor"),
        ("POST", f"{base}/breakouts/split{slot}", "editor"),
    ]


def test_anonymous_is_sent_to_sign_in(client, institute, agenda):
    for method, url, _ in organizer_routes(institute, agenda):
        response = client.open(url, method=method)
        assert response.status_code == 302, (method, url)
        assert "/login" in response.headers["Location"]


def test_organizer_of_another_institute_gets_404(other_organizer_client, institute, agenda):
    for method, url, _ in organizer_routes(institute, agenda):
        assert other_organizer_client.open(url, method=method).status_code == 404, (method, url)


def test_viewer_reads_but_gets_403_on_every_write(viewer_client, institute, agenda, db):
    for method, url, needs in organizer_routes(institute, agenda):
        status = viewer_client.open(url, method=method).status_code
        assert status == (200 if needs == "viewer" else 403), (method, url, status)
    db.session.refresh(agenda["session"])
    assert agenda["session"].sequence == 0


def test_editor_reaches_every_route(editor_client, institute, agenda):
    for method, url, _ in organizer_routes(institute, agenda):
        status = editor_client.open(url, method=method).status_code
        assert status in (200, 302, 400), (method, url, status)


def test_sessions_and_rooms_of_another_institute_are_404(editor_client, institute):
    other = factories.make_institute()
    foreign = {"room": make_room(other, "Their room"), "session": make_session(other)}
    for method, url, _ in organizer_routes(institute, foreign):
        if ("/sessions/" in url and "/new" not in url) or "/rooms/" in url:
            assert editor_client.open(url, method=method).status_code == 404, (method, url)


def test_invitee_session_opens_no_organizer_page(invitee_login, institute, agenda):
    client = invitee_login(make_facilitator(institute))
    for method, url, _ in organizer_routes(institute, agenda):
        assert client.open(url, method=method).status_code == 302, (method, url)


def test_my_agenda_is_404_without_an_invitee_session(client, organizer_client, institute):
    assert client.get("/me/agenda").status_code == 404
    assert organizer_client.get("/me/agenda").status_code == 404


def test_another_invitees_session_shows_only_their_own_institute(invitee_login, institute, agenda):
    other = factories.make_institute()
    stranger = make_facilitator(other, "Samira Khalil")
    make_session(other, title="Their plenary")
    make_session(institute, title="Our plenary")
    page = invitee_login(stranger).get("/me/agenda").get_data(as_text=True)
    assert "Their plenary" in page
    assert "Our plenary" not in page and "Group A" not in page


def test_public_program_needs_publication_only(client, institute, agenda, db):
    assert client.get(f"/p/{institute.slug}/").status_code == 404
    institute.program_published = True
    db.session.commit()
    assert client.get(f"/p/{institute.slug}/").status_code == 200
    assert client.post(f"/p/{institute.slug}/").status_code == 405


def test_every_agenda_route_is_covered_here(app):
    routes = {
        rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("agenda.")
    }
    assert routes == ENDPOINTS
