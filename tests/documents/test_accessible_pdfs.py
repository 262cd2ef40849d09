"""Every document is a tagged PDF (PDF/UA-1): structure tree, language, title; and each
reader gets it in their language (B17)."""

import subprocess

import pytest
from flask_babel import force_locale, gettext

from tests.documents.conftest import flat_text, pdf_reader
from tests.documents.test_letters import letter_url


def assert_tagged(pdf: bytes, lang: str | None = None) -> None:
    reader = pdf_reader(pdf)
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert root["/Lang"]
    if lang:
        assert str(root["/Lang"]).lower().startswith(lang)
    assert reader.metadata.title
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout
    assert b"Tagged:          yes" in info


@pytest.mark.parametrize("kind", ["program", "arrivals", "departures", "rooming", "badges"])
def test_institute_documents_are_tagged(program, client, login, organizer, kind):
    login(organizer)
    response = client.get(f"/institutes/{program.institute.slug}/documents/{kind}.pdf")
    assert response.status_code == 200
    assert_tagged(response.data, "en")


def test_facilitator_agenda_is_tagged_in_the_facilitators_language(
    program, client, login, organizer
):
    login(organizer)
    url = f"/institutes/{program.institute.slug}/documents/agendas/{program.facilitator.id}.pdf"
    assert_tagged(client.get(url).data, program.facilitator.language)


def test_visa_letter_is_tagged_and_each_page_is_footed_in_its_own_language(
    app, program, letter_settings, client, login, organizer
):
    login(organizer)
    pdf = client.get(letter_url(program)).data
    assert_tagged(pdf)
    reader = pdf_reader(pdf)
    english = " ".join(reader.pages[0].extract_text().split())
    russian = " ".join(reader.pages[1].extract_text().split())
    with app.test_request_context():
        with force_locale("ru"):
            russian_footer = gettext("Page {page} of {pages}").format(page=2, pages=2)
        with force_locale("en"):
            english_footer = gettext("Page {page} of {pages}").format(page=1, pages=2)
    assert russian_footer in russian
    assert "Page 2 of 2" not in russian
    assert english_footer in english


def test_the_organizer_prints_the_booklet_in_a_working_language(
    app, db, program, client, login, organizer
):
    program.institute.working_languages = "en,ru,kk"
    db.session.commit()
    login(organizer)
    page = client.get(f"/institutes/{program.institute.slug}/documents/").get_data(as_text=True)
    assert 'name="lang"' in page and 'value="kk"' in page
    pdf = client.get(f"/institutes/{program.institute.slug}/documents/program.pdf?lang=kk").data
    assert_tagged(pdf, "kk")
    with app.test_request_context(), force_locale("kk"):
        contents = gettext("Practical information")
    assert contents in flat_text(pdf)
    # A language that is not a working language falls back to the organizer's own.
    pdf = client.get(f"/institutes/{program.institute.slug}/documents/program.pdf?lang=tg").data
    assert_tagged(pdf, "en")
