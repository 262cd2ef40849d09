"""Team invitations: an owner invites by e-mail; the colleague joins through the link."""

import pytest
from sqlalchemy import func, select

from planner.accounts.models import TeamInvitation
from planner.auth.addresses import is_organizer_address
from planner.auth.models import Membership, Organizer, TeamRole
from planner.institutes.models import InstituteStatus
from planner.mail.models import OutboundEmail
from tests import factories
from tests.accounts.conftest import link_in_outbox

NEW_PASSWORD = "a long new password"


def _invite(client, institute, email="colleague@example.org", role="editor"):
    return client.post(f"/institutes/{institute.slug}/team", data={"email": email, "role": role})


def _members(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Membership))


def test_a_new_colleague_sets_name_and_password_and_lands_in_the_institute(
    client, app, login, organizer, institute, db
):
    login(organizer)
    assert _invite(client, institute, "Colleague@Example.org", "editor").status_code == 302
    message = db.session.scalar(
        select(OutboundEmail).where(OutboundEmail.kind == "team_invitation")
    )
    assert message.recipient == "colleague@example.org"
    assert institute.title in message.subject
    path = link_in_outbox("colleague@example.org", "/join/")
    # Only the hash is stored.
    token = path.rsplit("/", 1)[1]
    assert db.session.scalar(select(TeamInvitation)).token_hash != token

    colleague = app.test_client()
    page = colleague.get(path)  # what a mail scanner does: changes nothing
    assert page.status_code == 200
    assert "Your name" in page.get_data(as_text=True)
    assert db.session.scalar(select(TeamInvitation)).accepted_at is None

    response = colleague.post(
        path, data={"name": "Aigerim Nurova", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/institutes/{institute.slug}/"
    assert colleague.get(f"/institutes/{institute.slug}/").status_code == 200
    account = db.session.scalar(select(Organizer).where(Organizer.email == "colleague@example.org"))
    assert account.name == "Aigerim Nurova"
    membership = db.session.scalar(select(Membership).where(Membership.organizer_id == account.id))
    assert membership.role == TeamRole.EDITOR

    # Single use: the link is dead now, also for a second browser.
    assert app.test_client().get(path).status_code == 404
    # And the new account signs in through the ordinary form.
    fresh = app.test_client()
    signed_in = fresh.post(
        "/login", data={"email": "colleague@example.org", "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302


def test_an_existing_account_accepts_with_its_password(
    client, app, login, organizer, institute, db
):
    colleague = factories.make_organizer(email="colleague@example.org", name="Timur K.")
    login(organizer)
    _invite(client, institute, "colleague@example.org", "viewer")
    path = link_in_outbox("colleague@example.org", "/join/")
    browser = app.test_client()
    page = browser.get(path).get_data(as_text=True)
    assert "You already have an account" in page
    wrong = browser.post(path, data={"password": "not the password"})
    assert wrong.status_code == 400
    assert "The password is not correct." in wrong.get_data(as_text=True)
    assert _members(db) == 1
    right = browser.post(path, data={"password": factories.DEFAULT_PASSWORD})
    assert right.status_code == 302
    membership = db.session.scalar(
        select(Membership).where(Membership.organizer_id == colleague.id)
    )
    assert membership.role == TeamRole.VIEWER


def test_signed_in_as_the_invited_account_one_button_joins(
    client, app, login, organizer, institute, db
):
    colleague = factories.make_organizer(email="colleague@example.org")
    login(organizer)
    _invite(client, institute)
    path = link_in_outbox("colleague@example.org", "/join/")
    browser = login(colleague, on=app.test_client())
    assert "You are signed in as" in browser.get(path).get_data(as_text=True)
    assert browser.post(path).status_code == 302
    assert _members(db) == 2


def test_signed_in_as_someone_else_cannot_accept(client, app, login, organizer, institute, db):
    login(organizer)
    _invite(client, institute)
    path = link_in_outbox("colleague@example.org", "/join/")
    other = factories.make_organizer(email="other@example.org")
    browser = login(other, on=app.test_client())
    page = browser.get(path).get_data(as_text=True)
    assert "Sign out first" in page
    assert browser.post(path).status_code == 400
    assert _members(db) == 1
    assert db.session.scalar(select(TeamInvitation)).accepted_at is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"name": "", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
            "This field is required.",
        ),
        ({"name": "Aigerim", "password": "short", "confirm": "short"}, "at least 10"),
        (
            {"name": "Aigerim", "password": NEW_PASSWORD, "confirm": "different pass"},
            "The passwords differ.",
        ),
    ],
)
def test_invalid_join_input_is_explained_and_kept(
    client, app, login, organizer, institute, db, data, message
):
    login(organizer)
    _invite(client, institute)
    path = link_in_outbox("colleague@example.org", "/join/")
    response = app.test_client().post(path, data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    if data["name"]:
        assert f'value="{data["name"]}"' in page
    assert db.session.scalar(select(func.count()).select_from(Organizer)) == 1
    assert db.session.scalar(select(TeamInvitation)).accepted_at is None


@pytest.mark.parametrize("email", ["not-an-email", "someone@probe.test", "a@localhost", ""])
def test_invalid_invitation_address_is_refused_next_to_the_field(
    client, login, organizer, institute, db, email
):
    login(organizer)
    response = _invite(client, institute, email)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Invalid email address." in page or "This field is required." in page
    if email:
        assert f'value="{email}"' in page
    assert db.session.scalar(select(func.count()).select_from(TeamInvitation)) == 0


def test_inviting_again_replaces_the_earlier_link(client, app, login, organizer, institute, db):
    login(organizer)
    _invite(client, institute)
    first = link_in_outbox("colleague@example.org", "/join/")
    _invite(client, institute)
    second = link_in_outbox("colleague@example.org", "/join/")
    assert first != second
    assert app.test_client().get(first).status_code == 404
    assert app.test_client().get(second).status_code == 200


def test_a_withdrawn_invitation_no_longer_works(client, app, login, organizer, institute, db):
    login(organizer)
    _invite(client, institute)
    path = link_in_outbox("colleague@example.org", "/join/")
    invitation = db.session.scalar(select(TeamInvitation))
    response = client.post(f"/institutes/{institute.slug}/team/invitations/{invitation.id}/revoke")
    assert response.status_code == 302
    page = app.test_client().get(path)
    assert page.status_code == 404
    assert "Ask the owner" in page.get_data(as_text=True)


def test_no_invitations_in_an_archived_institute(client, app, login, organizer, institute, db):
    login(organizer)
    _invite(client, institute)
    path = link_in_outbox("colleague@example.org", "/join/")
    institute.status = InstituteStatus.ARCHIVED
    db.session.commit()
    response = _invite(client, institute, "second@example.org")
    assert response.status_code == 403
    assert "archived" in response.get_data(as_text=True)
    assert app.test_client().get(path).status_code == 404  # nor joining by an older link
    assert db.session.scalar(select(func.count()).select_from(TeamInvitation)) == 1


# --- one address rule for the sign-in form and flask create-organizer -------------------------

ADDRESSES = [
    "nurlan@example.org",
    "Nurlan.B@Example.ORG",
    "someone@probe.test",
    "x@localhost",
    "no-at-sign",
    "a@b@example.org",
]


@pytest.mark.parametrize("email", ADDRESSES)
def test_create_organizer_accepts_exactly_what_the_login_form_accepts(runner, client, db, email):
    result = runner.invoke(
        args=["create-organizer", "--email", email, "--name", "N", "--password", NEW_PASSWORD]
    )
    created = result.exit_code == 0
    assert created == is_organizer_address(email)
    login = client.post("/login", data={"email": email, "password": NEW_PASSWORD})
    assert (login.status_code == 302) == created
    if not created:
        assert "cannot be used to sign in" in result.output
