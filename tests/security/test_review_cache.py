"""Regression test of the security review: organizer pages with personal data are not stored
by the browser or a proxy (a shared office computer keeps no copy of a passport number)."""

from tests import factories


def test_revealed_passport_number_page_is_not_stored(client, login, organizer, institute):
    invitee = factories.make_invitee(institute, passport_number="N7654321")
    login(organizer)
    response = client.get(f"/institutes/{institute.slug}/invitees/{invitee.id}?reveal=1")
    assert response.status_code == 200
    assert "N7654321" in response.get_data(as_text=True)
    assert "no-store" in response.headers.get("Cache-Control", "")


def test_organizer_lists_of_people_are_not_stored(client, login, organizer, institute):
    factories.make_invitee(institute)
    login(organizer)
    for path in ("invitees/", "travel/", "visas/", "accommodation/"):
        response = client.get(f"/institutes/{institute.slug}/{path}")
        assert response.status_code == 200, path
        assert "no-store" in response.headers.get("Cache-Control", ""), path
