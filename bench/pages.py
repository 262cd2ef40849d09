"""Benchmark of the organizer's busiest pages with 1,000 invitees (DESIGN §7).

Loads the reference workload (300 participants, 12 facilitators, 60 sessions) and adds
invitees up to 1,000 with mixed RSVP, visa and travel states, then times the dashboard,
the invitee list, the travel list and the agenda, in a fresh process with the Flask test
client and over HTTP against gunicorn with one sync worker (signed in with the same session
cookie). Prints medians in milliseconds and the SQL statements per page. Target: dashboard
and participant list under 100 ms with a constant number of queries.

    .venv/bin/python -m bench.pages [--runs 30] [--postgres URL] [--no-gunicorn]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
from datetime import date, datetime, timedelta
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

TOTAL_INVITEES = 1000
PASSWORD = "bench-password-0123"  # noqa: S105 - a throwaway database
COUNTRIES = ["KZ", "KG", "TJ", "UZ", "TM", "JO", "AF", "MN"]


def config(database_url: str) -> dict:
    return {"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET_KEY, "BASE_URL": BASE_URL}


def prepare(database_url: str, workload: Path) -> dict[str, str]:
    from sqlalchemy import func, select

    from planner import create_app
    from planner.auth import services as accounts
    from planner.extensions import db
    from planner.invitations.models import Invitee, RsvpStatus
    from planner.reference import load_reference
    from planner.travel.models import (
        Direction,
        TravelLeg,
        TravelMode,
        VisaCase,
        VisaRequirement,
        VisaRule,
        VisaStatus,
    )

    app = create_app(config(database_url))
    with app.app_context():
        db.create_all()
        owner = accounts.create_organizer("bench@example.org", "Bench Organizer", PASSWORD)
        institute = load_reference(workload, owner=owner)
        have = db.session.scalar(
            select(func.count()).select_from(Invitee).where(Invitee.institute_id == institute.id)
        )
        statuses = list(RsvpStatus)
        for n in range(TOTAL_INVITEES - have):
            db.session.add(
                Invitee(
                    institute=institute,
                    full_name=f"Участник {n:04d}" if n % 2 else f"Participant {n:04d}",
                    passport_name=f"PARTICIPANT {n:04d}",
                    email=f"extra{n:04d}@example.org",
                    country=COUNTRIES[n % len(COUNTRIES)],
                    nationality=COUNTRIES[(n + 1) % len(COUNTRIES)],
                    language="ru" if n % 3 else "en",
                    rsvp_status=statuses[n % len(statuses)],
                    passport_expiry=date(2027, 1, 1) + timedelta(days=n),
                )
            )
        for code, requirement in (
            ("JO", VisaRequirement.REQUIRED),
            ("AF", VisaRequirement.E_VISA),
            ("KG", VisaRequirement.NOT_NEEDED),
        ):
            db.session.add(
                VisaRule(
                    institute_id=institute.id,
                    nationality=code,
                    requirement=requirement,
                    visa_free_days=30,
                    lead_time_days=30,
                )
            )
        db.session.flush()
        extra = db.session.scalars(
            select(Invitee).where(
                Invitee.institute_id == institute.id, Invitee.email.like("extra%")
            )
        ).all()
        for n, invitee in enumerate(extra):
            if invitee.nationality in ("JO", "AF"):
                db.session.add(
                    VisaCase(invitee_id=invitee.id, status=list(VisaStatus)[n % len(VisaStatus)])
                )
            if n % 4 == 0:
                db.session.add(
                    TravelLeg(
                        invitee_id=invitee.id,
                        direction=Direction.ARRIVAL,
                        mode=TravelMode.AIR,
                        from_place="Istanbul (IST)",
                        to_place="Shymkent (CIT)",
                        departs_local=datetime(2027, 4, 11, 22, 0),
                        departs_tz="Europe/Istanbul",
                        arrives_local=datetime(2027, 4, 12, 6, 30),
                        arrives_tz="Asia/Almaty",
                        uid=f"bench-leg-{invitee.id}@bench",
                        needs_pickup=bool(n % 3),
                    )
                )
        db.session.commit()
        slug = institute.slug
        db.engine.dispose()
    base = f"/institutes/{slug}"
    return {
        "dashboard": f"{base}/",
        "invitee list": f"{base}/invitees/",
        "travel": f"{base}/travel/",
        "agenda": f"{base}/agenda/",
    }


def session_cookie(app) -> str:
    client = app.test_client()
    response = client.post("/login", data={"email": "bench@example.org", "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    return client.get_cookie("session").value


def measure_in_process(database_url: str, paths: dict[str, str], runs: int):
    from sqlalchemy import event

    from planner import create_app
    from planner.extensions import db

    app = create_app({**config(database_url), "WTF_CSRF_ENABLED": False})
    cookie = session_cookie(app)
    client = app.test_client()
    client.set_cookie("session", cookie)
    statements = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(1))
    results, queries = {}, {}
    for name, path in paths.items():

        def fetch(path=path):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        results[name] = median_ms(fetch, runs)
        statements.clear()
        fetch()
        queries[name] = len(statements)
    return results, queries, cookie


def measure_gunicorn(database_url: str, paths: dict[str, str], runs: int, cookie: str):
    from importlib.metadata import version

    from bench import feeds

    # The session is bound to the client's address and user agent (strong protection):
    # present the same ones as the test client that signed in.
    headers = {"Cookie": f"session={cookie}", "User-Agent": f"Werkzeug/{version('werkzeug')}"}
    return feeds.measure_gunicorn(database_url, paths, runs, headers=headers)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workload", help="reference workload JSON (generated if omitted)")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument(
        "--postgres", default=os.environ.get("PLANNER_BENCH_POSTGRES_URL", DEFAULT_POSTGRES)
    )
    parser.add_argument("--no-gunicorn", action="store_true")
    args = parser.parse_args()
    workload = workload_file(args.workload)

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        databases = [("SQLite", f"sqlite:///{tmp}/bench-pages.sqlite", None)]
        pg_url, drop = postgres_database(args.postgres)
        if pg_url:
            databases.append(("PostgreSQL", pg_url, drop))
        for label, url, cleanup in databases:
            try:
                paths = prepare(url, workload)
                with multiprocessing.get_context("spawn").Pool(1) as pool:
                    result, queries, cookie = pool.apply(
                        measure_in_process, (url, paths, args.runs)
                    )
                rows.append((label, "test client", result, queries))
                if not args.no_gunicorn:
                    served = measure_gunicorn(url, paths, args.runs, cookie)
                    rows.append((label, "gunicorn 1 sync", served, queries))
            finally:
                if cleanup:
                    cleanup()

    names = list(rows[0][2]) if rows else []
    print(f"\nOrganizer pages with {TOTAL_INVITEES} invitees, median of {args.runs} runs (ms)")
    print(f"{'database':<11} {'server':<16} " + " ".join(f"{n:>13}" for n in names))
    for label, server, result, _ in rows:
        print(f"{label:<11} {server:<16} " + " ".join(f"{result[n]:>13.1f}" for n in names))
    for label, _server, _, queries in rows[::2]:
        print(
            f"SQL statements per page ({label}): " + ", ".join(f"{n} {queries[n]}" for n in names)
        )
    print("target: dashboard and participant list under 100 ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
