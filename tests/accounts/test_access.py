"""Access matrix of team invitations and the password reset."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from planner.accounts import reset, team_invites
from planner.accounts.models import PasswordReset
from planner.auth.models import TeamRole
from planner.db import utcnow
from planner.extensions import db
from tests import factories
from tests.accounts.conftest import link_in_outbox

ENDPOINTS = {
    "accounts.forgot_password",
    "accounts.reset_password",
    "accounts.join",
    "accounts.accept",
    "accounts.revoke_invitation",
}
RANK = {"viewer": 0, "editor": 1, "owner": 2}


def _invite(institute, inviter, email="colleague@example.org"):
    invitation = team_invites.invite_colleague(
        institute, email, TeamRole.EDITOR, inviter, "http://planner.test"
    )
    db.session.commit()
    return invitation


@pytest.fixture
def revoke_path(institute, organizer):
    invitation = _invite(institute, organizer)
    return f"/institutes/{institute.slug}/team/invitations/{invitation.id}/revoke"


def test_anonymous_reaches_the_public_pages_but_not_the_team(client, revoke_path):
    assert client.get("/password/forgot").status_code == 200
    assert client.post("/password/forgot", data={}).status_code == 400
    assert client.get("/password/reset/" + "x" * 43).status_code == 404
    assert client.post("/password/reset/" + "x" * 43, data={}).status_code == 404
    assert client.get("/join/" + "x" * 43).status_code == 404
    assert client.post("/join/" + "x" * 43, data={}).status_code == 404
    response = client.post(revoke_path)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_organizer_of_another_institute_gets_404(client, login, revoke_path):
    stranger = factories.make_organizer()
    factories.make_institute(owner=stranger)
    login(stranger)
    assert client.post(revoke_path).status_code == 404


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_only_owners_withdraw_invitations(client, login, institute, revoke_path, role):
    member = factories.make_organizer()
    factories.add_member(institute, member, TeamRole(role))
    login(member)
    assert client.post(revoke_path).status_code == 403


def test_an_invitation_of_another_institute_is_not_found(client, login, organizer, institute):
    other_owner = factories.make_organizer()
    other = factories.make_institute(owner=other_owner)
    foreign = _invite(other, other_owner)
    login(organizer)
    path = f"/institutes/{institute.slug}/team/invitations/{foreign.id}/revoke"
    assert client.post(path).status_code == 404
    assert foreign.revoked_at is None


def test_invitee_session_opens_no_organizer_link(client, institute, organizer, invitee_login):
    invitee = factories.make_invitee(institute)
    browser = invitee_login(invitee)
    invitation = _invite(institute, organizer)
    response = browser.post(f"/institutes/{institute.slug}/team/invitations/{invitation.id}/revoke")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_a_reset_token_is_no_join_token_and_back(client, app, institute, organizer):
    invitation_token = "not-known"
    password_reset = reset.request_reset(organizer.email, "http://planner.test")
    db.session.commit()
    assert password_reset is not None
    # Only hashes are stored: a token of one kind never opens the other kind of page.
    assert client.get(f"/join/{invitation_token}").status_code == 404
    stored_hash_as_token = password_reset.token_hash
    assert client.get(f"/password/reset/{stored_hash_as_token}").status_code == 404


def test_expired_links_do_not_work(client, institute, organizer):
    invitation = _invite(institute, organizer)
    join_path = link_in_outbox("colleague@example.org", "/join/")
    reset.request_reset(organizer.email, "http://planner.test")
    db.session.commit()
    reset_path = link_in_outbox(organizer.email, "/password/reset/")
    assert client.get(join_path).status_code == 200
    assert client.get(reset_path).status_code == 200
    invitation.expires_at = utcnow() - timedelta(seconds=1)
    for password_reset in db.session.scalars(select(PasswordReset)):
        password_reset.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(join_path).status_code == 404
    assert client.get(reset_path).status_code == 404
