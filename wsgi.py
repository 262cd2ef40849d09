"""WSGI entry point: gunicorn wsgi:app."""

from planner import create_app

app = create_app()
