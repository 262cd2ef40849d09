"""Load test, bounded and loopback only: 300 invitees confirming and 1,000 feed polls against
gunicorn (4 sync workers) on PostgreSQL, with the rate limiter's counters in Redis and two mail
senders delivering the confirmations to a local SMTP server. Not part of the test suite.

    .venv/bin/python -m bench.load [--invitees 300] [--polls 1000] [--workers 4]
        [--clients 24] [--postgres URL] [--workload FILE]

What it does:
1. Loads the reference workload (DESIGN §7) into a throwaway PostgreSQL database, puts 300
   participants back to "invited" with a fresh invitation link each, and makes feed links.
2. Starts redis-server and an SMTP server (aiosmtpd) on loopback ports, gunicorn with 4
   workers behind a trusted proxy hop (each simulated person sends its own X-Forwarded-For,
   as nginx would), and two ``flask send-mail --loop`` processes.
3. At once: every invitee opens their link (GET /r/<token>), presses "Yes, I will come"
   (POST with the CSRF token) and lands on /me/; calendar apps poll the program feed and
   personal feeds (with If-None-Match half of the time).
4. Checks in the database that every invitee is confirmed with exactly one history row and
   exactly one confirmation e-mail, waits for the senders, checks that the SMTP server got
   each confirmation exactly once, and prints the figures.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.feeds import (  # noqa: E402
    DEFAULT_POSTGRES,
    SECRET_KEY,
    free_port,
    postgres_database,
    workload_file,
)

BASE_URL = "http://127.0.0.1"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Timings:
    samples: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str, started: float, status: int) -> None:
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.samples.setdefault(name, []).append(elapsed)
            self.statuses[(name, status)] += 1

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def prepare(database_url: str, workload: Path, invitees: int, feeds: int):
    """Schema, workload, invited participants with links; (rsvp tokens, feed paths)."""
    from sqlalchemy import select, update

    from planner import create_app
    from planner.calendar import services as calendar
    from planner.extensions import db
    from planner.invitations import services as invitations
    from planner.invitations.models import Invitee, InviteeRole, RsvpStatus
    from planner.reference import load_reference

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET_KEY, "BASE_URL": BASE_URL}
    )
    with app.app_context():
        db.create_all()
        institute = load_reference(workload)
        institute.rsvp_deadline = None
        people = list(
            db.session.scalars(
                select(Invitee)
                .where(
                    Invitee.institute_id == institute.id,
                    Invitee.role == InviteeRole.PARTICIPANT,
                )
                .order_by(Invitee.id)
                .limit(invitees)
            )
        )
        if len(people) < invitees:
            raise SystemExit(f"the workload has only {len(people)} participants")
        db.session.execute(
            update(Invitee)
            .where(Invitee.id.in_([p.id for p in people]))
            .values(rsvp_status=RsvpStatus.INVITED, answered_at=None)
        )
        db.session.expire_all()
        tokens = invitations.issue_rsvp_links(institute, people)
        feed_paths = [f"/p/{institute.slug}/program.ics"]
        for invitee in people[:feeds]:
            link = calendar.issue_feed_link(invitee)
            feed_paths.append(f"/feeds/{calendar.feed_token(link)}.ics")
        db.session.commit()
        result = ([(p.id, p.email, tokens[p.id]) for p in people], feed_paths)
        db.engine.dispose()
    return result


def start_redis(port: int, tmp: str) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            tmp,
        ],
        stdout=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(host="127.0.0.1", port=port)
    for _ in range(100):
        try:
            client.ping()
            return server
        except redis.ConnectionError:
            time.sleep(0.1)
    raise RuntimeError("redis-server did not answer")


def app_env(database_url: str, redis_port: int, smtp_port: int, tmp: str) -> dict[str, str]:
    return dict(
        os.environ,
        FLASK_APP="wsgi",
        PLANNER_DATABASE_URL=database_url,
        PLANNER_SECRET_KEY=SECRET_KEY,
        PLANNER_BASE_URL=BASE_URL,
        PLANNER_RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{redis_port}/0",
        PLANNER_PROXY_HOPS="1",
        PLANNER_MAIL_BACKEND="smtp",
        PLANNER_MAIL_HOST="127.0.0.1",
        PLANNER_MAIL_PORT=str(smtp_port),
        PLANNER_UPLOAD_DIR=f"{tmp}/uploads",
        PLANNER_DOCUMENT_CACHE_DIR=f"{tmp}/documents",
        PLANNER_MAIL_FILE_DIR=f"{tmp}/mail",
    )


def wait_healthy(base: str) -> None:
    for _ in range(600):  # up to ~60 s on a busy machine
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not answer /healthz")


def confirm(base: str, n: int, token: str, timings: Timings) -> None:
    """One invitee: open the link, press "Yes, I will come", follow to /me/."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    whole = time.perf_counter()
    address = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
    headers = {"X-Forwarded-For": address, "Accept-Language": "ru"}
    try:
        started = time.perf_counter()
        with opener.open(urllib.request.Request(f"{base}/r/{token}", headers=headers)) as page:
            html = page.read().decode()
            timings.add("GET /r/<token>", started, page.status)
        csrf = CSRF.search(html).group(1)
        body = urllib.parse.urlencode({"csrf_token": csrf, "answer": "confirmed"}).encode()
        started = time.perf_counter()
        request = urllib.request.Request(f"{base}/r/{token}", data=body, headers=headers)
        try:
            opener.open(request)
            timings.error(f"invitee {n}: POST did not redirect")
        except urllib.error.HTTPError as answer:
            timings.add("POST /r/<token>", started, answer.code)
            if answer.code != 302 or not answer.headers["Location"].endswith("/me/"):
                timings.error(f"invitee {n}: POST answered {answer.code}")
                return
        started = time.perf_counter()
        with opener.open(urllib.request.Request(f"{base}/me/", headers=headers)) as page:
            page.read()
            timings.add("GET /me/", started, page.status)
        timings.add("confirmation (all 3)", whole, 200)
    except urllib.error.HTTPError as error:
        timings.add("error", started, error.code)
        timings.error(f"invitee {n}: HTTP {error.code}")
    except (urllib.error.URLError, OSError, AttributeError) as error:
        timings.error(f"invitee {n}: {type(error).__name__}: {error}")


