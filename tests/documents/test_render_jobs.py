"""Documents out of the web worker: render jobs, the render worker, waiting and "being prepared".

WeasyPrint is replaced here by a fake that writes a tiny PDF naming the data version, so the
tests are about the queue, not the layout (the layout has its own tests in this package).
The render worker runs in the test itself (``jobs.run_pending``), or in a thread: no test
depends on a background process.
"""

import re
import sys
import threading
import time
from datetime import timedelta

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, text

from planner.db import utcnow
from planner.documents import catalog, jobs, worker
from planner.documents.models import RenderJob, RenderStatus
from planner.extensions import db
from planner.security.models import AuditEvent

QUIET = 5.0
MAX_DELAY = 60.0


@pytest.fixture
def app_config():
    # The production mode: requests do not render, the worker does.
    return {
        "RENDER_INLINE": False,
        "RENDER_WAIT_SECONDS": 0.3,
        "RENDER_QUIET_SECONDS": QUIET,
        "RENDER_MAX_DELAY_SECONDS": MAX_DELAY,
    }


@pytest.fixture
def renders(monkeypatch):
    """Every render the worker (or a request) makes: (template, locale)."""
    made = []

    def fake_render_pdf(template, *, paper, **context):
        from flask_babel import get_locale

        made.append((template, str(get_locale())))
        return f"%PDF-1.7 fake {template} {paper} {get_locale()} n{len(made)}".encode()

    monkeypatch.setattr(catalog, "render_pdf", fake_render_pdf)
    return made


def rows(institute=None, **where):
    query = select(RenderJob).order_by(RenderJob.kind, RenderJob.locale, RenderJob.paper)
    if institute is not None:
        query = query.where(RenderJob.institute_id == institute.id)
    for name, value in where.items():
        query = query.where(getattr(RenderJob, name) == value)
    db.session.expire_all()
    return db.session.scalars(query).all()


def change(institute):
    institute.touch()
    db.session.commit()


def later(seconds: float):
    return utcnow() + timedelta(seconds=seconds)


# --- queueing on change ---------------------------------------------------------------------


def test_a_change_queues_the_published_booklet_in_each_reader_language(program):
    change(program.institute)

    queued = rows(program.institute)
    assert {(r.kind, r.paper, r.locale) for r in queued} == {
        ("program", "a4", "ru"),
        ("program", "a4", "en"),
    }
    assert all(r.status == RenderStatus.QUEUED and not r.urgent for r in queued)
    assert all(r.due_at >= utcnow() + timedelta(seconds=QUIET - 2) for r in queued)


def test_an_unpublished_program_is_not_rendered_ahead(db, institute):
    institute.program_published = False
    change(institute)

    assert rows(institute) == []


def test_changes_are_coalesced_and_debounced(program, renders):
    change(program.institute)
    first = {r.id: (r.due_at, r.first_queued_at) for r in rows(program.institute)}
    time.sleep(0.05)
    change(program.institute)
    change(program.institute)

    again = rows(program.institute)
    assert {r.id for r in again} == set(first), "one job per document, not one per change"
    for r in again:
        assert r.due_at > first[r.id][0], "each change pushes the render later"
        assert r.first_queued_at == first[r.id][1], "the first change of the burst is kept"

    assert jobs.run_pending(now=utcnow()) == 0, "not before the data has been quiet"
    assert jobs.run_pending(now=later(QUIET + 1)) == 2
    assert len(renders) == 2, "three changes, one render per language"
    assert {r.status for r in rows(program.institute)} == {RenderStatus.DONE}


def test_a_steady_stream_of_changes_still_renders_after_the_longest_delay(program, renders):
    change(program.institute)
    assert jobs.run_pending(now=later(QUIET - 1)) == 0
    change(program.institute)  # due QUIET after this one, yet ...

    assert jobs.run_pending(now=later(MAX_DELAY + 1)) == 2


def test_documents_asked_for_are_kept_ready_after_changes(program, client, login, organizer):
    login(organizer)
    client.get(f"/institutes/{program.institute.slug}/documents/rooming.pdf")

    change(program.institute)

    kinds = {(r.kind, r.status) for r in rows(program.institute)}
    assert ("rooming", RenderStatus.QUEUED) in kinds


def test_a_change_during_a_render_makes_it_render_again(program, renders):
    change(program.institute)
    token, job = jobs.claim_one(later(QUIET + 1))
    change(program.institute)  # while the worker renders the old data

    assert jobs.run_job(job, token) is True
    db.session.expire_all()
    again = db.session.get(RenderJob, job.id)
    assert again.status == RenderStatus.QUEUED, "the outcome of the old render does not count"


# --- the worker -----------------------------------------------------------------------------


