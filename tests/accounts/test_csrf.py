"""The new forms refuse a POST without the CSRF token (CSRF on, as in production)."""

import pytest
from sqlalchemy import func, select

from planner.accounts import team_invites
from planner.accounts.models import PasswordReset
from planner.auth.models import Organizer, TeamRole
from planner.extensions import db
from tests.accounts.conftest import link_in_outbox


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def test_forgot_and_join_need_the_csrf_token(client, organizer, institute):
    assert client.post("/password/forgot", data={"email": organizer.email}).status_code == 400
    assert db.session.scalar(select(func.count()).select_from(PasswordReset)) == 0
    team_invites.invite_colleague(
        institute, "new@example.org", TeamRole.VIEWER, organizer, "http://planner.test"
    )
    db.session.commit()
    path = link_in_outbox("new@example.org", "/join/")
    response = client.post(
        path, data={"name": "N", "password": "long enough pw", "confirm": "long enough pw"}
    )
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Organizer)) == 1
