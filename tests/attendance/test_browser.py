"""Check-in on a phone in real Chromium: a tap made offline is kept and sent when back online."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from planner.attendance.models import AttendanceMark
from planner.extensions import db
from planner.invitations.models import RsvpStatus
from tests import factories

pytestmark = pytest.mark.browser


def marks() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(AttendanceMark.id)))


def test_a_tap_made_offline_is_sent_when_the_connection_is_back(
    page, live_server, organizer, institute
):
    factories.make_invitee(
        institute, full_name="Гулнора Турсунова", rsvp_status=RsvpStatus.CONFIRMED
    )
    page.goto(f"{live_server}/login")
    page.get_by_label("E-mail").fill(organizer.email)
    page.get_by_label("Password").fill(factories.DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server}/institutes/{institute.slug}/checkin/?day=2027-04-13&q=гулнора")
    button = page.get_by_role("button", name="Гулнора Турсунова")

    page.context.set_offline(True)
    button.click()

    expect(button).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_text("waiting for the connection: 1")).to_be_visible()
    assert marks() == 0
    queued = page.evaluate(f"localStorage.getItem('checkin-queue-{institute.slug}')")
    assert "invitee=" in queued

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")

    expect(page.get_by_text("waiting for the connection")).to_have_count(0)
    assert marks() == 1
    # Nothing wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