def test_the_worker_renders_into_the_cache_and_readers_get_it_from_there(program, client, renders):
    change(program.institute)
    assert jobs.run_pending(now=later(QUIET + 1)) == 2
    made = len(renders)

    response = client.get(f"/p/{program.institute.slug}/program.pdf")

    assert response.status_code == 200
    assert response.data.startswith(b"%PDF")
    assert len(renders) == made, "the request rendered nothing"
    db.session.refresh(program.institute)
    assert f"-v{program.institute.data_version}-" in response.headers["ETag"]


def test_a_claimed_job_is_not_claimed_again_until_its_lease_lapses(program):
    change(program.institute)
    now = later(QUIET + 1)
    _, first = jobs.claim_one(now)
    _, second = jobs.claim_one(now)
    _, third = jobs.claim_one(now)

    assert first is not None and second is not None and first.id != second.id
    assert third is None
    _, lapsed = jobs.claim_one(now + jobs.LEASE + timedelta(seconds=1))
    assert lapsed is not None


def test_two_workers_at_once_render_each_document_once(app, program, renders):
    for locale in ("en", "ru", "kk", "uz"):  # eight rooming lists
        for paper in ("a4", "letter"):
            jobs.queue_now(db.session, jobs.Target("rooming", program.institute.id, paper, locale))
    db.session.commit()
    barrier = threading.Barrier(2)
    errors = []

    def run():
        with app.app_context():
            try:
                barrier.wait()
                jobs.run_pending()
            except Exception as error:  # reported to the test thread below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(renders) == 8
    assert {r.status for r in rows(program.institute, kind="rooming")} == {RenderStatus.DONE}


@pytest.mark.postgres
def test_postgres_claim_skips_a_job_another_worker_has_locked(app, program):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SKIP LOCKED is the PostgreSQL claim")
    change(program.institute)
    first, second = rows(program.institute)
    with db.engine.connect() as other_worker:
        transaction = other_worker.begin()
        other_worker.execute(
            text("SELECT id FROM render_job WHERE id = :id FOR UPDATE"), {"id": first.id}
        )

        _, claimed = jobs.claim_one(later(QUIET + 1))

        transaction.rollback()
    assert claimed.id == second.id


