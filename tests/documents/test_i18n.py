"""Documents speak the reader's language: Russian pages, Russian booklet, Russian e-mail."""

from datetime import date

from flask_babel import refresh

from tests import formats
from tests.documents.conftest import flat_text, pdf_reader


def choose_russian(client) -> None:
    with client.session_transaction() as session:
        session["lang"] = "ru"
    refresh()  # the test app context outlives requests; Flask-Babel keeps the locale in g


def test_documents_page_in_russian(program, client, login, organizer):
    login(organizer)
    choose_russian(client)
    html = client.get(f"/institutes/{program.institute.slug}/documents/").get_data(as_text=True)
    assert "Программа (буклет)" in html
    assert "Расписания ведущих" in html
    assert "Формат бумаги" in html


def test_booklet_in_russian_with_russian_dates_and_page_numbers(program, client, login, organizer):
    login(organizer)
    choose_russian(client)
    pdf = client.get(f"/institutes/{program.institute.slug}/documents/program.pdf").data
    text = flat_text(pdf)
    assert "Практическая информация" in text
    assert formats.flat(f"День 1 · {formats.day(date(2027, 4, 12), 'full', 'ru')}") in text
    assert "Ведут: Rania Haddad, Бегимай Осмонова" in text
    assert "Страница 2 из 5" in text
    titles = [i.title for i in pdf_reader(pdf).outline if not isinstance(i, list)]
    assert titles[-1] == "Участники"


def test_facilitator_agenda_in_the_facilitators_language(program, invitee_login):
    """Her preferred language is Russian: /me/ pages and documents follow it."""
    text = flat_text(invitee_login(program.facilitator).get("/me/agenda.pdf").data)
    assert "Расписание: Бегимай Осмонова" in text
    assert "Мои занятия" in text and "Соведущие Rania Haddad" in text
    assert "2 человека" in text


def test_russian_plural_forms_in_lists(program, client, login, organizer):
    login(organizer)
    choose_russian(client)
    text = flat_text(client.get(f"/institutes/{program.institute.slug}/documents/rooming.pdf").data)
    assert "3 гостя" in text
    assert formats.flat(f"Ночь на {formats.day(date(2027, 4, 11), 'full', 'ru')}") in text
