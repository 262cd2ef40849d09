"""Fixtures of the calendar tests: parsing feeds back and counting SQL statements."""

import pytest
from icalendar import Calendar

from planner.calendar import services
from planner.extensions import db
from tests.queries import count_queries  # noqa: F401 - shared by this package's tests


def parse(body: bytes) -> Calendar:
    return Calendar.from_ical(body)


def unfolded(body: bytes) -> str:
    """The feed as text with folded lines joined, so a search cannot miss a split word."""
    return body.replace(b"\r\n ", b"").decode()


def events_by_uid(body: bytes) -> dict:
    return {str(e["UID"]): e for e in parse(body).walk("VEVENT")}


@pytest.fixture
def feed_url(app):
    """The path of a fresh personal feed of the invitee."""

    def make(invitee) -> str:
        link = services.issue_feed_link(invitee)
        db.session.commit()
        return f"/feeds/{services.feed_token(link)}.ics"

    return make
