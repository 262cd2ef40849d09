"""Regression test of the security review: starting an invitee session starts a fresh
session; nothing of an earlier identity in the same browser carries over."""

from tests import factories
from tests.plugins.invitee_session import make_link


def test_invitee_session_start_drops_an_organizer_sign_in(client, login, organizer, institute):
    invitee = factories.make_invitee(institute)
    token, _ = make_link(invitee)
    login(organizer)
    with client.session_transaction() as session:
        session["lang"] = "ru"
        session["invitee_import"] = {"id": "x", "institute_id": institute.id}

    response = client.post(f"/r/{token}")

    assert response.status_code == 302
    assert client.get("/me/").status_code == 200
    assert client.get("/institutes/").status_code == 302, "one cookie, one identity"
    with client.session_transaction() as session:
        assert "invitee_import" not in session
        assert session.get("lang") == "ru", "the language chosen is kept"
