"""``flask serve``: the development web server, the mail sender and the render worker under one
supervisor.

``make run`` used to start both from a shell line whose trap (``kill 0``) sent SIGTERM to its
own process group from inside the TERM handler: the shell re-entered its trap until its stack
overflowed, and make reported a segmentation fault. Here one Python process owns both children:

- each child runs in a process group of its own, so a signal meant for the supervisor (Ctrl+C in
  the terminal, SIGTERM from a service manager) reaches it alone, and it stops the children in
  order: SIGTERM, a grace period, then SIGKILL;
- when the supervisor runs in the terminal's foreground, it takes the foreground for its own
  process group, so Ctrl+C stops the servers and not ``make``, which then ends with status 0;
- a child that ends (SIGTERM to the web server, say) stops the other; a crash is reported with
  its signal, and the children run with ``faulthandler`` on, so a crash leaves a traceback.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time

import click
from flask.cli import ScriptInfo

GRACE_SECONDS = 10.0
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Supervisor:
    def __init__(self, commands: dict[str, list[str]]):
        self.commands = commands
        self.children: dict[str, subprocess.Popen] = {}
        self.stop_requested: int | None = None

    def request_stop(self, signum, frame) -> None:
        self.stop_requested = signum

    def start(self) -> None:
        env = {**os.environ, "PYTHONFAULTHANDLER": "1"}
        for name, command in self.commands.items():
            self.children[name] = subprocess.Popen(  # noqa: S603 - our own interpreter and flask
                command, env=env, process_group=0, preexec_fn=_end_with_parent
            )

    def watch(self) -> int:
        """Wait until a stop is asked for or a child ends; return the exit status to give."""
        while self.stop_requested is None:
            for name, child in self.children.items():
                code = child.poll()
                if code is None:
                    continue
                if code in (0, -signal.SIGTERM, -signal.SIGINT):
                    click.echo(f"The {name} stopped; stopping the others.", err=True)
                    return 0
                click.echo(f"The {name} ended unexpectedly ({describe(code)}).", err=True)
                return 1
            time.sleep(0.2)
        return 0

    def stop(self) -> None:
        running = [child for child in self.children.values() if child.poll() is None]
        for child in running:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGTERM)
        deadline = time.monotonic() + GRACE_SECONDS
        for child in running:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.pid, signal.SIGKILL)
                child.wait()


def _end_with_parent() -> None:
    """In the child: be sent SIGTERM if the supervisor itself is killed (Linux)."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def describe(code: int) -> str:
    if code < 0:
        return f"signal {signal.Signals(-code).name}"
    return f"exit status {code}"


@contextlib.contextmanager
def terminal_foreground():
    """Make this process's own group the terminal's foreground while the servers run.

    Ctrl+C then reaches the supervisor only; ``make`` (our parent, in the old foreground group)
    sees its recipe end with status 0 instead of being interrupted itself.
    """
    try:
        fd = sys.stdin.fileno()
        owns_terminal = os.isatty(fd) and os.tcgetpgrp(fd) == os.getpgrp()
    except (OSError, ValueError):
        owns_terminal = False
    if not owns_terminal:
        yield
        return
    previous_group = os.getpgrp()
    os.setpgid(0, 0)
    with _ignoring(signal.SIGTTOU):
        os.tcsetpgrp(fd, os.getpgrp())
    try:
        yield
    finally:
        with _ignoring(signal.SIGTTOU), contextlib.suppress(OSError):
            os.tcsetpgrp(fd, previous_group)


@contextlib.contextmanager
def _ignoring(signum):
    previous = signal.signal(signum, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signum, previous)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-mail", is_flag=True, help="Serve only; do not run the mail sender.")
@click.option(
    "--no-render",
    is_flag=True,
    help="Do not run the render worker (PDFs are then rendered in the web server).",
)
def serve_command(host: str, port: int, no_mail: bool, no_render: bool) -> None:
    """Run the development web server, the mail sender and the render worker; Ctrl+C or
    SIGTERM stops them all."""
    script_info = click.get_current_context().find_object(ScriptInfo)
    app_path = (script_info and script_info.app_import_path) or os.environ.get("FLASK_APP", "wsgi")
    flask = [sys.executable, "-m", "flask", "--app", app_path]
    commands = {"web server": [*flask, "run", "--host", host, "--port", str(port)]}
    if not no_mail:
        commands["mail sender"] = [*flask, "send-mail", "--loop"]
    if not no_render:
        commands["render worker"] = [*flask, "render-documents", "--loop"]
    else:
        os.environ["PLANNER_RENDER_INLINE"] = "true"  # read by the web server's config
    supervisor = Supervisor(commands)
    previous = {sig: signal.signal(sig, supervisor.request_stop) for sig in STOP_SIGNALS}
    try:
        with terminal_foreground():
            click.echo(
                f"Serving on http://{host}:{port} "
                "(Ctrl+C stops the web server, the mail sender and the render worker)."
            )
            supervisor.start()
            status = supervisor.watch()
            supervisor.stop()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo("Stopped.")
    sys.exit(status)
