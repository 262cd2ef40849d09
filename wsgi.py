"""WSGI entry point: gunicorn wsgi:app."""

import faulthandler

from planner import create_app

# A crash in a C library (Pango, fontconfig, libpq) leaves a Python traceback in the log.
faulthandler.enable()

app = create_app()