def test_a_failed_render_is_retried_later_then_given_up(program, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("layout failed for Бегимай")  # the message never reaches the log

    monkeypatch.setattr(catalog, "render_pdf", broken)
    jobs.queue_now(db.session, jobs.Target("program", program.institute.id, "a4", "en"))
    db.session.commit()

    now = utcnow()
    for attempt in range(jobs.MAX_ATTEMPTS):
        assert jobs.run_pending(now=now) == 0
        (job,) = rows(program.institute, urgent=False, locale="en", last_error="ValueError")
        assert job.attempts == attempt + 1
        assert job.last_error == "ValueError"
        now = now + timedelta(hours=1)
    assert job.status == RenderStatus.FAILED


def test_the_command_renders_what_is_due(program, runner, renders):
    jobs.queue_now(db.session, jobs.Target("program", program.institute.id, "a4", "en"))
    db.session.commit()

    result = runner.invoke(args=["render-documents"])

    assert result.exit_code == 0, result.output
    assert "Rendered 1 documents" in result.output


def test_the_child_renders_a_bounded_number_then_ends(program, renders):
    for paper in ("a4", "letter"):
        for locale in ("en", "ru"):
            jobs.queue_now(db.session, jobs.Target("program", program.institute.id, paper, locale))
    db.session.commit()

    handled = worker.run_child(0.05, 3, threading.Event())

    assert handled == 3, "the child stops after its renders: a fresh one takes over"
    assert len([r for r in rows(program.institute) if r.status == RenderStatus.QUEUED]) == 1


def test_the_supervisor_replaces_a_child_that_ended(tmp_path):
    marker = tmp_path / "starts"
    command = [sys.executable, "-c", f"open({str(marker)!r}, 'a').write('x')"]
    stop = threading.Event()
    timer = threading.Timer(3.0, stop.set)
    timer.start()
    try:
        assert worker.supervise(command, stop) == 0
    finally:
        timer.cancel()
    assert len(marker.read_text()) >= 2


# --- the request's side ---------------------------------------------------------------------


@pytest.fixture
def worker_thread(app):
    """The render worker's loop in a thread of the test, for requests that wait for it."""
    stop = threading.Event()

    def loop():
        with app.app_context():
            try:
                while not stop.is_set():
                    if not jobs.run_pending():
                        stop.wait(0.02)
            finally:
                db.session.remove()

    thread = threading.Thread(target=loop)
    thread.start()
    yield
    stop.set()
    thread.join()


@pytest.fixture
def patient(app):
    app.config["RENDER_WAIT_SECONDS"] = 20


def test_a_request_waits_for_the_worker(program, client, renders, patient, worker_thread):
    response = client.get(f"/p/{program.institute.slug}/program.pdf?paper=letter")

    assert response.status_code == 200
    assert response.data.startswith(b"%PDF-1.7 fake booklet.html letter")
    (job,) = rows(program.institute, paper="letter")
    assert (job.kind, job.paper, job.status) == ("program", "letter", RenderStatus.DONE)
    assert job.requested_at is not None


def test_a_busy_worker_gives_the_being_prepared_page(program, client):
    jobs.queue_now(db.session, jobs.Target("program", program.institute.id, "a4", "en"))
    db.session.commit()
    jobs.claim_one()  # a worker has it, and is slow

    response = client.get(f"/p/{program.institute.slug}/program.pdf")

    assert response.status_code == 202
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Retry-After"]
    page = response.get_data(as_text=True)
    assert re.search(r'<meta http-equiv="refresh" content="\d+">', page)
    assert 'role="status"' in page
    assert "/p/" in page and "program.pdf" in page  # a link to try again at once


def test_the_being_prepared_page_speaks_the_readers_language(program, client):
    jobs.queue_now(db.session, jobs.Target("program", program.institute.id, "a4", "ru"))
    db.session.commit()
    jobs.claim_one()

    response = client.get(
        f"/p/{program.institute.slug}/program.pdf", headers={"Accept-Language": "ru"}
    )

    assert response.status_code == 202
    with force_locale("ru"):
        expected = _("Try again now")
    assert expected != "Try again now"
    assert expected in response.get_data(as_text=True)


def test_without_any_worker_the_request_renders_rather_than_never(program, client, renders):
    response = client.get(f"/p/{program.institute.slug}/program.pdf")

    assert response.status_code == 200
    assert len(renders) == 1


@pytest.mark.parametrize(
    "document", ["/p/{slug}/program.pdf", "/institutes/{slug}/documents/badges.pdf"]
)
def test_a_render_that_failed_says_so_once_then_is_tried_afresh(
    program, client, login, organizer, document
):
    login(organizer)
    kind = "badges" if "badges" in document else "program"
    jobs.queue_now(db.session, jobs.Target(kind, program.institute.id, "a4", "en"))
    db.session.commit()
    db.session.execute(
        RenderJob.__table__.update()
        .where(RenderJob.kind == kind)
        .values(status=RenderStatus.FAILED.value, attempts=jobs.MAX_ATTEMPTS, last_error="X")
    )
    db.session.commit()

    response = client.get(document.format(slug=program.institute.slug))

    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert 'role="alert"' in page and "refresh" not in page
    (job,) = rows(program.institute, kind=kind, locale="en")
    assert (job.status, job.attempts, job.urgent) == (RenderStatus.QUEUED, 0, True)


def test_badges_answer_at_once_with_a_page_that_waits(program, client, login, organizer, renders):
    login(organizer)
    url = f"/institutes/{program.institute.slug}/documents/badges.pdf"

    waiting = client.get(url)

    assert waiting.status_code == 202
    assert renders == []
    assert not db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "documents.badges_exported")
    ).all(), "nothing was exported yet"
    assert jobs.run_pending() == 1
    ready = client.get(url)
    assert ready.status_code == 200
    assert ready.data.startswith(b"%PDF-1.7 fake badges.html")
    assert db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "documents.badges_exported")
    ).all()


def test_a_stale_pdf_is_never_served_after_a_change(program, client, renders):
    url = f"/p/{program.institute.slug}/program.pdf"
    change(program.institute)
    jobs.run_pending(now=later(QUIET + 1))
    old = client.get(url)
    assert old.status_code == 200

    change(program.institute)
    jobs.claim_one(later(QUIET + 1))  # the worker is on it, not done
    jobs.claim_one(later(QUIET + 1))
    waiting = client.get(url, headers={"If-None-Match": old.headers["ETag"]})

    assert waiting.status_code == 202, "neither the old PDF nor a 304 for it"
    assert jobs.run_pending(now=later(QUIET + 1) + jobs.LEASE) == 2
    new = client.get(url, headers={"If-None-Match": old.headers["ETag"]})
    assert new.status_code == 200
    assert new.data != old.data
    assert new.headers["ETag"] != old.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": new.headers["ETag"]}).status_code == 304


def test_visa_letters_are_never_queued_nor_cached(
    program, letter_settings, client, login, organizer
):
    login(organizer)
    institute = program.institute
    response = client.get(f"/institutes/{institute.slug}/documents/letters/{program.listed.id}.pdf")

    assert response.status_code == 200
    assert [r for r in rows() if r.kind not in catalog.DOCUMENTS] == []
    from planner.documents.render import cache_dir

    assert not list(cache_dir(institute.id).glob("*letter*"))
