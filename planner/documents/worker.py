"""``flask render-documents``: the render worker, the one process that runs WeasyPrint.

- ``flask render-documents`` renders the due jobs once and ends (cron, tests, a first fill).
- ``flask render-documents --loop`` keeps them rendered: it starts a child process that checks
  the job table every INTERVAL and renders what is due, and replaces the child after
  RENDERS_PER_CHILD renders, so the memory that layout leaves behind (fonts, images, Pango's
  caches) is given back to the system and the worker's memory stays flat. A child that
  crashes is replaced after a back-off. SIGTERM or Ctrl+C stops both after the render in
  progress (a render is seconds; the claim of an interrupted one lapses after its lease).

Several workers (processes or machines) may run at once: each job is claimed by one.
"""

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time

import click
from flask import current_app
from flask.cli import ScriptInfo
from sqlalchemy.exc import SQLAlchemyError

from planner.documents import jobs
from planner.documents.render import render_in_this_process
from planner.documents.views import bp
from planner.extensions import db

GRACE_SECONDS = 60.0  # the render in progress may finish
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def _stop_event() -> tuple[threading.Event, dict]:
    stop = threading.Event()

    def request_stop(signum, frame) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in STOP_SIGNALS}
    return stop, previous


def run_child(interval: float, renders: int, stop: threading.Event) -> int:
    """Render due jobs until ``renders`` jobs were handled or a stop is asked for."""
    handled = 0
    while handled < renders and not stop.is_set():
        try:
            done = jobs.run_pending(renders - handled, should_stop=stop.is_set)
        except SQLAlchemyError:
            # The database may be restarting: report, and try again after the interval.
            current_app.logger.exception("render worker: database error; retrying")
            db.session.rollback()
            done = 0
        handled += done
        if done == 0:
            stop.wait(interval)
    return handled


def child_command(interval: float, renders: int) -> list[str]:
    script_info = click.get_current_context().find_object(ScriptInfo)
    app_path = (script_info and script_info.app_import_path) or os.environ.get("FLASK_APP", "wsgi")
    return [
        sys.executable,
        "-m",
        "flask",
        "--app",
        app_path,
        "render-documents",
        "--child",
        "--interval",
        f"{interval:g}",
        "--renders-per-child",
        str(renders),
    ]


def supervise(command: list[str], stop: threading.Event) -> int:
    """Run the child until a stop is asked for; replace it when it ends."""
    failures = 0
    while not stop.is_set():
        child = subprocess.Popen(command, env={**os.environ, "PYTHONFAULTHANDLER": "1"})  # noqa: S603
        while child.poll() is None and not stop.is_set():
            stop.wait(0.2)
        if stop.is_set():
            with contextlib.suppress(ProcessLookupError):
                child.send_signal(signal.SIGTERM)
            try:
                child.wait(timeout=GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
            return 0
        if child.returncode == 0:
            failures = 0
            click.echo("Render worker: child replaced after its renders (memory given back).")
            continue
        failures += 1
        pause = min(2.0**failures, 60.0)
        click.echo(
            f"Render worker: child ended with status {child.returncode}; "
            f"starting another in {pause:g} s.",
            err=True,
        )
        stop.wait(pause)
    return 0


@bp.cli.command("render-documents")
@click.option("--loop", is_flag=True, help="Keep running: render documents as they are due.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.05),
    default=0.5,
    show_default=True,
    help="Seconds between checks of the job table when nothing is due.",
)
@click.option(
    "--renders-per-child",
    type=click.IntRange(min=1),
    default=25,
    show_default=True,
    help="With --loop: renders before the child process is replaced by a fresh one.",
)
@click.option("--child", is_flag=True, hidden=True)
def render_documents_command(
    loop: bool, interval: float, renders_per_child: int, child: bool
) -> None:
    """Render the documents that are due (once, or as a long-running worker)."""
    render_in_this_process()
    if child:
        stop, previous = _stop_event()
        try:
            run_child(interval, renders_per_child, stop)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return
    if not loop:
        started = time.perf_counter()
        count = jobs.run_pending()
        click.echo(f"Rendered {count} documents in {time.perf_counter() - started:.1f} s.")
        return
    stop, previous = _stop_event()
    click.echo(
        f"Render worker started: checks for due documents every {interval:g} s, a fresh "
        f"process every {renders_per_child} renders; stop it with Ctrl+C or SIGTERM."
    )
    try:
        supervise(child_command(interval, renders_per_child), stop)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
