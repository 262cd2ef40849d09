"""No WeasyPrint in the web process: what a request must make itself (a visa letter, the donor
report, a document no render worker took in time) is laid out by a short-lived child process
that gets the HTML over a pipe and gives the PDF back on its stdout; nothing is stored."""

import logging

import pytest
from sqlalchemy import select

from planner.documents import render
from planner.documents.models import RenderJob
from planner.extensions import db
from planner.security.models import AuditEvent
from tests.documents.conftest import KAZAKH_NAME, block_weasyprint, flat_text, pdf_reader


@pytest.fixture
def app_config():
    # As in production: nothing renders in the request; no render worker runs in these tests
    # and nobody waits for one.
    return {"RENDER_INLINE": False, "RENDER_WAIT_SECONDS": 0}


def letter_url(program) -> str:
    return f"/institutes/{program.institute.slug}/documents/letters/{program.listed.id}.pdf"


def letter_audits() -> list[str]:
    return db.session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.action.in_(["documents.letter_downloaded", "documents.letter_viewed"])
        )
    ).all()


def test_a_visa_letter_comes_from_a_child_process_and_is_stored_nowhere(
    program, letter_settings, client, login, organizer, monkeypatch
):
    login(organizer)
    block_weasyprint(monkeypatch)

    response = client.get(letter_url(program))

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    reader = pdf_reader(response.data)
    assert len(reader.pages) == 2
    text = flat_text(response.data)
    assert "KURMANGALI AIGERIM" in text and "N1234567" in text
    assert "Исх. №" in text, "the Russian page, with its own footer"
    queued = db.session.scalars(select(RenderJob.kind)).all()
    assert set(queued) <= {"program"}, "only the booklet, queued by the fixture's changes"
    assert not any(render.cache_dir(program.institute.id).parent.rglob("*.pdf"))
    assert letter_audits() == ["documents.letter_downloaded"]


def test_a_letter_whose_render_fails_says_so_and_logs_no_passport_data(
    app, program, letter_settings, client, login, organizer, caplog
):
    login(organizer)
    app.config["RENDER_PROCESS_TIMEOUT_SECONDS"] = 0.001

    with caplog.at_level(logging.DEBUG):
        response = client.get(letter_url(program))

    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert 'role="alert"' in page and "Please try again in a minute" in page
    assert "N1234567" not in page
    assert "PDF render process" in caplog.text
    assert "N1234567" not in caplog.text and "KURMANGALI" not in caplog.text
    assert letter_audits() == [], "no letter was given out"


@pytest.mark.parametrize("url", ["/institutes/{slug}/report.pdf", "/reports/report.pdf"])
def test_the_donor_report_pdf_comes_from_a_child_process(
    program, client, login, organizer, monkeypatch, url
):
    login(organizer)
    block_weasyprint(monkeypatch)

    response = client.get(url.format(slug=program.institute.slug))

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    if "{slug}" in url:
        assert program.institute.title in flat_text(response.data)


def test_without_a_render_worker_a_sign_in_sheet_is_made_apart_then_cached(
    program, client, login, organizer, monkeypatch
):
    login(organizer)
    block_weasyprint(monkeypatch)
    url = f"/institutes/{program.institute.slug}/attendance/sheets/2027-04-12.pdf"

    first = client.get(url)

    assert first.status_code == 200
    assert KAZAKH_NAME in flat_text(first.data)
    assert list(render.cache_dir(program.institute.id).glob("signin-day-20270412-*.pdf"))
    assert client.get(url).data == first.data
