"""Render jobs: documents are rendered by the render worker, ahead of the readers.

The web worker never lays out a shared document. It looks in the document cache
(DOCUMENT_CACHE_DIR, files named by the institute's data version) and, when the PDF of the
current version is not there, marks the document's job urgent and waits for the worker
(``obtain``). When an institute's data changes, its shared documents (the public booklet in
each booklet language, and every institute-wide document someone asked for in the last
RECENT days) are queued again, debounced: a job is due RENDER_QUIET_SECONDS after the last
change, and at the latest RENDER_MAX_DELAY_SECONDS after the first one, so a burst of edits
makes one render and readers then get the new version from the cache.

Workers claim one job at a time with a token and a lease (PostgreSQL: ``FOR UPDATE SKIP
LOCKED``; SQLite: a conditional UPDATE under its write lock), like the mail sender; a worker
that dies leaves its claim to lapse. A failed render is retried with back-off, then marked
failed until the next change or request.

Visa letters never go through here, by decision: a letter holds a passport number, is made
for one person at a time and each download is audited in the request that asked for it. To
render it in the worker, the PDF would have to travel back through something both processes
reach (a file or a table row), i.e. passport data at rest outside the encrypted columns, in a
place backups and crashes can leave behind. The request renders the letter's HTML and hands
it to a short-lived child process over a pipe, which runs WeasyPrint and gives the PDF back on
its stdout (planner/documents/render.py): it exists only in memory, and is served under
``Cache-Control: private, no-store``. The donor report is made the same way: it counts
answers (reporting profiles, attendance, follow-ups, earlier institutes) that the data version
does not follow, so a cached copy could be stale, and a report across institutes belongs to
no one institute. A single certificate and the sign-in sheets go through here like the lists
(``planner/attendance``), named by subject (the certificate, the day or the session).
"""

import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import case, select, update

from planner.db import claim_rows, utcnow
from planner.documents.models import RenderJob, RenderStatus
from planner.documents.render import CacheKey, cache_dir, cached_pdf, template_version
from planner.extensions import db
from planner.institutes import versioning

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)  # far above the slowest render; a dead worker's claim lapses
BACKOFF = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10))
MAX_ATTEMPTS = len(BACKOFF) + 1
RECENT = timedelta(days=14)  # documents asked for within this are kept ready after changes
DEFAULT_PAPER = "a4"
_sleep = time.sleep  # tests replace it


class RenderFailed(RuntimeError):
    """The render worker could not make the document (it retries later)."""


@dataclass(frozen=True)
class Target:
    """One document to render: what a job row names."""

    kind: str
    institute_id: int
    paper: str
    locale: str
    subject_id: int = 0

    @classmethod
    def of(cls, key: CacheKey) -> "Target":
        """The job that renders the PDF ``key`` names."""
        return cls(key.kind, key.institute_id, key.paper, key.locale, key.subject_id or 0)

    def row(self) -> dict:
        return dict(
            institute_id=self.institute_id,
            kind=self.kind,
            subject_id=self.subject_id,
            paper=self.paper,
            locale=self.locale,
        )


def _seconds(name: str) -> timedelta:
    return timedelta(seconds=float(current_app.config[name]))


