"""The table of issue 16: feeds, 304s, the booklet, the participant list and the dashboard at
300 and 3,000 participants, on SQLite and PostgreSQL; writes bench/RESULTS.md.

    .venv/bin/python -m bench.table [--runs 20] [--sizes 300,3000] [--postgres URL]

Loads the reference workload (DESIGN §7; 60 sessions, 12 facilitators, 300 participants)
and, for the larger size, adds participants up to 3,000; every participant gets an arrival
and a departure, a breakout and a hotel stay. Each database and size is measured in a fresh
process with the Flask test client (medians in ms; the peak memory of that process after
the PDFs). The machine and its load average are printed with the table: the machine is
shared, so read the figures with the load in mind.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.feeds import (  # noqa: E402
    BASE_URL,
    DEFAULT_POSTGRES,
    SECRET_KEY,
    median_ms,
    postgres_database,
    workload_file,
)

PASSWORD = "bench-password-0123"  # noqa: S105 - a throwaway database
NATIONALITIES = ["KZ", "KG", "TJ", "UZ", "AZ", "JO"]
RESULTS = ROOT / "bench" / "RESULTS.md"


# The render worker renders a booklet this long after the last change (the debounce).
QUIET_SECONDS = 1.0


def config(database_url: str, cache_dir: str) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": SECRET_KEY,
        "BASE_URL": BASE_URL,
        "DOCUMENT_CACHE_DIR": cache_dir,
        "WTF_CSRF_ENABLED": False,
        # As in production: the web process never renders, the render worker does.
        "RENDER_INLINE": False,
        "RENDER_QUIET_SECONDS": QUIET_SECONDS,
    }


def peak_memory_mb() -> float:
    """This process's own peak resident memory (VmHWM, Linux). Not ``ru_maxrss``: Linux carries
    a parent's peak over fork and exec, so a process spawned by this benchmark would report
    the driver's peak (the database loaded, a password hashed) instead of its own."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def start_render_worker(database_url: str, cache_dir: str):
    """`flask render-documents --loop` on the benchmark's database, as production runs it."""
    import subprocess

    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "PLANNER_DATABASE_URL": database_url,
        "PLANNER_DOCUMENT_CACHE_DIR": cache_dir,
        "PLANNER_SECRET_KEY": SECRET_KEY,
        "PLANNER_BASE_URL": BASE_URL,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "render-documents", "--loop", "--interval", "0.1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def prepare(database_url: str, workload: Path, size: int, cache_dir: str) -> str:
    """The workload with ``size`` participants, each with legs, a breakout and a room."""
    from sqlalchemy import func, insert, select

    from planner import create_app
    from planner.agenda.models import BreakoutAssignment, Session, SessionKind
    from planner.auth import services as accounts
    from planner.extensions import db
    from planner.invitations.models import Invitee, InviteeRole, RsvpStatus, search_key
    from planner.reference import load_reference
    from planner.travel.models import Direction, Hotel, RoomAssignment, TravelLeg, TravelMode

    app = create_app(config(database_url, cache_dir))
    with app.app_context():
        db.create_all()
        owner = accounts.create_organizer("bench@example.org", "Bench Organizer", PASSWORD)
        institute = load_reference(workload, owner=owner)
        institute.program_published = True
        db.session.flush()
        participants = db.session.scalar(
            select(func.count(Invitee.id)).where(
                Invitee.institute_id == institute.id, Invitee.role == InviteeRole.PARTICIPANT
            )
        )
        now = datetime.now(UTC)
        first_id = db.session.scalar(select(func.max(Invitee.id))) + 1
        extra = [
            dict(
                id=first_id + n,
                institute_id=institute.id,
                full_name=f"Участник {n:05d}",
                passport_name=f"PARTICIPANT {n:05d}",
                email=f"extra{n:05d}@example.org",
                # As the ORM keeps it for every invitee written through the app (an import).
                search_name=search_key(
                    f"Участник {n:05d} PARTICIPANT {n:05d} extra{n:05d}@example.org"
                ),
                country=NATIONALITIES[n % 6],
                nationality=NATIONALITIES[(n + 1) % 6],
                role=InviteeRole.PARTICIPANT,
                rsvp_status=list(RsvpStatus)[n % len(RsvpStatus)],
                created_at=now,
                updated_at=now,
            )
            for n in range(max(size - participants, 0))
        ]
        if extra:
            db.session.execute(insert(Invitee), extra)
        hotel = Hotel(institute_id=institute.id, name="Hotel Samal")
        db.session.add(hotel)
        db.session.flush()
        people = db.session.scalars(
            select(Invitee.id).where(
                Invitee.institute_id == institute.id, Invitee.role == InviteeRole.PARTICIPANT
            )
        ).all()
        breakouts = db.session.scalars(
            select(Session.id).where(
                Session.institute_id == institute.id, Session.kind == SessionKind.BREAKOUT
            )
        ).all()
        start, end = institute.start_date, institute.end_date
        legs, rooms, assignments = [], [], []
        taken = set(db.session.execute(select(BreakoutAssignment.invitee_id)).scalars())
        for n, invitee_id in enumerate(people):
            for direction, day in ((Direction.ARRIVAL, start), (Direction.DEPARTURE, end)):
                legs.append(
                    dict(
                        invitee_id=invitee_id,
                        direction=direction,
                        mode=TravelMode.AIR,
                        from_place="Almaty (ALA)",
                        to_place="Shymkent (CIT)",
                        departs_local=datetime.combine(day, datetime.min.time()).replace(hour=6),
                        departs_tz="Asia/Almaty",
                        arrives_local=datetime.combine(day, datetime.min.time()).replace(hour=7),
                        arrives_tz="Asia/Almaty",
                        uid=f"bench-leg-{invitee_id}-{direction.value}@bench",
                        created_at=now,
                        updated_at=now,
                    )
                )
            rooms.append(
                dict(
                    invitee_id=invitee_id,
                    hotel_id=hotel.id,
                    room_label=str(n // 2),
                    room_capacity=2,
                    check_in=start,
                    check_out=end,
                    uid=f"bench-room-{invitee_id}@bench",
                    created_at=now,
                    updated_at=now,
                )
            )
            if breakouts and invitee_id not in taken:
                assignments.append(
                    dict(session_id=breakouts[n % len(breakouts)], invitee_id=invitee_id)
                )
        db.session.execute(insert(TravelLeg), legs)
        db.session.execute(insert(RoomAssignment), rooms)
        if assignments:
            db.session.execute(insert(BreakoutAssignment), assignments)
        db.session.commit()
        slug = institute.slug
        if db.engine.dialect.name == "postgresql":
            # Fresh statistics, as autovacuum keeps them on a server that has run a while.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE")
        db.engine.dispose()
    return slug


def measure(database_url: str, slug: str, runs: int, cache_dir: str) -> dict:
    from sqlalchemy import select

    from planner import create_app
    from planner.documents.models import RenderJob, RenderStatus
    from planner.extensions import db
    from planner.institutes.models import Institute

    app = create_app(config(database_url, cache_dir))
    worker = start_render_worker(database_url, cache_dir)
    client = app.test_client()
    response = client.post("/login", data={"email": "bench@example.org", "password": PASSWORD})
    assert response.status_code == 302, response.status_code

    # A calendar app polls the public feed without our session cookie.
    calendar_app = app.test_client()

    def get(path, status=200, by=client, **headers):
        response = by.get(path, headers=headers)
        assert response.status_code == status, (path, response.status_code)
        return response

    feed = f"/p/{slug}/program.ics"
    etag = get(feed, by=calendar_app).headers["ETag"]
    results = {
        "feed": median_ms(lambda: get(feed, by=calendar_app), runs),
        "feed 304": median_ms(
            lambda: get(feed, 304, by=calendar_app, **{"If-None-Match": etag}), runs
        ),
        "list": median_ms(lambda: get(f"/institutes/{slug}/invitees/"), runs),
        "dashboard": median_ms(lambda: get(f"/institutes/{slug}/"), runs),
    }

    def ready(version: int) -> bool:
        with app.app_context():
            return bool(
                db.session.scalar(
                    select(RenderJob.id).where(
                        RenderJob.kind == "program",
                        RenderJob.paper == "a4",
                        RenderJob.locale == "en",
                        RenderJob.status == RenderStatus.DONE,
                        RenderJob.rendered_version >= version,
                    )
                )
            )

    def change_then_booklet():
        """An organizer's edit (the version raised through the app, which queues the booklet),
        the render worker's render in the background, then the first reader's request."""
        with app.app_context():
            institute = db.session.scalar(select(Institute).where(Institute.slug == slug))
            institute.touch()
            db.session.commit()
            version = db.session.scalar(
                select(Institute.data_version).where(Institute.id == institute.id)
            )
        changed = time.perf_counter()
        while not ready(version):
            if worker.poll() is not None:
                raise RuntimeError("the render worker ended")
            time.sleep(0.05)
        background = (time.perf_counter() - changed) * 1000 - QUIET_SECONDS * 1000
        started = time.perf_counter()
        response = get(f"/p/{slug}/program.pdf")
        assert response.data.startswith(b"%PDF")
        return (time.perf_counter() - started) * 1000, background

    try:
        pdf_runs = [change_then_booklet() for _ in range(3)]
        results["booklet after change"] = sorted(run[0] for run in pdf_runs)[1]
        results["booklet render (worker)"] = sorted(run[1] for run in pdf_runs)[1]
        results["booklet cached"] = median_ms(lambda: get(f"/p/{slug}/program.pdf"), runs)
        # A worker that has served every kind of page then signs someone in: the worst case
        # (the password hash's memory on top of everything the pages loaded).
        client.post("/logout")
        signed_in = client.post("/login", data={"email": "bench@example.org", "password": PASSWORD})
        assert signed_in.status_code == 302, signed_in.status_code
        results["peak MB"] = peak_memory_mb()
        results["weasyprint in web"] = float("weasyprint" in sys.modules)
    finally:
        worker.terminate()
        worker.wait(timeout=120)
    results["render peak MB"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    with app.app_context():
        assert db.session.scalar(select(Institute.id).where(Institute.slug == slug))
    return results


def machine() -> str:
    cpus = os.cpu_count()
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.system()} {platform.machine()}, {cpus} CPUs ({model}); load average {load}"


COLUMNS = [
    ("feed", "institute feed, 200"),
    ("feed 304", "institute feed with its ETag, 304"),
    ("booklet after change", "booklet PDF, first request after a change"),
    (
        "booklet render (worker)",
        "booklet render in the render worker after a change (not waited for)",
    ),
    ("booklet cached", "booklet PDF, cached"),
    ("list", "participant list, page of 50"),
    ("dashboard", "dashboard"),
    ("peak MB", "web process peak memory after pages, PDFs and a second sign-in (MB)"),
    ("weasyprint in web", "WeasyPrint imported by the web process (1 = yes)"),
    ("render peak MB", "render worker peak memory (MB, its largest process)"),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workload", help="reference workload JSON (generated if omitted)")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--sizes", default="300,3000")
    parser.add_argument(
        "--postgres", default=os.environ.get("PLANNER_BENCH_POSTGRES_URL", DEFAULT_POSTGRES)
    )
    parser.add_argument("--no-write", action="store_true", help="do not write RESULTS.md")
    args = parser.parse_args()
    workload = workload_file(args.workload)
    sizes = [int(size) for size in args.sizes.split(",")]
    before = machine()
    measured: dict[tuple[str, int], dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            databases = [("SQLite", f"sqlite:///{tmp}/bench-{size}.sqlite", None)]
            pg_url, drop = postgres_database(args.postgres)
            if pg_url:
                databases.append(("PostgreSQL", pg_url, drop))
            for label, url, cleanup in databases:
                cache_dir = tempfile.mkdtemp(dir=tmp)
                try:
                    slug = prepare(url, workload, size, cache_dir)
                    with multiprocessing.get_context("spawn").Pool(1) as pool:
                        measured[(label, size)] = pool.apply(
                            measure, (url, slug, args.runs, cache_dir)
                        )
                finally:
                    if cleanup:
                        cleanup()
    lines = [
        f"Machine: {before} (at start); {machine()} (at end).",
        f"Flask test client in one process, median of {args.runs} runs, ms "
        "(the booklet after a change: median of 3).",
        "",
        "| measure | " + " | ".join(f"{label} {size}" for label, size in measured) + " |",
        "|---|" + "---|" * len(measured),
    ]
    for key, title in COLUMNS:
        cells = [f"{values[key]:.1f}" for values in measured.values()]
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    table = "\n".join(lines)
    print(table)
    if not args.no_write:
        write_results(table)
    return 0


TITLE = "# Benchmark results (`make bench`, bench/table.py)"


def write_results(table: str) -> None:
    """The new table at the top of RESULTS.md; earlier ones stay below it, newest first."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    earlier = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    earlier = earlier.removeprefix(TITLE).strip()
    section = f"## Measured {stamp}\n\n{table}\n"
    RESULTS.write_text(
        "\n\n".join(part for part in (TITLE, section, earlier) if part) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    sys.exit(main())
