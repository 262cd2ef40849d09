"""Owners manage the team; editors write; viewers only read."""

from sqlalchemy import select

from planner.accounts.models import TeamInvitation
from planner.auth.models import Membership, TeamRole
from tests import factories


def test_owner_invites_an_existing_organizer_who_joins_only_by_accepting(
    client, login, organizer, institute, db
):
    colleague = factories.make_organizer(email="colleague@example.org", name="Colleague")
    login(organizer)
    response = client.post(
        f"/institutes/{institute.slug}/team",
        data={"email": "Colleague@Example.org", "role": "viewer"},
    )
    assert response.status_code == 302
    invitation = db.session.scalar(select(TeamInvitation))
    assert (invitation.email, invitation.role) == ("colleague@example.org", TeamRole.VIEWER)
    membership = db.session.scalar(
        select(Membership).where(Membership.organizer_id == colleague.id)
    )
    assert membership is None  # joining is the colleague's own step


def test_inviting_an_address_without_account_is_fine(client, login, organizer, institute, db):
    login(organizer)
    response = client.post(
        f"/institutes/{institute.slug}/team",
        data={"email": "nobody@example.org", "role": "editor"},
    )
    assert response.status_code == 302
    assert db.session.scalar(select(TeamInvitation)).email == "nobody@example.org"
    page = client.get(f"/institutes/{institute.slug}/team").get_data(as_text=True)
    assert "nobody@example.org" in page  # listed as not yet accepted


def test_adding_a_member_twice_is_refused(client, login, organizer, institute):
    colleague = factories.make_organizer()
    factories.add_member(institute, colleague, TeamRole.EDITOR)
    login(organizer)
    response = client.post(
        f"/institutes/{institute.slug}/team", data={"email": colleague.email, "role": "viewer"}
    )
    assert response.status_code == 400
    assert "already in the team" in response.get_data(as_text=True)


def test_owner_changes_a_role_and_removes_a_member(client, login, organizer, institute, db):
    colleague = factories.make_organizer()
    membership = factories.add_member(institute, colleague, TeamRole.VIEWER)
    membership_id = membership.id
    login(organizer)
    base = f"/institutes/{institute.slug}/team/{membership_id}"
    assert client.post(f"{base}/role", data={"role": "editor"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Membership, membership_id).role == TeamRole.EDITOR
    assert client.post(f"{base}/remove").status_code == 302
    db.session.expunge_all()
    assert db.session.get(Membership, membership_id) is None


def test_the_last_owner_cannot_leave_or_be_demoted(client, login, organizer, institute, db):
    own = db.session.scalar(select(Membership).where(Membership.organizer_id == organizer.id))
    login(organizer)
    response = client.post(
        f"/institutes/{institute.slug}/team/{own.id}/role",
        data={"role": "viewer"},
        follow_redirects=True,
    )
    assert "An institute needs at least one owner." in response.get_data(as_text=True)
    client.post(f"/institutes/{institute.slug}/team/{own.id}/remove")
    db.session.expire_all()
    assert db.session.get(Membership, own.id).role == TeamRole.OWNER


def test_viewer_reads_but_cannot_write(client, login, institute, db):
    viewer = factories.make_organizer()
    factories.add_member(institute, viewer, TeamRole.VIEWER)
    login(viewer)
    assert client.get(f"/institutes/{institute.slug}/").status_code == 200
    assert client.get(f"/institutes/{institute.slug}/team").status_code == 200
    assert client.get(f"/institutes/{institute.slug}/settings").status_code == 403
    response = client.post(f"/institutes/{institute.slug}/settings", data={"title": "Hijacked"})
    assert response.status_code == 403
    other = factories.make_organizer()
    response = client.post(
        f"/institutes/{institute.slug}/team", data={"email": other.email, "role": "owner"}
    )
    assert response.status_code == 403
    assert len(db.session.scalars(select(Membership)).all()) == 2


def test_team_page_hides_management_from_non_owners(client, login, institute):
    editor = factories.make_organizer()
    factories.add_member(institute, editor, TeamRole.EDITOR)
    login(editor)
    page = client.get(f"/institutes/{institute.slug}/team").get_data(as_text=True)
    assert "Invite a colleague" not in page
