"""Fixtures of the travel tests: team members of each role and a confirmed invitee."""

import pytest
from sqlalchemy import event

from planner.auth.models import TeamRole
from planner.invitations.models import RsvpStatus
from tests import factories


@pytest.fixture
def editor(institute):
    person = factories.make_organizer(name="Erlan Editor")
    factories.add_member(institute, person, TeamRole.EDITOR)
    return person


@pytest.fixture
def viewer(institute):
    person = factories.make_organizer(name="Vera Viewer")
    factories.add_member(institute, person, TeamRole.VIEWER)
    return person


@pytest.fixture
def invitee(institute):
    return factories.make_invitee(
        institute,
        full_name="Зарина Саидова",
        country="TJ",
        nationality="TJ",
        phone="+992 900 000 001",
        language="en",  # her /me/ pages are in English; tests/travel/test_i18n.py reads Russian
        rsvp_status=RsvpStatus.CONFIRMED,
    )


@pytest.fixture
def count_queries(db):
    """A context manager counting the SQL statements run inside it."""

    class Counter:
        def __init__(self):
            self.count = 0

        def __call__(self, *args, **kwargs):
            self.count += 1

        def __enter__(self):
            event.listen(db.engine, "before_cursor_execute", self)
            return self

        def __exit__(self, *exc):
            event.remove(db.engine, "before_cursor_execute", self)

    return Counter


@pytest.fixture(autouse=True)
def request_context(app):
    """Services word their messages in the reader's language: they run inside a request."""
    with app.test_request_context():
        yield
