"""Secrets at rest (F11, F12, F14): outbox bodies encrypted; invitee sessions end on the server."""

from datetime import timedelta

import pytest
from sqlalchemy import select, text

from planner.db import utcnow
from planner.extensions import db
from planner.invitations import services
from planner.invitations.access import SESSION_KEY
from planner.invitations.models import RsvpStatus
from planner.invitations.sessions import InviteeSession
from planner.mail.models import MailStatus, OutboundEmail
from planner.mail.services import queue_email
from tests import factories
from tests.plugins.invitee_session import make_link

TOKEN = "Zx8Qd1m4Rk2Lw7Tt0Yp5Vb3Nc6Hs9Jf1Ae4Gu8Oi2Ke"


def raw_bodies(message_id: int) -> tuple[str, str]:
    row = db.session.execute(
        text("SELECT body_text, body_html FROM outbound_email WHERE id = :id"), {"id": message_id}
    ).one()
    return row.body_text, row.body_html


@pytest.mark.parametrize("status", [MailStatus.QUEUED, MailStatus.FAILED])
def test_queued_and_failed_messages_keep_no_readable_link_in_the_database(app, status):
    message = queue_email(
        recipient="aigul@example.org",
        kind="invitation",
        subject="Invitation",
        body_text=f"Open http://planner.test/r/{TOKEN}\n",
        body_html=f'<a href="http://planner.test/r/{TOKEN}">Open</a>',
    )
    message.status = status
    db.session.commit()

    stored_text, stored_html = raw_bodies(message.id)
    assert TOKEN not in stored_text and TOKEN not in stored_html
    assert "planner.test" not in stored_text
    assert stored_text.split(":", 1)[0] in app.config["ENCRYPTION_KEYS"]
    db.session.expire_all()
    assert TOKEN in db.session.get(OutboundEmail, message.id).body_text  # the sender reads it


def test_an_empty_html_body_stays_empty(app):
    message = queue_email(recipient="a@example.org", kind="test", subject="S", body_text="T")
    db.session.commit()
    assert raw_bodies(message.id)[1] == ""


@pytest.fixture
def answered(institute):
    invitee = factories.make_invitee(institute, rsvp_status=RsvpStatus.INVITED)
    token, _ = make_link(invitee)
    return invitee, token


def open_session(app, token):
    client = app.test_client()
    assert client.post(f"/r/{token}").status_code == 302
    assert client.get("/me/").status_code == 200
    return client


def copy_of(app, client):
    """Another browser holding a copy of the same cookie (taken before sign-out)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value, domain="localhost")
    return thief


def test_sign_out_ends_every_copy_of_the_invitee_session(app, answered):
    _, token = answered
    client = open_session(app, token)
    thief = copy_of(app, client)
    assert thief.get("/me/").status_code == 200

    assert client.post("/me/sign-out").status_code == 302

    assert client.get("/me/").status_code == 404
    assert thief.get("/me/").status_code == 404
    assert db.session.scalar(select(InviteeSession.ended_at)) is not None


@pytest.mark.parametrize("how", ["revoke", "new link", "remove"])
def test_revoking_the_link_ends_the_session_on_the_server(app, answered, organizer, how):
    invitee, token = answered
    client = open_session(app, token)
    if how == "revoke":
        services.revoke_links(invitee, organizer)
    elif how == "new link":
        services.send_invitations(
            invitee.institute, [invitee], organizer, "http://planner.test", only_unanswered=False
        )
    else:
        services.remove_invitee(invitee, organizer)
    db.session.commit()

    assert client.get("/me/").status_code == 404
    db.session.expire_all()
    assert all(s.ended_at is not None for s in db.session.scalars(select(InviteeSession)))


def forged(app, client, **changes):
    with client.session_transaction() as session:
        session[SESSION_KEY] = {**session[SESSION_KEY], **changes}


def test_an_issued_at_in_the_future_is_refused(app, answered):
    _, token = answered
    client = open_session(app, token)
    forged(app, client, started=(utcnow() + timedelta(days=365 * 900)).isoformat())
    assert client.get("/me/").status_code == 404


def test_a_session_minted_with_the_secret_key_but_no_server_id_is_refused(app, answered):
    _, token = answered
    client = open_session(app, token)
    with client.session_transaction() as session:
        data = dict(session[SESSION_KEY])
    minted = app.test_client()
    with minted.session_transaction() as session:
        session[SESSION_KEY] = {k: v for k, v in data.items() if k != "sid"}
    assert minted.get("/me/").status_code == 404
    with minted.session_transaction() as session:
        session[SESSION_KEY] = {**data, "sid": "made-up-session-id-of-enough-length"}
    assert minted.get("/me/").status_code == 404


def test_the_server_side_lifetime_wins_over_the_cookie(app, answered):
    _, token = answered
    client = open_session(app, token)
    db.session.execute(
        InviteeSession.__table__.update().values(issued_at=utcnow() - timedelta(hours=13))
    )
    db.session.commit()
    forged(app, client, started=utcnow().isoformat())  # a fresh-looking cookie
    assert client.get("/me/").status_code == 404


def test_a_new_session_clears_the_invitees_finished_ones(app, answered):
    _, token = answered
    first = open_session(app, token)
    first.post("/me/sign-out")
    open_session(app, token)
    assert len(db.session.scalars(select(InviteeSession)).all()) == 1
