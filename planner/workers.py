"""How many web worker processes serve the app, as far as the start-up can tell."""

import os
import shlex
import sys
from pathlib import Path


def _workers_in(args: list[str]) -> int | None:
    """The -w/--workers value in gunicorn arguments, or None when absent or unreadable."""
    found = None
    for index, arg in enumerate(args):
        value = None
        if arg in ("-w", "--workers") and index + 1 < len(args):
            value = args[index + 1]
        elif arg.startswith("--workers="):
            value = arg.split("=", 1)[1]
        elif arg.startswith("-w") and len(arg) > 2:
            value = arg[2:]
        if value is not None:
            try:
                found = int(value)
            except ValueError:
                return None
    return found


def web_workers() -> int | None:
    """The number of web workers: PLANNER_WORKERS if given, else what gunicorn is told on its
    command line or in WEB_CONCURRENCY (its default is one); None when not under gunicorn
    (another server) or a configuration file may set it; 0 for commands
    such as ``flask db upgrade``, which serve no requests."""
    declared = os.environ.get("PLANNER_WORKERS")
    if declared and declared.strip().isascii() and declared.strip().isdigit():
        return int(declared)
    program = Path(sys.argv[0] if sys.argv else "").name
    if program in ("flask", "planner") and "run" not in sys.argv[1:]:
        return 0  # a command (send-mail, db upgrade): it serves no requests
    if program not in ("gunicorn", "gunicorn.exe"):
        return None
    workers = _workers_in(shlex.split(os.environ.get("GUNICORN_CMD_ARGS", "")))
    argv_workers = _workers_in(sys.argv[1:])
    if argv_workers is not None:  # the command line wins over GUNICORN_CMD_ARGS
        workers = argv_workers
    if (
        workers is None
        and os.environ.get("WEB_CONCURRENCY", "").strip().isascii()
        and os.environ.get("WEB_CONCURRENCY", "").strip().isdigit()
    ):
        workers = int(os.environ["WEB_CONCURRENCY"])
    if workers is None and (
        any(a in ("-c", "--config") or a.startswith("--config=") for a in sys.argv[1:])
        or Path("gunicorn.conf.py").exists()
    ):
        return None  # a configuration file may set the number of workers
    return workers if workers is not None else 1