def poll(base: str, n: int, path: str, etags: dict, timings: Timings) -> None:
    """One feed poll by calendar app n; every other poll sends the ETag it has."""
    headers = {"X-Forwarded-For": f"172.16.{n // 256 % 256}.{n % 256}"}
    if n % 2 and path in etags:
        headers["If-None-Match"] = etags[path]
    started = time.perf_counter()
    name = "feed (program)" if path.startswith("/p/") else "feed (personal)"
    try:
        with urllib.request.urlopen(
            urllib.request.Request(base + path, headers=headers), timeout=30
        ) as response:
            response.read()
            etags[path] = response.headers.get("ETag", "")
            timings.add(name, started, response.status)
    except urllib.error.HTTPError as error:
        timings.add(name, started, error.code)
        if error.code != 304:
            timings.error(f"poll {n} {name}: HTTP {error.code}")
    except (urllib.error.URLError, OSError) as error:
        timings.error(f"poll {n}: {type(error).__name__}: {error}")


def check_database(database_url: str, people: list[tuple[int, str, str]], since: datetime):
    """(problems, counts): every invitee confirmed once, one history row, one e-mail."""
    from sqlalchemy import func, select

    from planner import create_app
    from planner.extensions import db
    from planner.invitations.models import Invitee, RsvpStatus, StatusChange
    from planner.mail.models import OutboundEmail

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET_KEY})
    ids = [p[0] for p in people]
    problems = []
    with app.app_context():
        statuses = Counter(
            db.session.scalars(select(Invitee.rsvp_status).where(Invitee.id.in_(ids)))
        )
        history = dict(
            db.session.execute(
                select(StatusChange.invitee_id, func.count())
                .where(
                    StatusChange.invitee_id.in_(ids),
                    StatusChange.kind == "rsvp",
                    StatusChange.new_status == RsvpStatus.CONFIRMED.value,
                    StatusChange.at >= since,
                )
                .group_by(StatusChange.invitee_id)
            ).all()
        )
        mails = dict(
            db.session.execute(
                select(OutboundEmail.invitee_id, func.count())
                .where(OutboundEmail.invitee_id.in_(ids), OutboundEmail.kind == "confirmation")
                .group_by(OutboundEmail.invitee_id)
            ).all()
        )
        db.engine.dispose()
    if statuses != Counter({RsvpStatus.CONFIRMED: len(ids)}):
        problems.append(f"statuses: {dict(statuses)}")
    for label, counts in (("history rows", history), ("confirmation e-mails", mails)):
        wrong = {i: counts.get(i, 0) for i in ids if counts.get(i, 0) != 1}
        if wrong:
            problems.append(f"{label} not exactly one for {len(wrong)} invitees: {wrong}")
    return problems, statuses, sum(history.values()), sum(mails.values())