def _upsert(session, rows: list[dict], set_: Callable):
    """INSERT ... ON CONFLICT (the document) DO UPDATE: one row per document, never two."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    else:  # pragma: no cover - the app runs on SQLite and PostgreSQL only
        raise RuntimeError(f"render jobs need SQLite or PostgreSQL, not {dialect}")
    statement = dialect_insert(RenderJob).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=["institute_id", "kind", "subject_id", "paper", "locale"],
        set_=set_(statement.excluded),
    )
    session.execute(statement.execution_options(synchronize_session=False))


def queue_changed(session, targets: list[Target], now: datetime | None = None) -> None:
    """Queue documents again after a change, debounced; coalesced into their one row each."""
    if not targets:
        return
    now = now or utcnow()
    due = now + _seconds("RENDER_QUIET_SECONDS")
    rows = [
        dict(t.row(), status=RenderStatus.QUEUED.value, due_at=due, first_queued_at=now)
        for t in dict.fromkeys(targets)
    ]
    _upsert(
        session,
        rows,
        lambda excluded: {
            "status": RenderStatus.QUEUED.value,
            "due_at": due,
            # The first change of a burst stays: the job is due at the latest MAX_DELAY after it.
            "first_queued_at": case(
                (
                    (RenderJob.status == RenderStatus.QUEUED.value)
                    & RenderJob.first_queued_at.is_not(None),
                    RenderJob.first_queued_at,
                ),
                else_=now,
            ),
            # A render in progress shows the old data: its outcome must not count.
            "claim_token": None,
            "lease_until": None,
            "attempts": 0,
            "last_error": "",
        },
    )


def queue_now(session, target: Target, now: datetime | None = None) -> None:
    """Queue a document someone waits for: due at once, ahead of debounced ones."""
    now = now or utcnow()
    row = dict(
        target.row(),
        status=RenderStatus.QUEUED.value,
        urgent=True,
        due_at=now,
        first_queued_at=now,
        requested_at=now,
    )
    _upsert(
        session,
        [row],
        lambda excluded: {
            "status": RenderStatus.QUEUED.value,
            "urgent": True,
            "due_at": now,
            "requested_at": now,
            "first_queued_at": case(
                (RenderJob.status == RenderStatus.QUEUED.value, RenderJob.first_queued_at),
                else_=now,
            ),
            # A failed document is tried afresh when someone asks for it again; a new failure
            # shows in last_error to whoever waits.
            "last_error": "",
            "attempts": case(
                (RenderJob.status == RenderStatus.FAILED.value, 0), else_=RenderJob.attempts
            ),
        },
    )


def note_requested(session, target: Target, now: datetime | None = None) -> None:
    """Remember that a document was asked for (served from the cache): it stays kept ready."""
    now = now or utcnow()
    row = dict(target.row(), status=RenderStatus.DONE.value, requested_at=now)
    _upsert(session, [row], lambda excluded: {"requested_at": now})


# --- which documents a change queues --------------------------------------------------------


def shared_targets(session, institute_ids: list[int], now: datetime) -> list[Target]:
    """The documents to keep ready for these institutes: the published booklet (A4, each
    booklet language) and every institute-wide document asked for within RECENT."""
    from planner.documents import catalog
    from planner.institutes.models import Institute, InstituteStatus

    targets = []
    published = session.execute(
        select(Institute.id, Institute.working_languages).where(
            Institute.id.in_(institute_ids),
            Institute.program_published.is_(True),
            Institute.status != InstituteStatus.ARCHIVED,
        )
    ).all()
    for institute_id, languages in published:
        for locale in catalog.reader_languages(languages):
            targets.append(Target("program", institute_id, DEFAULT_PAPER, locale))
    asked = session.execute(
        select(RenderJob.institute_id, RenderJob.kind, RenderJob.paper, RenderJob.locale).where(
            RenderJob.institute_id.in_(institute_ids),
            RenderJob.subject_id == 0,
            RenderJob.requested_at >= now - RECENT,
        )
    ).all()
    targets.extend(Target(kind, iid, paper, locale) for iid, kind, paper, locale in asked)
    return targets


@versioning.after_versions_raised
def _queue_after_change(session, institute_ids: list[int]) -> None:
    now = utcnow()
    queue_changed(session, shared_targets(session, institute_ids, now), now)


# --- the worker's side ----------------------------------------------------------------------


def _due(now: datetime):
    max_delay = _seconds("RENDER_MAX_DELAY_SECONDS")
    return (
        (RenderJob.status == RenderStatus.QUEUED.value)
        & (
            RenderJob.urgent.is_(True)
            | (RenderJob.due_at <= now)
            | (RenderJob.first_queued_at <= now - max_delay)
        )
        & (RenderJob.claim_token.is_(None) | (RenderJob.lease_until <= now))
    )


# What the worker reads of a claimed job: a plain row, untouched by the session's commits.
_CLAIMED_COLUMNS = (
    RenderJob.id,
    RenderJob.institute_id,
    RenderJob.kind,
    RenderJob.subject_id,
    RenderJob.paper,
    RenderJob.locale,
    RenderJob.attempts,
)


def claim_one(now: datetime | None = None):
    """Claim the next due job for this worker and commit; (token, the job's row or None)."""
    now = now or utcnow()
    token = secrets.token_hex(16)
    candidate = (
        select(RenderJob.id)
        .where(_due(now))
        .order_by(RenderJob.urgent.desc(), RenderJob.due_at, RenderJob.id)
        .limit(1)
    )
    claim_rows(RenderJob, candidate, _due(now), claim_token=token, lease_until=now + LEASE)
    job = db.session.execute(
        select(*_CLAIMED_COLUMNS).where(RenderJob.claim_token == token)
    ).first()
    db.session.commit()
    return token, job


def _finish(job, token: str, **values) -> bool:
    result = db.session.execute(
        update(RenderJob)
        .where(RenderJob.id == job.id, RenderJob.claim_token == token)
        .values(claim_token=None, lease_until=None, **values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def build(target: Target):
    """(CacheKey of the current version, a function that renders it), or None when the
    document no longer exists (institute deleted or archived, facilitator removed)."""
    from planner.documents import catalog

    return catalog.render_target(target)


def run_job(job, token: str, now: datetime | None = None) -> bool:
    """Render one claimed job into the cache; True when rendered (or already there)."""
    target = Target(job.kind, job.institute_id, job.paper, job.locale, job.subject_id)
    started = time.perf_counter()
    try:
        with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
            built = build(target)
            if built is None:
                db.session.rollback()
                _finish(job, token, status=RenderStatus.DONE.value, urgent=False)
                return False
            key, render = built
            cached_pdf(key, render)
            db.session.rollback()  # no transaction stays open between jobs
    except Exception as error:  # any failure of a render is retried later
        db.session.rollback()
        attempts = job.attempts + 1
        delay = BACKOFF[attempts - 1] if attempts < MAX_ATTEMPTS else None
        # The back-off decides when it is due again (not the longest delay of the debounce).
        values = dict(
            attempts=attempts,
            urgent=False,
            first_queued_at=None,
            last_error=type(error).__name__[:300],
        )
        if delay is None:
            values["status"] = RenderStatus.FAILED.value
        else:
            values["due_at"] = (now or utcnow()) + delay
        _finish(job, token, **values)
        # The kind and ids only: an error message may quote the document's data.
        log.warning(
            "render job %s (%s, institute %s) failed on attempt %s: %s",
            job.id,
            job.kind,
            job.institute_id,
            attempts,
            type(error).__name__,
        )
        return False
    _finish(
        job,
        token,
        status=RenderStatus.DONE.value,
        urgent=False,
        first_queued_at=None,
        attempts=0,
        last_error="",
        rendered_version=key.data_version,
        rendered_at=utcnow(),
    )
    log.info(
        "rendered %s of institute %s (v%s) in %.0f ms",
        job.kind,
        job.institute_id,
        key.data_version,
        (time.perf_counter() - started) * 1000,
    )
    return True


def run_pending(
    limit: int | None = None,
    *,
    now: datetime | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> int:
    """Render due jobs one by one until none is due (or ``limit`` renders); how many were."""
    rendered = 0
    seen = 0
    while (limit is None or seen < limit) and not should_stop():
        token, job = claim_one(now)
        if job is None:
            break
        seen += 1
        if run_job(job, token, now):
            rendered += 1
    return rendered


# --- the web worker's side --------------------------------------------------------------------


@dataclass(frozen=True)
class Ready:
    pdf: bytes
    data_version: int

    def etag(self, key: CacheKey) -> str:
        return (
            CacheKey(
                key.kind, key.institute_id, self.data_version, key.paper, key.locale, key.subject_id
            )
            .filename()
            .removesuffix(".pdf")
        )


def cached(key: CacheKey) -> Ready | None:
    """The PDF of ``key``'s version or a newer one, from the cache; None if not rendered yet."""
    folder = cache_dir(key.institute_id)
    suffix = f"-{template_version()}.pdf"
    best = None
    try:
        names = [p.name for p in folder.glob(f"{key.stem()}-v*{suffix}")]
    except OSError:
        return None
    for name in names:
        version = name.removeprefix(f"{key.stem()}-v").removesuffix(suffix)
        if (
            version.isdigit()
            and int(version) >= key.data_version
            and (best is None or int(version) > best[0])
        ):
            best = (int(version), name)
    if best is None:
        return None
    try:
        return Ready((folder / best[1]).read_bytes(), best[0])
    except OSError:
        return None  # replaced by a newer version meanwhile: the caller looks again


def obtain(
    target: Target, key: CacheKey, render: Callable[[], bytes], *, wait: bool
) -> Ready | None:
    """The PDF of ``key`` (or newer): from the cache; rendered here when RENDER_INLINE; else
    asked of the render worker and, with ``wait``, waited for up to RENDER_WAIT_SECONDS.
    None: not ready yet (show "being prepared"). Raises RenderFailed when the worker gave up.

    When no worker has claimed the job by the end of the wait (no render worker runs), the
    document is rendered here (by a child process: planner/documents/render.py) rather than
    never: the deployment should run one.
    """
    ready = cached(key)
    if ready is not None:
        return ready  # a read: no write on the way (requested_at is noted on a miss)
    if current_app.config["RENDER_INLINE"]:
        note_requested(db.session, target)
        db.session.commit()
        return Ready(cached_pdf(key, render), key.data_version)
    before = _job_state(target)
    queue_now(db.session, target)
    db.session.commit()
    if before is not None and before.status == RenderStatus.FAILED:
        raise RenderFailed(target.kind)  # said once, without reloading; tried afresh next time
    if not wait:
        return None
    deadline = time.monotonic() + float(current_app.config["RENDER_WAIT_SECONDS"])
    pause = 0.02
    while True:
        ready = cached(key)
        if ready is not None:
            return ready
        job = _job_state(target)
        if job is not None and (
            job.status == RenderStatus.FAILED or (job.last_error and job.claim_token is None)
        ):
            raise RenderFailed(target.kind)
        if time.monotonic() >= deadline:
            break
        _sleep(pause)
        pause = min(pause * 1.5, 0.25)
    if job is not None and job.claim_token is None:
        log.warning(
            "no render worker took %s of institute %s within the wait: rendered by a child "
            "process of the web worker (run flask render-documents --loop)",
            target.kind,
            target.institute_id,
        )
        return Ready(cached_pdf(key, render), key.data_version)
    return None


def _job_state(target: Target):
    db.session.rollback()  # see the worker's latest commit
    return db.session.execute(
        select(RenderJob.status, RenderJob.claim_token, RenderJob.last_error).where(
            RenderJob.institute_id == target.institute_id,
            RenderJob.kind == target.kind,
            RenderJob.subject_id == target.subject_id,
            RenderJob.paper == target.paper,
            RenderJob.locale == target.locale,
        )
    ).first()
