"""Fixtures of the agenda tests: organizers of each team role and a stranger."""

import pytest

from planner.auth.models import TeamRole
from tests import factories


@pytest.fixture
def organizer_client(client, login, organizer):
    return login(organizer)


@pytest.fixture
def editor_client(app, login, institute):
    editor = factories.make_organizer(name="Erlan Editor")
    factories.add_member(institute, editor, TeamRole.EDITOR)
    return login(editor, on=app.test_client())


@pytest.fixture
def viewer_client(app, login, institute):
    viewer = factories.make_organizer(name="Vera Viewer")
    factories.add_member(institute, viewer, TeamRole.VIEWER)
    return login(viewer, on=app.test_client())


@pytest.fixture
def other_organizer_client(app, login):
    """An organizer who owns another institute and has no membership in ours."""
    stranger = factories.make_organizer(name="Stan Stranger")
    factories.make_institute(owner=stranger)
    return login(stranger, on=app.test_client())
