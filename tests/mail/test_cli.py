"""``flask send-mail``: one pass with a summary, or a worker that stops cleanly on a signal."""

import os
import selectors
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from planner.config import PROJECT_ROOT
from planner.extensions import db
from planner.mail.models import MailStatus, OutboundEmail
from tests.conftest import TEST_ENCRYPTION_KEYS
from tests.mail.conftest import queue

GUARD_SECONDS = 60  # only against a hung test; never part of an assertion


@pytest.fixture
def app_config(smtp_server):
    return smtp_server.app_config()


def test_one_pass_delivers_everything_due_and_prints_a_summary(runner, smtp_server):
    for n in range(5):
        queue(recipient=f"p{n}@example.org")
    smtp_server.refuse_recipient("p3@example.org", "550 5.1.1 User unknown")
    smtp_server.refuse_recipient("p4@example.org", "451 4.7.1 Try again later")

    result = runner.invoke(args=["send-mail", "--limit", "2"])

    assert result.exit_code == 0, result.output
    assert "Delivered 3, to retry later 1, failed 1." in result.output
    assert len(smtp_server.messages) == 3


def test_one_pass_with_nothing_due(runner):
    result = runner.invoke(args=["send-mail"])

    assert result.exit_code == 0
    assert "Delivered 0, to retry later 0, failed 0." in result.output


def _read_until(process: subprocess.Popen, needle: str) -> str:
    """Read the worker's output until a line contains ``needle``."""
    seen = []
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while True:
            if not selector.select(timeout=GUARD_SECONDS):
                raise AssertionError(f"no {needle!r} in the output: {''.join(seen)}")
            line = process.stdout.readline()
            if not line:
                raise AssertionError(f"the worker ended early: {''.join(seen)}")
            seen.append(line)
            if needle in line:
                return "".join(seen)


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_worker_loop_delivers_then_stops_cleanly_on_a_signal(
    app, database_url, tmp_path, stop_signal
):
    queue(recipient="worker@example.org", subject="Через воркер")
    mail_dir = tmp_path / "worker-mail"
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "PLANNER_DATABASE_URL": database_url,
        # The bodies are stored encrypted: the sender shares the app's keys.
        "PLANNER_ENCRYPTION_KEYS": TEST_ENCRYPTION_KEYS,
        "PLANNER_MAIL_BACKEND": "file",
        "PLANNER_MAIL_FILE_DIR": str(mail_dir),
        "PYTHONUNBUFFERED": "1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "send-mail", "--loop", "--interval", "30"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output = _read_until(process, "Delivered 1")
        # Waiting out its 30 s interval: the signal ends the wait at once.
        process.send_signal(stop_signal)
        rest, _ = process.communicate(timeout=GUARD_SECONDS)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    assert "Mail sender started (file backend)" in output
    assert process.returncode == 0
    assert "Mail sender stopped." in rest
    assert "Traceback" not in rest
    [eml] = list(Path(mail_dir).glob("*.eml"))
    assert "worker@example.org" in eml.read_text()
    db.session.expire_all()
    stored = db.session.scalars(select(OutboundEmail)).one()
    assert stored.status == MailStatus.SENT


def test_an_unknown_backend_is_refused_with_a_clear_message(app, runner):
    app.config["MAIL_BACKEND"] = "carrier-pigeon"

    result = runner.invoke(args=["send-mail"])

    assert result.exit_code == 1
    assert "MAIL_BACKEND must be 'smtp' or 'file', not 'carrier-pigeon'" in result.output
    assert "Traceback" not in result.output
