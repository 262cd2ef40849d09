"""B4, B19, B22: links in mails and pages lead somewhere useful."""

import re

from sqlalchemy import select

from planner.db import utcnow
from planner.extensions import db
from planner.invitations.models import RsvpStatus
from planner.mail.models import OutboundEmail
from planner.travel.models import VisaCase, VisaStatus
from tests import factories


def test_a_me_page_without_invitee_session_explains_how_to_get_in(client, db):
    for path in ("/me/", "/me/travel", "/me/agenda", "/me/details"):
        response = client.get(path)
        assert response.status_code == 404
        page = response.get_data(as_text=True)
        assert "Open your personal link first" in page
        assert "http://planner.test/r/" in page
        assert "Back to my institutes" not in page  # organizer wording


def test_the_visa_letter_is_on_the_travel_page(institute, invitee_login):
    invitee = factories.make_invitee(institute, rsvp_status=RsvpStatus.CONFIRMED, language="en")
    db.session.add(
        VisaCase(invitee_id=invitee.id, status=VisaStatus.LETTER_SENT, letter_approved_at=utcnow())
    )
    db.session.commit()
    browser = invitee_login(invitee)
    me = browser.get("/me/").get_data(as_text=True)
    assert 'href="/me/travel"' in me  # "Travel details and visa letter"
    travel = browser.get("/me/travel").get_data(as_text=True)
    assert 'href="/me/letter.pdf"' in travel
    assert "Sign out" in travel
    assert 'class="navbar-brand text-body fw-semibold" href="/me/"' in travel  # not /login


def test_demo_reminders_carry_their_link(runner, db):
    assert runner.invoke(args=["demo"]).exit_code == 0
    reminders = db.session.scalars(
        select(OutboundEmail).where(OutboundEmail.kind == "reminder")
    ).all()
    assert reminders
    for message in reminders:
        assert re.search(r"/r/[A-Za-z0-9_\-]{40,}", message.body_text), message.subject
