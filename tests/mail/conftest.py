"""Fixtures of the mail tests: messages in the outbox."""

import pytest

from planner.extensions import db
from planner.mail.services import queue_email

LIVE_TOKEN = "Zx8Qd1m4Rk2Lw7Tt0Yp5Vb3Nc6Hs9Jf1Ae4Gu8Oi2Ke"  # looks like token_urlsafe(32)


def queue(institute=None, commit: bool = True, **fields):
    """Queue one message with sensible defaults; committed unless told otherwise."""
    values = dict(
        recipient="aigul.testova@example.org",
        kind="invitation",
        subject="Invitation to the institute",
        body_text=f"Open your invitation: http://planner.test/r/{LIVE_TOKEN}\n",
        body_html=f'<p><a href="http://planner.test/r/{LIVE_TOKEN}">Open</a></p>',
        locale="en",
    )
    values.update(fields)
    message = queue_email(institute=institute, **values)
    if commit:
        db.session.commit()
    return message


@pytest.fixture
def queue_message(db):
    return queue


@pytest.fixture(autouse=True)
def _app_context(app):
    """Every mail test works inside the test app (the outbox is in its database)."""
    return app
