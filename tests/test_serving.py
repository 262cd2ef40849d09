"""Serving processes start and stop cleanly: `make serve` (what `make run` ends with) and
gunicorn with --preload and several workers rendering PDFs at the same time."""

import os
import pty
import select
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from planner.demo import DEMO_SLUG

# The served app always has its own SQLite file: the PostgreSQL pass would run these unchanged.
pytestmark = pytest.mark.own_database

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CRASH_WORDS = ("Traceback", "Segmentation fault", "SIGSEGV", "Interrupt", "Fatal Python error")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def served_env(tmp_path):
    """Environment of a served app: its own migrated SQLite database, instance and mail folders."""
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "PLANNER_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite'}",
        "PLANNER_UPLOAD_DIR": str(tmp_path / "uploads"),
        "PLANNER_DOCUMENT_CACHE_DIR": str(tmp_path / "documents"),
        "PLANNER_MAIL_FILE_DIR": str(tmp_path / "mail"),
    }
    subprocess.run(
        [BIN / "flask", "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    return env


def wait_until_serving(port: int, process: subprocess.Popen, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server ended before it answered"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise AssertionError("the server did not answer /healthz in time")


def children_of(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(child) for child in found.stdout.split()]


def all_ended(pids: list[int]) -> bool:
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        return False
    return True


def start_serve(env, port: int) -> subprocess.Popen:
    """`flask serve` in a process group of its own, as a terminal or a service manager starts it."""
    return subprocess.Popen(
        [BIN / "flask", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def port_is_closed(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_serve_stops_its_process_group_cleanly(served_env, stop_signal):
    port = free_port()
    process = start_serve(served_env, port)
    try:
        wait_until_serving(port, process)
        children = children_of(process.pid)
        os.killpg(process.pid, stop_signal)
        output, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    text = output.decode()
    assert process.returncode == 0, text
    assert len(children) == 3 and all_ended(children), (
        "the web server, the mail sender and the render worker ended"
    )
    assert not [word for word in CRASH_WORDS if word in text], text
    assert port_is_closed(port)


def test_sigterm_to_the_web_server_stops_everything_cleanly(served_env):
    port = free_port()
    process = start_serve(served_env, port)
    try:
        wait_until_serving(port, process)
        children = children_of(process.pid)
        web_server = subprocess.run(
            ["pgrep", "-P", str(process.pid), "-f", "flask.* run"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        os.kill(int(web_server[0]), signal.SIGTERM)
        output, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    text = output.decode()
    assert process.returncode == 0, text
    assert len(children) == 3 and all_ended(children), "the mail sender and render worker too"
    assert not [word for word in CRASH_WORDS if word in text], text


def test_ctrl_c_in_a_terminal_ends_make_serve_with_status_0(served_env):
    """Ctrl+C at the terminal reaches the servers, not make: make ends with 0 and no error."""
    port = free_port()
    controller, terminal = pty.openpty()

    def become_terminal_session():
        os.setsid()
        import fcntl
        import termios

        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    make = subprocess.Popen(
        ["make", "--no-print-directory", "serve", f"VENV={BIN.parent}", f"PORT={port}"],
        cwd=ROOT,
        env={**served_env, "MAKEFLAGS": ""},
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        preexec_fn=become_terminal_session,  # a terminal of its own, as a shell gives make
    )
    os.close(terminal)
    output = bytearray()
    try:
        wait_until_serving(port, make)
        os.write(controller, b"\x03")
        deadline = time.monotonic() + 30
        while make.poll() is None and time.monotonic() < deadline:
            output += read_available(controller)
        make.wait(timeout=5)
        output += read_available(controller)
    finally:
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGKILL)
        os.close(controller)
    text = output.decode(errors="replace")
    assert make.returncode == 0, text
    assert "Stopped." in text
    assert not [word for word in CRASH_WORDS if word in text], text
    assert port_is_closed(port)


def read_available(fd: int) -> bytes:
    ready, _, _ = select.select([fd], [], [], 0.2)
    if not ready:
        return b""
    try:
        return os.read(fd, 65536)
    except OSError:  # the terminal closed with its last process
        return b""


def test_gunicorn_with_preload_renders_pdfs_in_four_workers_at_once(served_env, tmp_path):
    """The booklet rendered by four forked workers at the same time: no worker crashes."""
    subprocess.run(
        [BIN / "flask", "demo"], cwd=ROOT, env=served_env, check=True, capture_output=True
    )
    port = free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as log_file:
        gunicorn = subprocess.Popen(
            [
                BIN / "gunicorn",
                "--preload",
                "--workers",
                "4",
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                "120",
                "wsgi:app",
            ],
            cwd=ROOT,
            # The web workers render themselves here (no render worker runs): what is tested is
            # WeasyPrint in forked workers at the same moment.
            env={**served_env, "PYTHONFAULTHANDLER": "1", "PLANNER_RENDER_INLINE": "true"},
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_serving(port, gunicorn)
        slug = DEMO_SLUG  # the demo publishes its program

        def fetch(paper: str) -> bytes:
            url = f"http://127.0.0.1:{port}/p/{slug}/program.pdf?paper={paper}"
            with urllib.request.urlopen(url, timeout=120) as answer:
                assert answer.status == 200
                return answer.read()

        # Eight requests at once, none cached yet: every worker renders, several at the same moment.
        with ThreadPoolExecutor(max_workers=8) as pool:
            pdfs = list(pool.map(fetch, ["a4", "letter"] * 4))
    finally:
        os.killpg(gunicorn.pid, signal.SIGTERM)
        gunicorn.wait(timeout=30)
    assert all(pdf.startswith(b"%PDF-") for pdf in pdfs)
    text = log.read_text(errors="replace")
    assert "SIGSEGV" not in text and "Fatal Python error" not in text, text
    serving, _, _ = text.partition("Handling signal: term")
    assert "was sent" not in serving and "exited with code" not in serving, text
