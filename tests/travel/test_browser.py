"""In real Chromium: an invitee enters a cross-zone flight on a phone and asks for a letter."""

from datetime import datetime

import pytest

from planner.extensions import db
from planner.invitations.access import SESSION_KEY
from planner.travel.models import TravelLeg, VisaCase, VisaStatus
from tests import formats
from tests.plugins.invitee_session import invitee_session_data

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}]),
]


def invitee_cookie(app, invitee) -> str:
    """The signed session cookie that POST /r/<token> would give the invitee."""
    client = app.test_client()
    with client.session_transaction() as session:
        session[SESSION_KEY] = invitee_session_data(invitee)
    return client.get_cookie("session").value


def test_invitee_enters_a_flight_and_requests_a_letter_in_chromium(
    app, app_config, live_server, invitee, page
):
    cookie = invitee_cookie(app, invitee)
    problems, failed = [], []
    page.context.add_cookies([{"name": "session", "value": cookie, "url": live_server}])
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)

    page.goto(f"{live_server}/me/travel")
    page.get_by_role("link", name="Add how you arrive").click()
    assert page.get_by_label("Time zone at departure").input_value() == "Asia/Dushanbe"
    page.get_by_label("From", exact=True).fill("Amman (AMM)")
    page.get_by_label("Departure (local time)").fill("2027-04-10T23:55")
    page.get_by_label("Time zone at departure").select_option("Asia/Amman")
    page.get_by_label("To", exact=True).fill("Almaty (ALA)")
    page.get_by_label("Arrival (local time)").fill("2027-04-11T06:40")
    page.get_by_label("Needs a pickup on arrival").check()
    page.get_by_role("button", name="Save").click()

    page.wait_for_url(f"{live_server}/me/travel")
    legs = page.locator("table.travel-legs").inner_text()
    departs, arrives = datetime(2027, 4, 10, 23, 55), datetime(2027, 4, 11, 6, 40)
    assert formats.moment(departs) in legs and "Asia/Amman (UTC+03:00)" in legs
    assert formats.moment(arrives) in legs and "Asia/Almaty (UTC+05:00)" in legs
    wide = page.evaluate("document.documentElement.scrollWidth")

    page.get_by_role("button", name="Request an invitation letter").click()
    page.wait_for_url(f"{live_server}/me/travel")
    status = page.get_by_role("status").inner_text()

    assert "Your request for an invitation letter is sent" in status
    assert wide <= 360  # nothing wider than a phone; the table scrolls inside its box
    # No script or CSP error, no missing file (the browser's own favicon request aside).
    assert [p for p in problems if not p.startswith("Failed to load resource")] == []
    assert [url for url in failed if not url.endswith("/favicon.ico")] == []
    leg = db.session.scalar(db.select(TravelLeg))
    assert (leg.departs_tz, leg.needs_pickup) == ("Asia/Amman", True)
    assert db.session.scalar(db.select(VisaCase)).status == VisaStatus.LETTER_REQUESTED
