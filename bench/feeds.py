"""Benchmark of the iCalendar feeds on the reference workload (DESIGN §7).

Loads the workload JSON into a fresh database (SQLite, and PostgreSQL when it answers),
then times the institute feed, a participant's feed and a facilitator's feed: first in
process with the Flask test client, then over HTTP against gunicorn with one sync worker.
Prints the median of repeated runs in milliseconds. Targets: institute feed well under
30 ms, personal feed under 20 ms.

    .venv/bin/python -m bench.feeds [--workload FILE] [--runs 50] [--postgres URL]

Without --workload, the generator ../shared/bench/reference_workload.py writes one into
bench/out/. Only loopback traffic; every loop is bounded.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.exc import OperationalError  # noqa: E402

SECRET_KEY = "bench-only-secret-key-0123456789abcdef"  # noqa: S105 - a throwaway database
BASE_URL = "http://127.0.0.1"
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
GENERATOR = ROOT.parent / "shared" / "bench" / "reference_workload.py"


def workload_file(given: str | None) -> Path:
    if given:
        return Path(given)
    out = ROOT / "bench" / "out" / "reference-workload.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    if not out.exists():
        subprocess.run([sys.executable, str(GENERATOR), str(out)], check=True)
    return out


def prepare(database_url: str, workload: Path) -> dict[str, str]:
    """Create the schema, load the workload and make feed links; the paths to fetch."""
    from planner import create_app
    from planner.calendar import services
    from planner.extensions import db
    from planner.invitations.models import Invitee, InviteeRole
    from planner.reference import load_reference

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET_KEY, "BASE_URL": BASE_URL}
    )
    with app.app_context():
        db.create_all()
        institute = load_reference(workload)
        people = {}
        for role in (InviteeRole.PARTICIPANT, InviteeRole.FACILITATOR):
            invitee = db.session.scalar(
                select(Invitee)
                .where(Invitee.institute_id == institute.id, Invitee.role == role)
                .order_by(Invitee.id)
                .limit(1)
            )
            people[role.value] = services.issue_feed_link(invitee)
        db.session.commit()
        paths = {"institute": f"/p/{institute.slug}/program.ics"}
        for role, link in people.items():
            paths[role] = f"/feeds/{services.feed_token(link)}.ics"
        db.engine.dispose()
    return paths


def median_ms(fetch, runs: int) -> float:
    for _ in range(3):
        fetch()  # warm caches (zones, templates, connections)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        fetch()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def measure_in_process(database_url: str, paths: dict[str, str], runs: int) -> dict[str, float]:
    from planner import create_app

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET_KEY, "BASE_URL": BASE_URL}
    )
    client = app.test_client()
    results = {}
    for name, path in paths.items():

        def fetch(path=path):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        results[name] = median_ms(fetch, runs)
    return results


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def measure_gunicorn(
    database_url: str, paths: dict[str, str], runs: int, headers: dict[str, str] | None = None
) -> dict[str, float]:
    port = free_port()
    env = dict(
        os.environ,
        PLANNER_DATABASE_URL=database_url,
        PLANNER_SECRET_KEY=SECRET_KEY,
        PLANNER_BASE_URL=BASE_URL,
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "1",
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):  # up to ~20 s for the worker to boot
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=10) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not answer /healthz")
        results = {}
        for name, path in paths.items():

            def fetch(path=path):
                request = urllib.request.Request(base + path, headers=headers or {})
                with urllib.request.urlopen(request, timeout=10) as response:
                    response.read()
                    # A redirect (to the sign-in page, say) would time the wrong page.
                    assert response.url == base + path, response.url

            results[name] = median_ms(fetch, runs)
        return results
    finally:
        server.terminate()
        server.wait(timeout=20)


def postgres_database(server_url: str):
    """A throwaway database on the server, or None when it does not answer."""
    if server_url.startswith("postgresql://"):
        server_url = "postgresql+psycopg://" + server_url.removeprefix("postgresql://")
    name = f"bench_feeds_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        print(f"PostgreSQL skipped: {error.__class__.__name__}")
        return None, None
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workload", help="reference workload JSON (generated if omitted)")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument(
        "--postgres", default=os.environ.get("PLANNER_BENCH_POSTGRES_URL", DEFAULT_POSTGRES)
    )
    parser.add_argument("--no-gunicorn", action="store_true")
    args = parser.parse_args()
    workload = workload_file(args.workload)

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        databases = [("SQLite", f"sqlite:///{tmp}/bench-feeds.sqlite", None)]
        pg_url, drop = postgres_database(args.postgres)
        if pg_url:
            databases.append(("PostgreSQL", pg_url, drop))
        for label, url, cleanup in databases:
            try:
                paths = prepare(url, workload)
                # A fresh process, as a server worker would be: the loading above leaves a
                # large heap behind whose garbage collection would distort the timings.
                with multiprocessing.get_context("spawn").Pool(1) as pool:
                    result = pool.apply(measure_in_process, (url, paths, args.runs))
                rows.append((label, "test client", result))
                if not args.no_gunicorn:
                    rows.append((label, "gunicorn 1 sync", measure_gunicorn(url, paths, args.runs)))
            finally:
                if cleanup:
                    cleanup()

    print(f"\nFeeds on the reference workload, median of {args.runs} runs (ms)")
    print(
        f"{'database':<11} {'server':<16} {'institute':>10} {'participant':>12} {'facilitator':>12}"
    )
    for label, server, result in rows:
        print(
            f"{label:<11} {server:<16} {result['institute']:>10.1f} "
            f"{result['participant']:>12.1f} {result['facilitator']:>12.1f}"
        )
    print("targets: institute feed well under 30 ms, personal feeds under 20 ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
