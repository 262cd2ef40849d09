"""End to end over a real SMTP server: the organizer invites, the invitee answers by the link."""

import re

import pytest
from sqlalchemy import select

from planner.extensions import db
from planner.invitations.models import Invitee, RsvpStatus, StatusChange
from planner.mail.models import MailStatus, OutboundEmail
from planner.mail.sender import send_queued
from tests import factories

LINK = re.compile(r"http://planner\.test/r/[A-Za-z0-9_\-]{40,}")


@pytest.fixture
def app_config(smtp_server):
    return smtp_server.app_config()


def test_invitation_goes_out_by_smtp_and_its_link_confirms(
    app, client, login, organizer, institute, smtp_server
):
    invitee = factories.make_invitee(
        institute,
        full_name="Зарина Саидова",
        email="zarina@example.org",
        language="ru",
        rsvp_status=RsvpStatus.DRAFT,
    )
    login(organizer)
    response = client.post(
        f"/institutes/{institute.slug}/invitees/send", data={"invitee": [invitee.id]}
    )
    assert response.status_code == 302
    assert smtp_server.messages == []  # the request only queued it

    assert send_queued() == 1
    message = smtp_server.messages[-1]
    assert message["To"] == "zarina@example.org"
    assert institute.title in message["Subject"]
    text = smtp_server.text(message)
    assert "Здравствуйте" in text or "Зарина" in text  # Russian, her language
    link = LINK.search(text).group(0)
    assert link in smtp_server.html(message)

    # The stored copy no longer holds a live link once it is sent.
    db.session.expire_all()
    stored = db.session.scalar(select(OutboundEmail).where(OutboundEmail.kind == "invitation"))
    assert stored.status == MailStatus.SENT
    assert link.rsplit("/", 1)[1] not in stored.body_text

    invitee_browser = app.test_client()
    path = link.removeprefix("http://planner.test")
    page = invitee_browser.get(path)  # what a mail scanner does: changes nothing
    assert page.status_code == 200
    assert db.session.get(Invitee, invitee.id).rsvp_status == RsvpStatus.INVITED
    answered = invitee_browser.post(path, data={"answer": "confirmed"})
    assert answered.status_code == 302
    assert answered.headers["Location"] == "/me/"
    me = invitee_browser.get("/me/")
    assert me.status_code == 200
    assert path not in me.get_data(as_text=True)

    db.session.expire_all()
    assert db.session.get(Invitee, invitee.id).rsvp_status == RsvpStatus.CONFIRMED
    change = db.session.scalars(
        select(StatusChange).where(StatusChange.new_status == "confirmed")
    ).one()
    assert change.by_invitee

    # The confirmation follows by the same road.
    assert send_queued() == 1
    confirmation = smtp_server.messages[-1]
    assert confirmation["To"] == "zarina@example.org"
    assert confirmation["Auto-Submitted"] == "auto-generated"  # no auto-replies to it
