"""Program booklet timing on the reference workload (DESIGN section 7).

    .venv/bin/python -m bench.documents [WORKLOAD.json] [--runs N] [--postgres SERVER_URL]

Loads the reference workload (60 agenda items, 12 facilitators, 300 participants; made by
../shared/bench/reference_workload.py when no file is given) into a throwaway SQLite
database (or a throwaway PostgreSQL database with --postgres), then downloads
/p/<slug>/program.pdf through the app: cold (the document cache emptied before each run)
and cached. Prints medians of wall-clock and CPU time; the targets are under 1.5 s cold
and under 50 ms cached.
"""

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKLOAD_SCRIPT = ROOT.parent / "shared" / "bench" / "reference_workload.py"


def workload(path: str | None) -> dict:
    if path is None:
        out = Path(tempfile.mkdtemp()) / "reference-workload.json"
        script = WORKLOAD_SCRIPT
        if not script.exists():
            sys.exit(f"no workload file given and {script} is missing")
        subprocess.run([sys.executable, str(script), str(out)], check=True, capture_output=True)
        path = str(out)
    return json.loads(Path(path).read_text(encoding="utf-8"))


def seed(data: dict):
    """The workload as an institute of this app: rooms, sessions, facilitators, people."""
    from planner.agenda.models import Room, Session, SessionFacilitator, SessionKind
    from planner.extensions import db
    from planner.institutes.models import Institute, InstituteStatus
    from planner.invitations.models import Invitee, InviteeRole, RsvpStatus

    event = data["event"]
    start = date.fromisoformat(event["start_date"])
    institute = Institute(
        slug=event["slug"],
        title=event["title"],
        description=event["description"],
        host_organization="Bench Host Organization",
        city=event["city"],
        country=event["country_code"],
        venue=event["venue"],
        address=event["address"],
        timezone=event["timezone"],
        start_date=start,
        end_date=start + timedelta(days=event["days"] - 1),
        working_languages="ru,en",
        status=InstituteStatus.OPEN,
        program_published=True,
        emergency_phone="+7 725 200 0000",
    )
    db.session.add(institute)
    db.session.flush()
    rooms = {}
    for n, name in enumerate(data["rooms"]):
        rooms[name] = Room(institute_id=institute.id, name=name, position=n)
        db.session.add(rooms[name])
    people = {}
    for f in data["facilitators"]:
        people[f["id"]] = Invitee(
            institute=institute,
            full_name=f"{f['first_name']} {f['last_name']}",
            passport_name=f"{f['last_name']} {f['first_name']}".upper(),
            email=f["email"],
            organization=f["affiliation"],
            country=f["country"],
            role=InviteeRole.FACILITATOR,
            rsvp_status=RsvpStatus.CONFIRMED,
            consent_to_list=True,
        )
    for n, p in enumerate(data["participants"]):
        db.session.add(
            Invitee(
                institute=institute,
                full_name=f"{p['first_name']} {p['last_name']}",
                passport_name=f"{p['last_name']} {p['first_name']}".upper(),
                email=p["email"],
                organization=p["affiliation"],
                country=p["country"],
                rsvp_status=RsvpStatus.CONFIRMED,
                consent_to_list=n % 3 != 0,
            )
        )
    db.session.add_all(people.values())
    db.session.flush()
    for item in data["items"]:
        hour, minute = map(int, item["start"].split(":"))
        starts = datetime.combine(date.fromisoformat(item["date"]), datetime.min.time()).replace(
            hour=hour, minute=minute
        )
        session = Session(
            institute_id=institute.id,
            title=item["title"],
            kind=SessionKind(item["kind"]),
            starts_local=starts,
            ends_local=starts + timedelta(minutes=item["minutes"]),
            room=rooms[item["room"]],
            description=item["description"],
            uid=f"{uuid.uuid4()}@bench",
        )
        db.session.add(session)
        for speaker in item["speakers"]:
            db.session.add(SessionFacilitator(session=session, invitee=people[speaker]))
    db.session.commit()
    return institute


@contextmanager
def throwaway_database(server_url: str | None, folder: Path):
    """A database of the benchmark's own: SQLite in a temporary folder, or a fresh database
    created on the given PostgreSQL server and dropped afterwards (never an existing one)."""
    if not server_url:
        yield f"sqlite:///{folder / 'bench.sqlite'}"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    server_url = server_url.replace("postgresql://", "postgresql+psycopg://", 1)
    name = f"planner_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workload", nargs="?")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--postgres",
        metavar="SERVER_URL",
        help="e.g. postgresql://postgres@127.0.0.1:5432/postgres",
    )
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="planner-bench-"))
    try:
        with throwaway_database(args.postgres, tmp) as database_url:
            run(database_url, tmp, args)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(database_url: str, tmp: Path, args) -> None:
    from planner import create_app
    from planner.extensions import db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "DOCUMENT_CACHE_DIR": str(tmp / "documents"),
            "UPLOAD_DIR": str(tmp / "uploads"),
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        db.create_all()
        institute = seed(workload(args.workload))
        url = f"/p/{institute.slug}/program.pdf"
    try:
        client = app.test_client()

        def download() -> tuple[float, float, int]:
            """Wall-clock and CPU seconds of one download (CPU time is steadier on a busy host)."""
            started, cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            assert response.status_code == 200, response.status_code
            return elapsed, cpu, len(response.data)

        first, _cpu, size = download()
        cold = []
        for _ in range(args.runs):
            shutil.rmtree(tmp / "documents", ignore_errors=True)
            cold.append(download())
        cached = [download() for _ in range(args.runs * 3)]

        def ms(runs, column: int) -> float:
            return statistics.median(run[column] for run in runs) * 1000

        print(f"booklet: {size / 1024:.0f} KiB, {len(cold)} cold and {len(cached)} cached runs")
        print(f"first render in a fresh process: {first * 1000:.0f} ms")
        print(
            f"cold (cache emptied): median {ms(cold, 0):.0f} ms wall, {ms(cold, 1):.0f} ms CPU"
            "  (target < 1500 ms)"
        )
        print(
            f"cached: median {ms(cached, 0):.1f} ms wall, {ms(cached, 1):.1f} ms CPU"
            "  (target < 50 ms)"
        )
    finally:
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
