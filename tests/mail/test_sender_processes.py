"""Two ``flask send-mail --loop`` processes on one database share the outbox: every message
is delivered exactly once (the deployment of docs/deploy.md runs several senders)."""

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from planner.extensions import db
from planner.mail.models import MailStatus, OutboundEmail
from tests.conftest import TEST_ENCRYPTION_KEYS
from tests.mail.conftest import queue
from tests.plugins.smtp_server import RecordingHandler, SMTPServer, _free_port

FLASK = Path(sys.executable).parent / "flask"
MESSAGES = 150


class SlowHandler(RecordingHandler):
    """A real server takes a moment per message: both senders get their share."""

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.01)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def slow_smtp_server():
    controller = Controller(SlowHandler(), hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield SMTPServer(controller, controller.handler)
    finally:
        controller.stop()


def _start_sender(database_url: str, smtp: SMTPServer, tmp_path: Path, n: int):
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "PLANNER_DATABASE_URL": database_url,
        "PLANNER_SECRET_KEY": "test-secret-key",
        "PLANNER_ENCRYPTION_KEYS": TEST_ENCRYPTION_KEYS,
        "PLANNER_MAIL_BACKEND": "smtp",
        "PLANNER_MAIL_HOST": smtp.host,
        "PLANNER_MAIL_PORT": str(smtp.port),
        "PLANNER_MAIL_FILE_DIR": str(tmp_path / "mail"),
    }
    log = (tmp_path / f"sender-{n}.log").open("w+")
    process = subprocess.Popen(
        [str(FLASK), "send-mail", "--loop", "--interval", "0.2", "--limit", "10"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=Path(__file__).parent.parent.parent,
    )
    return process, log


def _wait_for(condition, seconds: float = 120) -> None:
    """A safety limit so a broken sender fails the test instead of hanging it."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("gave up waiting")
        time.sleep(0.2)


def test_two_sender_processes_deliver_each_message_exactly_once(
    app, database_url, slow_smtp_server, tmp_path
):
    senders = [_start_sender(database_url, slow_smtp_server, tmp_path, n) for n in (1, 2)]
    try:
        for _process, log in senders:
            _wait_for(lambda log=log: "Mail sender started" in Path(log.name).read_text())
        for n in range(MESSAGES):
            queue(recipient=f"p{n}@example.org", subject=f"Message {n}", commit=False)
        db.session.commit()

        def all_sent() -> bool:
            db.session.rollback()
            return (
                db.session.scalar(
                    select(func.count()).where(OutboundEmail.status == MailStatus.SENT)
                )
                == MESSAGES
            )

        _wait_for(all_sent)
    finally:
        for process, _log in senders:
            process.send_signal(signal.SIGTERM)
        for process, _log in senders:
            process.wait(timeout=60)

    received = Counter(message["To"] for message in slow_smtp_server.messages)
    assert received == Counter({f"p{n}@example.org": 1 for n in range(MESSAGES)})
    assert len({m["Message-ID"] for m in slow_smtp_server.messages}) == MESSAGES
    delivered = []
    for process, log in senders:
        output = Path(log.name).read_text()
        assert process.returncode == 0, output
        assert "Mail sender stopped." in output
        delivered.append(sum(int(n) for n in re.findall(r"Delivered (\d+),", output)))
    assert sum(delivered) == MESSAGES
    assert all(count > 0 for count in delivered), delivered  # both took part
