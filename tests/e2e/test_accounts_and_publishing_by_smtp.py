"""End to end over a real SMTP server: bring a colleague in, recover a password, publish."""

import re
from datetime import datetime

import pytest
from sqlalchemy import select

from planner.agenda.models import Session
from planner.extensions import db
from planner.mail.models import OutboundEmail
from planner.mail.sender import send_queued
from tests.agenda.factories import make_facilitator, make_room, make_session


@pytest.fixture
def app_config(smtp_server):
    return smtp_server.app_config()


def _link(smtp_server, message, prefix: str) -> str:
    text = smtp_server.text(message)
    found = re.search(rf"http://planner\.test({re.escape(prefix)}[A-Za-z0-9_\-]{{40,}})", text)
    assert found, text
    assert found.group(0) in smtp_server.html(message)
    return found.group(1)


def test_invite_a_colleague_and_sign_in_as_them(
    app, client, login, organizer, institute, smtp_server
):
    login(organizer)
    response = client.post(
        f"/institutes/{institute.slug}/team",
        data={"email": "aigerim@example.org", "role": "editor"},
    )
    assert response.status_code == 302
    assert smtp_server.messages == []  # the request only queued it
    assert send_queued() == 1
    message = smtp_server.to("aigerim@example.org")[-1]
    assert institute.title in message["Subject"]
    path = _link(smtp_server, message, "/join/")
    # The stored copy holds no live link once sent.
    db.session.expire_all()
    stored = db.session.scalar(select(OutboundEmail).where(OutboundEmail.kind == "team_invitation"))
    assert path.rsplit("/", 1)[1] not in stored.body_text

    colleague = app.test_client()
    assert colleague.get(path).status_code == 200
    joined = colleague.post(
        path,
        data={
            "name": "Айгерим Нурова",
            "password": "steppe wind 2027",
            "confirm": "steppe wind 2027",
        },
    )
    assert joined.headers["Location"] == f"/institutes/{institute.slug}/"
    colleague.post("/logout")

    again = app.test_client()
    signed_in = again.post(
        "/login", data={"email": "aigerim@example.org", "password": "steppe wind 2027"}
    )
    assert signed_in.status_code == 302
    dashboard = again.get(f"/institutes/{institute.slug}/")
    assert dashboard.status_code == 200
    assert again.get(f"/institutes/{institute.slug}/settings").status_code == 200  # an editor


def test_reset_a_password_and_see_the_old_session_die(app, login, organizer, smtp_server):
    old_session = login(organizer, on=app.test_client())
    assert old_session.get("/institutes/").status_code == 200

    browser = app.test_client()
    assert "Forgot your password?" in browser.get("/login").get_data(as_text=True)
    browser.post("/password/forgot", data={"email": organizer.email})
    assert send_queued() == 1
    path = _link(smtp_server, smtp_server.to(organizer.email)[-1], "/password/reset/")
    done = browser.post(path, data={"password": "a fresh password", "confirm": "a fresh password"})
    assert done.status_code == 302
    assert browser.get("/institutes/").status_code == 200

    dead = old_session.get("/institutes/")
    assert dead.status_code == 302 and dead.headers["Location"].startswith("/login")
    assert app.test_client().get(path).status_code == 404  # single use
    fresh = app.test_client()
    assert (
        fresh.post(
            "/login", data={"email": organizer.email, "password": "a fresh password"}
        ).status_code
        == 302
    )


def test_publish_with_a_conflict_then_a_second_version_with_a_changelog(
    app, client, login, organizer, institute, smtp_server
):
    hall = make_room(institute, "Plenary Hall")
    room_b = make_room(institute, "Room B", position=20)
    rania = make_facilitator(institute, "Rania Haddad", email="rania@example.org", language="en")
    make_session(institute, title="Opening", room=hall, facilitators=[rania])
    make_session(institute, "2027-04-12 11:00", "2027-04-12 12:30", "Practice A", room=room_b)
    clash = make_session(
        institute,
        "2027-04-12 11:00",
        "2027-04-12 12:00",
        "Practice B",
        room=room_b,
        facilitators=[rania],
    )
    login(organizer)
    page = client.get(f"/institutes/{institute.slug}/publish").get_data(as_text=True)
    assert "1 open warning in the agenda" in page
    assert "Room B" in page
    published = client.post(
        f"/institutes/{institute.slug}/publish", data={"acknowledge_conflicts": "y"}
    )
    assert published.status_code == 302
    assert "Version 1" in client.get(f"/p/{institute.slug}/").get_data(as_text=True)

    # Move the clashing session through the editor's own form, then publish version 2.
    moved = client.post(
        f"/institutes/{institute.slug}/agenda/sessions/{clash.id}/move",
        data={"day": "2027-04-12", "starts": "14:00", "room_id": str(room_b.id)},
    )
    assert moved.status_code in (302, 303), moved.get_data(as_text=True)[:400]
    db.session.expire_all()
    assert db.session.get(Session, clash.id).starts_local == datetime(2027, 4, 12, 14, 0)
    page = client.get(f"/institutes/{institute.slug}/publish").get_data(as_text=True)
    assert "No open warnings in the agenda." in page
    assert "What changed since version 1" in page and "1 session moved" in page
    client.post(
        f"/institutes/{institute.slug}/publish",
        data={"note": "Practice B after lunch", "notify_facilitators": "y"},
    )
    public = client.get(f"/p/{institute.slug}/").get_data(as_text=True)
    assert "Version 2" in public and "Practice B after lunch" in public

    assert send_queued() == 1
    message = smtp_server.to("rania@example.org")[-1]
    assert "version 2" in message["Subject"]
    text = smtp_server.text(message)
    assert "Practice B" in text and "14:00" in text and "11:00" in text
    assert f"http://planner.test/p/{institute.slug}/" in text
