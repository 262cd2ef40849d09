"""Session titles in the working languages: each reader sees their language, else the other."""

from planner.agenda.models import Session
from planner.agenda.services import program_days
from planner.documents.data import load_booklet, load_facilitator_agenda
from planner.extensions import db
from tests.agenda.factories import make_facilitator, make_participant, make_session
from tests.agenda.test_editor import session_form, url


def _bilingual(institute, **fields) -> Session:
    institute.working_languages = "en,ru"
    institute.program_published = True
    session = make_session(institute, title="Opening", description="Who is in the room.", **fields)
    session.translations = {"ru": {"title": "Открытие", "description": "Кто в зале."}}
    db.session.commit()
    return session


def test_editor_saves_a_title_and_description_per_working_language(institute, editor_client):
    institute.working_languages = "en,ru"
    db.session.commit()
    form = editor_client.get(url(institute, "sessions/new")).get_data(as_text=True)
    assert 'name="title_ru"' in form and 'name="description_ru"' in form
    response = editor_client.post(
        url(institute, "sessions/new"),
        data=session_form(title_ru=" Открытие ", description_ru="Кто в зале.", title_en=""),
    )
    assert response.status_code == 302
    session = db.session.scalar(db.select(Session))
    assert session.translations == {"ru": {"title": "Открытие", "description": "Кто в зале."}}
    edit = editor_client.get(url(institute, f"sessions/{session.id}/edit")).get_data(as_text=True)
    assert 'value="Открытие"' in edit


def test_a_too_long_translated_title_is_explained_and_nothing_is_lost(institute, editor_client):
    institute.working_languages = "en,ru"
    db.session.commit()
    response = editor_client.post(
        url(institute, "sessions/new"),
        data=session_form(title_ru="Я" * 301, description_ru="Кто в зале."),
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Кто в зале." in page and "Opening: welcome and introductions" in page
    assert db.session.scalar(db.select(db.func.count(Session.id))) == 0


def test_grid_shows_the_readers_language_falling_back_to_the_other(institute):
    _bilingual(institute)
    make_session(institute, "2027-04-12 11:00", "2027-04-12 12:00", "Lunch talk")
    titles = lambda language: [  # noqa: E731
        item.title for day in program_days(institute, language=language) for item in day.sessions
    ]
    assert titles("ru") == ["Открытие", "Lunch talk"]
    assert titles("en") == ["Opening", "Lunch talk"]
    (first, _) = program_days(institute, language="ru")[0].sessions
    assert first.description == "Кто в зале."


def test_public_page_in_russian(client, institute):
    _bilingual(institute)
    page = client.get(f"/p/{institute.slug}/", headers={"Accept-Language": "ru"})
    assert "Открытие" in page.get_data(as_text=True)
    page = client.get(f"/p/{institute.slug}/", headers={"Accept-Language": "en"})
    assert "Открытие" not in page.get_data(as_text=True)


def test_feed_in_russian(client, institute):
    _bilingual(institute)
    body = client.get(f"/p/{institute.slug}/program.ics?lang=ru").data.replace(b"\r\n ", b"")
    assert "SUMMARY:Открытие" in body.decode()
    body = client.get(f"/p/{institute.slug}/program.ics?lang=en").data.decode()
    assert "SUMMARY:Opening" in body


def test_my_agenda_follows_the_invitees_language(institute, invitee_login):
    _bilingual(institute)
    zarina = make_participant(institute, language="ru")
    page = invitee_login(zarina).get("/me/agenda").get_data(as_text=True)
    assert "Открытие" in page


def test_booklet_and_facilitator_agenda_in_the_chosen_language(app, institute):
    rania = make_facilitator(institute)
    _bilingual(institute, facilitators=[rania])
    booklet = load_booklet(institute, "ru")
    assert booklet.days[0].sessions[0].title == "Открытие"
    assert load_booklet(institute, "en").days[0].sessions[0].title == "Opening"
    agenda = load_facilitator_agenda(institute, rania, "ru")
    assert agenda.sessions[0].session.description == "Кто в зале."
