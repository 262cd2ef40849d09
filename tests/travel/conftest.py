"""Fixtures of the travel tests: team members of each role and a confirmed invitee."""

import pytest

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
    """The shared counter (tests/queries.py) as a fixture: ``with count_queries() as c``."""
    from tests.queries import count_queries as counter

    return counter


@pytest.fixture(autouse=True)
def request_context(app):
    """Services word their messages in the reader's language: they run inside a request."""
    with app.test_request_context():
        yield
