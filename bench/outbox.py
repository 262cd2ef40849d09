"""Outbox benchmark: queue 1,000 invitation-like messages in one transaction, then measure the
sender's throughput to the file backend and to a local aiosmtpd server. Run by hand:

    .venv/bin/python bench/outbox.py                      # SQLite in a temporary directory
    .venv/bin/python bench/outbox.py --postgres postgresql://postgres@127.0.0.1:5432/postgres

With --postgres a throwaway database is created on that server and dropped afterwards.
The SMTP server runs in this process (aiosmtpd thread), so its work is counted too.
"""

import argparse
import socket
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, delete, func, select, text, update
from sqlalchemy.engine import make_url

from planner import create_app
from planner.extensions import db
from planner.institutes.models import Institute
from planner.invitations.models import Invitee
from planner.mail import sender
from planner.mail.models import MailStatus, OutboundEmail
from planner.mail.services import queue_email, render_email
from planner.security.tokens import new_token

NAMES = ["Айгуль Сатыбалдиева", "Rania Haddad", "Бахтиёр Каримов", "Dilnoza Yusupova"]


class CountingHandler:
    def __init__(self):
        self.received = 0

    async def handle_DATA(self, server, session, envelope):
        self.received += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def seed(count: int) -> tuple[Institute, list[Invitee]]:
    institute = Institute(
        slug="bench-outbox",
        title="Regional Training of Trainers Institute (benchmark)",
        city="Shymkent",
        country="KZ",
        timezone="Asia/Almaty",
        start_date=date(2027, 4, 12),
        end_date=date(2027, 4, 15),
        contact_email="institute@example.org",
    )
    db.session.add(institute)
    invitees = [
        Invitee(
            institute=institute,
            full_name=f"{NAMES[n % len(NAMES)]} {n}",
            email=f"participant{n}@example.org",
            language="ru" if n % 3 else "en",
        )
        for n in range(count)
    ]
    db.session.add_all(invitees)
    db.session.commit()
    # As the view that sends invitations would: the invitees loaded in one query.
    invitees = list(db.session.scalars(select(Invitee).order_by(Invitee.id)))
    return institute, invitees


def queue_all(institute, invitees, base_url: str) -> float:
    """Render and queue one message per invitee in one transaction; seconds taken."""
    started = time.perf_counter()
    for invitee in invitees:
        subject, body_text, body_html = render_email(
            "mail/messages/notice",
            invitee.language,
            institute=institute,
            invitee=invitee,
            subject="Invitation / Приглашение",
            paragraphs=["You are invited to the institute in Shymkent, 12–15 April 2027."],
            link=f"{base_url}/r/{new_token()}",
        )
        queue_email(
            recipient=invitee.email,
            kind="invitation",
            subject=subject,
            body_text=body_text,
            body_html=body_html,
            locale=invitee.language,
            institute=institute,
            invitee=invitee,
        )
    db.session.commit()
    return time.perf_counter() - started


def requeue_all() -> None:
    db.session.execute(
        update(OutboundEmail).values(
            status=MailStatus.QUEUED, attempts=0, sent_at=None, next_attempt_at=func.now()
        )
    )
    db.session.commit()


def drain() -> tuple[int, float]:
    started = time.perf_counter()
    delivered = 0
    while True:
        batch = sender.deliver_due(100)
        delivered += batch.delivered
        if batch.handled < 100:
            break
    return delivered, time.perf_counter() - started


def run(database_url: str, count: int, workdir: Path) -> None:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "MAIL_BACKEND": "file",
            "MAIL_FILE_DIR": str(workdir / "mail"),
            "MAIL_FROM": "Institute Planner <planner@example.org>",
        }
    )
    with app.app_context():
        db.create_all()
        institute, invitees = seed(count)
        dialect = db.engine.dialect.name
        print(f"database: {dialect}; messages: {count}")

        seconds = queue_all(institute, invitees, app.config["BASE_URL"])
        db.session.remove()  # the sender runs in its own process, with an empty session
        print(
            f"queue (render + insert, one transaction): {seconds:.2f} s, "
            f"{count / seconds:,.0f} messages/s"
        )

        delivered, seconds = drain()
        print(
            f"send to the file backend: {delivered} in {seconds:.2f} s, "
            f"{delivered / seconds:,.0f} messages/s"
        )

        requeue_all()
        handler = CountingHandler()
        controller = Controller(handler, hostname="127.0.0.1", port=free_port())
        controller.start()
        try:
            app.config.update(MAIL_BACKEND="smtp", MAIL_HOST="127.0.0.1", MAIL_PORT=controller.port)
            delivered, seconds = drain()
        finally:
            controller.stop()
        print(
            f"send over SMTP (local aiosmtpd): {delivered} in {seconds:.2f} s, "
            f"{delivered / seconds:,.0f} messages/s; server received {handler.received}"
        )

        db.session.execute(delete(OutboundEmail))
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(OutboundEmail)) == 0
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--postgres", metavar="URL", help="server URL for a throwaway database")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="planner-bench-") as tmp:
        workdir = Path(tmp)
        if not args.postgres:
            run(f"sqlite:///{workdir / 'bench.sqlite'}", args.count, workdir)
            return
        server = args.postgres.replace("postgresql://", "postgresql+psycopg://", 1)
        name = f"planner_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            url = make_url(server).set(database=name).render_as_string(hide_password=False)
            run(url, args.count, workdir)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
