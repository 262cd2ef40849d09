"""Fixtures of the calendar tests: parsing feeds back and counting SQL statements."""

from contextlib import contextmanager

import pytest
from icalendar import Calendar
from sqlalchemy import event

from planner.calendar import services
from planner.extensions import db


def parse(body: bytes) -> Calendar:
    return Calendar.from_ical(body)


def unfolded(body: bytes) -> str:
    """The feed as text with folded lines joined, so a search cannot miss a split word."""
    return body.replace(b"\r\n ", b"").decode()


def events_by_uid(body: bytes) -> dict:
    return {str(e["UID"]): e for e in parse(body).walk("VEVENT")}


@contextmanager
def count_queries():
    """Counts the SQL statements sent to the database inside the block."""
    statements: list[str] = []

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)


@pytest.fixture
def feed_url(app):
    """The path of a fresh personal feed of the invitee."""

    def make(invitee) -> str:
        link = services.issue_feed_link(invitee)
        db.session.commit()
        return f"/feeds/{services.feed_token(link)}.ics"

    return make
