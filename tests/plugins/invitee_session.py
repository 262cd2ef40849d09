"""Fixtures for the invitee's side: a secret link, and a client signed in as that invitee."""

from datetime import timedelta

import pytest

from planner.db import utcnow
from planner.extensions import db
from planner.invitations.access import SESSION_KEY
from planner.invitations.models import AccessLink, LinkPurpose
from planner.invitations.sessions import open_session
from planner.security.tokens import hash_token, new_token


def make_link(invitee, purpose: LinkPurpose = LinkPurpose.RSVP, **fields) -> tuple[str, AccessLink]:
    """A fresh link of the invitee; returns (token, link). Only the hash is stored."""
    token = new_token()
    link = AccessLink(
        invitee=invitee,
        purpose=purpose,
        token_hash=hash_token(token),
        expires_at=fields.pop("expires_at", utcnow() + timedelta(days=60)),
        **fields,
    )
    db.session.add(link)
    db.session.commit()
    return token, link


def invitee_session_data(invitee) -> dict:
    """What POST /r/<token> puts in the cookie: a new link and a server-side session."""
    _, link = make_link(invitee)
    sid, row = open_session(link)
    db.session.commit()
    return {
        "invitee_id": invitee.id,
        "link_id": link.id,
        "started": row.issued_at.isoformat(),
        "sid": sid,
    }


@pytest.fixture
def invitee_login(app):
    """Sign a test client in as an invitee (what POST /r/<token> does); returns the client."""

    def sign_in(invitee, client=None):
        client = client or app.test_client()
        data = invitee_session_data(invitee)
        with client.session_transaction() as session:
            session[SESSION_KEY] = data
        return client

    return sign_in
