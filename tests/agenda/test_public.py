"""The public program page /p/<slug>/: only when published, no participant names, ETag."""

import pytest

from planner.agenda.models import SessionKind
from planner.extensions import db as _db
from tests import factories
from tests.agenda.factories import make_facilitator, make_participant, make_room, make_session


@pytest.fixture
def published(institute, db):
    institute.program_published = True
    db.session.commit()
    return institute


def test_unpublished_program_is_404(institute, client):
    make_session(institute, title="Opening")
    assert client.get(f"/p/{institute.slug}/").status_code == 404
    assert client.get("/p/no-such-institute/").status_code == 404


def test_published_program_shows_sessions_rooms_and_descriptions(published, client):
    room = make_room(published, "Altai Room")
    make_session(
        published,
        title="How adults learn — A",
        kind=SessionKind.BREAKOUT,
        room=room,
        description="Experiential learning cycle.",
    )
    make_session(published, "2027-04-13 09:00", "2027-04-13 10:00", "Panel", status="cancelled")
    response = client.get(f"/p/{published.slug}/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "How adults learn — A" in page and "Altai Room" in page
    assert "Experiential learning cycle." in page
    assert "agenda-session kind-plenary cancelled" in page
    assert "Asia/Almaty" in page


def test_no_participant_names_and_only_consenting_facilitators(published, client):
    listed = make_facilitator(published, "Rania Haddad", consent_named_facilitator=True)
    unlisted = make_facilitator(published, "Тимур Абенов", consent_named_facilitator=False)
    zarina = make_participant(published, "Зарина Саидова", consent_to_list=True)
    make_session(
        published,
        title="Group A",
        kind=SessionKind.BREAKOUT,
        facilitators=[listed, unlisted],
        participants=[zarina],
    )
    page = client.get(f"/p/{published.slug}/").get_data(as_text=True)
    assert "Rania Haddad" in page
    assert "Тимур Абенов" not in page
    assert "Зарина Саидова" not in page
    assert "participant" not in page.lower()  # not even a count


def test_etag_answers_304_until_the_program_changes(published, client):
    session = make_session(published, title="Opening")
    first = client.get(f"/p/{published.slug}/")
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, no-cache"
    again = client.get(f"/p/{published.slug}/", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    session.title = "Opening and expectations"
    published.touch()
    _db.session.commit()
    changed = client.get(f"/p/{published.slug}/", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert "Opening and expectations" in changed.get_data(as_text=True)


def test_unpublishing_ends_the_page_even_with_an_etag(published, client, db):
    etag = client.get(f"/p/{published.slug}/").headers["ETag"]
    published.program_published = False
    db.session.commit()
    assert client.get(f"/p/{published.slug}/", headers={"If-None-Match": etag}).status_code == 404


def test_feed_and_booklet_links_only_when_those_pages_exist(published, client, app):
    page = client.get(f"/p/{published.slug}/").get_data(as_text=True)
    has_feed = "calendar.institute_feed" in app.view_functions
    has_booklet = "documents.public_program_pdf" in app.view_functions
    assert (f"/p/{published.slug}/program.ics" in page) == has_feed
    assert (f"/p/{published.slug}/program.pdf" in page) == has_booklet


def test_public_page_of_one_institute_shows_nothing_of_another(published, client):
    other = factories.make_institute(program_published=True)
    make_session(other, title="Their secret session")
    make_session(published, title="Our opening")
    page = client.get(f"/p/{published.slug}/").get_data(as_text=True)
    assert "Our opening" in page and "Their secret session" not in page


def test_consent_to_be_named_as_a_facilitator_is_apart_from_the_participant_list(
    published, client, viewer_client, db
):
    # Listed as a participant, but not agreed to be named as a facilitator: not named.
    listed_only = make_facilitator(
        published, "Тимур Абенов", consent_to_list=True, consent_named_facilitator=False
    )
    # Agreed to be named as a facilitator, not in the participant list: named.
    named_only = make_facilitator(
        published, "Rania Haddad", consent_to_list=False, consent_named_facilitator=True
    )
    make_session(published, title="Opening", facilitators=[listed_only, named_only])
    page = client.get(f"/p/{published.slug}/").get_data(as_text=True)
    assert "Rania Haddad" in page and "Тимур Абенов" not in page
    assert not listed_only.named_publicly and named_only.named_publicly

    agenda = viewer_client.get(f"/institutes/{published.slug}/agenda/").get_data(as_text=True)
    assert "1 facilitator has not agreed to be named in public yet" in agenda
    assert f'/invitees/{listed_only.id}">Тимур Абенов</a>' in agenda