def count_sent(database_url: str, ids: list[int]) -> int:
    from sqlalchemy import func, select

    from planner import create_app
    from planner.extensions import db
    from planner.mail.models import MailStatus, OutboundEmail

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET_KEY})
    with app.app_context():
        count = db.session.scalar(
            select(func.count()).where(
                OutboundEmail.invitee_id.in_(ids),
                OutboundEmail.kind == "confirmation",
                OutboundEmail.status == MailStatus.SENT,
            )
        )
        db.engine.dispose()
    return count


def worker_cpu_seconds(master_pid: int) -> float:
    """CPU time (user + system) used so far by gunicorn's workers: a figure that does not
    depend on how busy the machine is, unlike the latencies."""
    ticks = os.sysconf("SC_CLK_TCK")
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    except OSError:
        return float("nan")
    total = 0
    for pid in children:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invitees", type=int, default=300)
    parser.add_argument("--polls", type=int, default=1000)
    parser.add_argument("--feeds", type=int, default=20, help="personal feeds polled")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=24, help="concurrent simulated people")
    parser.add_argument("--workload", help="reference workload JSON (generated if omitted)")
    parser.add_argument(
        "--postgres", default=os.environ.get("PLANNER_BENCH_POSTGRES_URL", DEFAULT_POSTGRES)
    )
    args = parser.parse_args()

    from aiosmtpd.controller import Controller

    from tests.plugins.smtp_server import RecordingHandler

    database_url, drop = postgres_database(args.postgres)
    if not database_url:
        print("PostgreSQL does not answer: the load test needs it.")
        return 1
    processes: list[subprocess.Popen] = []
    handler = RecordingHandler()
    smtp = Controller(handler, hostname="127.0.0.1", port=free_port())
    try:
        with tempfile.TemporaryDirectory() as tmp:
            print("preparing the database (reference workload) ...", flush=True)
            people, feed_paths = prepare(
                database_url, workload_file(args.workload), args.invitees, args.feeds
            )
            since = datetime.now().astimezone()
            smtp.start()
            redis_port = free_port()
            processes.append(start_redis(redis_port, tmp))
            env = app_env(database_url, redis_port, smtp.port, tmp)
            port = free_port()
            processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "--workers",
                        str(args.workers),
                        "--worker-class",
                        "sync",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--log-level",
                        "warning",
                        "--access-logfile",
                        "/dev/null",
                        "wsgi:app",
                    ],
                    cwd=ROOT,
                    env=env,
                )
            )
            flask = str(Path(sys.executable).parent / "flask")
            for _ in range(2):
                processes.append(
                    subprocess.Popen(
                        [flask, "send-mail", "--loop", "--interval", "0.5"],
                        cwd=ROOT,
                        env=env,
                        stdout=subprocess.DEVNULL,
                    )
                )
            base = f"http://127.0.0.1:{port}"
            wait_healthy(base)
            gunicorn_pid = processes[1].pid
            cpu_before = worker_cpu_seconds(gunicorn_pid)
            client_before = resource.getrusage(resource.RUSAGE_SELF)
            load_before = os.getloadavg()
            print(
                f"gunicorn {args.workers} workers, PostgreSQL, Redis rate limits, 2 senders; "
                f"{args.invitees} invitees and {args.polls} feed polls, "
                f"{args.clients} concurrent clients ...",
                flush=True,
            )

            timings = Timings()
            etags: dict[str, str] = {}
            started = time.perf_counter()
            rsvp_done = threading.Event()
            rsvp_seconds = [0.0]

            def run_rsvps():
                with ThreadPoolExecutor(args.clients) as pool:
                    for n, (_id, _email, token) in enumerate(people):
                        pool.submit(confirm, base, n, token, timings)
                rsvp_seconds[0] = time.perf_counter() - started
                rsvp_done.set()

            rsvp_thread = threading.Thread(target=run_rsvps)
            rsvp_thread.start()
            with ThreadPoolExecutor(max(2, args.clients // 3)) as pool:
                for n in range(args.polls):
                    path = feed_paths[n % len(feed_paths)]
                    pool.submit(poll, base, n, path, etags, timings)
            polls_seconds = time.perf_counter() - started
            rsvp_thread.join()
            total_seconds = time.perf_counter() - started
            cpu_used = worker_cpu_seconds(gunicorn_pid) - cpu_before
            client_after = resource.getrusage(resource.RUSAGE_SELF)
            client_cpu = (client_after.ru_utime - client_before.ru_utime) + (
                client_after.ru_stime - client_before.ru_stime
            )
            load_after = os.getloadavg()

            problems, statuses, history, mails = check_database(database_url, people, since)
            ids = [p[0] for p in people]
            waited = time.perf_counter()
            while count_sent(database_url, ids) < len(ids) and time.perf_counter() - waited < 180:
                time.sleep(0.5)
            delivery_seconds = time.perf_counter() - started
            received = Counter(rcpt for _from, rcpts in handler.envelopes for rcpt in rcpts)
            expected = Counter({email: 1 for _id, email, _token in people})
            if received != expected:
                missing = sum((expected - received).values())
                extra = sum((received - expected).values())
                problems.append(f"SMTP: {missing} confirmations missing, {extra} extra")

        print()
        print(f"{'request':<18} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  statuses")
        for name, values in sorted(timings.samples.items()):
            codes = ", ".join(
                f"{code}: {count}"
                for (label, code), count in sorted(timings.statuses.items())
                if label == name
            )
            print(
                f"{name:<18} {len(values):>6} {statistics.median(values):>8.1f} "
                f"{percentile(values, 0.95):>8.1f} {max(values):>8.1f}  {codes}"
            )
        requests = sum(len(v) for k, v in timings.samples.items() if k != "confirmation (all 3)")
        print()
        print(
            f"{args.invitees} confirmations done in {rsvp_seconds[0]:.1f} s "
            f"({args.invitees / rsvp_seconds[0]:.1f} per second); "
            f"{args.polls} feed polls done in {polls_seconds:.1f} s; "
            f"{requests} requests in {total_seconds:.1f} s "
            f"({requests / total_seconds:.0f} per second)"
        )
        print(
            f"gunicorn workers used {cpu_used:.1f} s of CPU: "
            f"{cpu_used * 1000 / requests:.0f} ms per request on average; "
            f"machine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        )
        print(
            f"this client (the simulated people, one process) used {client_cpu:.1f} s of CPU; "
            f"load average {load_before[0]:.1f} at the start, {load_after[0]:.1f} at the end"
        )
        print(
            f"database: {dict((str(k), v) for k, v in statuses.items())}, "
            f"{history} confirmation history rows, {mails} confirmation e-mails queued"
        )
        print(
            f"SMTP: {sum(received.values())} confirmations received by {len(received)} "
            f"recipients, all delivered {delivery_seconds:.1f} s after the start"
        )
        print(f"client errors: {len(timings.errors)}")
        for line in timings.errors[:10]:
            print("  " + line)
        if rsvp_seconds[0] > 60:
            problems.append(f"the confirmations took {rsvp_seconds[0]:.0f} s, over a minute")
        if problems or timings.errors:
            print("FAILED: " + "; ".join(problems or ["client errors"]))
            return 1
        print("OK: no error, no answer or e-mail lost or duplicated")
        return 0
    finally:
        for process in reversed(processes):
            process.send_signal(signal.SIGTERM)
        for process in reversed(processes):
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
        smtp.stop()
        if drop:
            drop()


if __name__ == "__main__":
    sys.exit(main())
