"""The program booklet: cover, grid, descriptions, practical information, participant list."""

from datetime import date

import pytest

from planner.documents import catalog
from planner.documents.render import render_pdf
from tests import formats
from tests.documents.conftest import KAZAKH_NAME, KAZAKH_ORG, flat_text, pdf_reader, pdf_text


@pytest.fixture
def booklet(program, login, organizer, client):
    login(organizer)
    response = client.get(f"/institutes/{program.institute.slug}/documents/program.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    return response.data


def test_cover_names_title_dates_city_and_host(booklet):
    first_page = " ".join(pdf_reader(booklet).pages[0].extract_text().split())
    assert "Regional Training of Trainers Institute" in first_page
    dates = formats.date_range(date(2027, 4, 12), date(2027, 4, 15))
    assert " ".join(dates.split()) in first_page
    assert f"Shymkent, {formats.country('KZ')}" in first_page
    assert "Steppe Women's Network" in first_page


def test_parallel_sessions_stand_side_by_side_in_one_row(booklet):
    lines = pdf_text(booklet).splitlines()
    header = next(line for line in lines if "Altai Room" in line and "Turkestan Room" in line)
    assert header.index("Altai Room") < header.index("Turkestan Room")
    row = next(line for line in lines if "10:30–12:00" in line and "Breakout A" in line)
    assert "Breakout B" in row, "the two breakouts at 10:30 share one row of the grid"
    assert row.index("Breakout A") < row.index("Breakout B"), "in the rooms' order"


def test_spanning_sessions_span_the_row_and_show_their_room(booklet):
    text = pdf_text(booklet)
    opening = next(line for line in text.splitlines() if "09:00–10:00" in line)
    assert "Opening plenary" in opening
    assert "Plenary Hall · Rania Haddad" in text


def test_descriptions_and_facilitators_are_printed(booklet):
    text = pdf_text(booklet)
    assert "Principles of adult learning, practised in pairs." in text
    assert "Facilitators: Rania Haddad, Бегимай Осмонова" in text
    assert "Facilitator: Rania Haddad" in text


def test_a_session_with_room_language_and_interpretation_shows_them_all(
    program, db, client, login, organizer
):
    """The small print of a cell: room, language, interpretation, facilitators, translated."""
    program.opening.language = "kk"
    program.opening.interpretation = "kk ↔ ru"
    program.institute.touch()
    db.session.commit()
    login(organizer)
    pdf = client.get(f"/institutes/{program.institute.slug}/documents/program.pdf").data
    assert "Plenary Hall · Kazakh · interpretation kk ↔ ru · Rania Haddad" in flat_text(pdf)


def test_practical_information_states_the_zone_by_name(booklet):
    text = pdf_text(booklet)
    assert f"Asia/Almaty ({formats.country('KZ')}" in text
    assert "+7 725 200 0000" in text
    assert "Training Centre" in text and "1 Example Street" in text


def test_participant_list_holds_only_confirmed_people_who_consented(booklet):
    participants = flat_text(booklet).split("Participants")[-1]
    assert KAZAKH_NAME in participants
    assert "Бегимай Осмонова" in participants
    assert "Скрытая Участница" not in participants, "did not consent"
    assert "Отказавшаяся Гостья" not in participants, "declined"
    assert "Скрытая" not in flat_text(booklet)


def test_kazakh_and_cyrillic_letters_come_out_as_text(booklet):
    text = flat_text(booklet)
    for letter in "әғқңөұүһі":
        assert letter in text, letter
    assert KAZAKH_NAME in text
    assert KAZAKH_ORG in text


def test_bookmarks_per_day_and_page_numbers(booklet):
    reader = pdf_reader(booklet)
    top_level = [item for item in reader.outline if not isinstance(item, list)]
    titles = [item.title for item in top_level]
    assert titles[0] == "Practical information"
    assert [t for t in titles if t.startswith("Day")] == [
        f"Day 1 · {formats.day(date(2027, 4, 12), 'full')}",
        f"Day 2 · {formats.day(date(2027, 4, 13), 'full')}",
    ]
    assert titles[-1] == "Participants"
    day_one = f"Day 1 · {formats.day(date(2027, 4, 12), 'full')}"
    day_one_sessions = reader.outline[titles.index(day_one) + 1]
    assert [item.title for item in day_one_sessions] == [
        "Opening plenary",
        "Breakout A: Adult learning",
        "Breakout B: Facilitation under pressure",
    ]
    pages = len(reader.pages)
    assert pages == 5  # cover, practical information, two days, participants
    assert f"Page 2 of {pages}" in reader.pages[1].extract_text()
    assert "Page 1 of" not in reader.pages[0].extract_text(), "the cover has no number"


def test_pdf_metadata_names_title_and_author(booklet):
    metadata = pdf_reader(booklet).metadata
    assert metadata.title == "Regional Training of Trainers Institute — Program"
    assert metadata.author == "Steppe Women's Network"


def test_letter_paper_on_request(program, login, organizer, client):
    login(organizer)
    url = f"/institutes/{program.institute.slug}/documents/program.pdf"
    a4 = pdf_reader(client.get(url).data).pages[1].mediabox
    letter = pdf_reader(client.get(url + "?paper=letter").data).pages[1].mediabox
    assert (round(float(a4.width)), round(float(a4.height))) == (595, 842)
    assert (round(float(letter.width)), round(float(letter.height))) == (612, 792)


def test_unknown_paper_falls_back_to_a4(program, login, organizer, client):
    login(organizer)
    url = f"/institutes/{program.institute.slug}/documents/program.pdf?paper=tabloid"
    page = pdf_reader(client.get(url).data).pages[0].mediabox
    assert round(float(page.height)) == 842


def test_public_booklet_once_published(program, client, db):
    url = f"/p/{program.institute.slug}/program.pdf"
    response = client.get(url)
    assert response.status_code == 200
    assert "Breakout A" in pdf_text(response.data)
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert response.headers["Cache-Control"] == "public, no-cache"
    program.institute.program_published = False
    db.session.commit()
    assert client.get(url).status_code == 404


def test_preview_is_the_same_document_in_html(program, login, organizer, client):
    login(organizer)
    response = client.get(f"/institutes/{program.institute.slug}/documents/program")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "css/print.css" in html and "css/documents.css" in html
    assert "Breakout B: Facilitation under pressure" in html
    assert "Скрытая Участница" not in html
    assert "<script" not in html and "style=" not in html


def test_empty_institute_still_gives_a_booklet(institute, login, organizer, client):
    login(organizer)
    response = client.get(f"/institutes/{institute.slug}/documents/program.pdf")
    assert response.status_code == 200
    assert "Nobody yet." in pdf_text(response.data)


def test_booklet_is_built_from_a_constant_number_of_queries(program, app, db):
    """The loader reads sessions, facilitators, rooms and people in a few queries, not per row."""
    from sqlalchemy import event

    from planner.institutes.models import Institute

    doc = catalog.DOCUMENTS["program"]

    def count_queries() -> int:
        institute_id = program.institute.id
        db.session.commit()
        db.session.expunge_all()  # nothing already loaded helps the loader
        institute = db.session.get(Institute, institute_id)
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            doc.load(institute)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        program.institute = institute
        return len(statements)

    before = count_queries()
    from datetime import datetime

    from planner.agenda.models import SessionFacilitator
    from planner.invitations.models import RsvpStatus
    from tests import factories
    from tests.documents.conftest import make_session

    for n in range(6):
        extra = make_session(program.institute, f"Extra {n}", datetime(2027, 4, 14, 9 + n), 30)
        person = factories.make_invitee(
            program.institute, rsvp_status=RsvpStatus.CONFIRMED, consent_to_list=True
        )
        db.session.add(SessionFacilitator(session=extra, invitee=person))
    db.session.commit()
    assert count_queries() == before


def test_render_pipeline_is_shared(program, app):
    """A direct render gives the same text as the download (one pipeline)."""
    doc = catalog.DOCUMENTS["program"]
    with app.test_request_context():
        pdf = render_pdf(doc.template, paper="a4", doc=doc, data=doc.load(program.institute))
    assert "Breakout A" in pdf_text(pdf)


def test_the_hosts_logo_from_the_letter_settings_is_on_the_cover(
    program, db, client, login, organizer
):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (80, 80), (11, 92, 115)).save(buffer, format="PNG")
    login(organizer)
    url = f"/institutes/{program.institute.slug}/documents/program.pdf"
    assert len(pdf_reader(client.get(url).data).pages[0].images) == 0
    client.post(
        f"/institutes/{program.institute.slug}/documents/letter",
        data={
            "legal_name": "Steppe Women's Network",
            "signatory_name": "Gulnara Seitova",
            "signatory_title": "Director",
            "signing_city": "Shymkent",
            "logo": (io.BytesIO(buffer.getvalue()), "logo.png"),
        },
        content_type="multipart/form-data",
    )
    assert len(pdf_reader(client.get(url).data).pages[0].images) == 1, "a new version"
