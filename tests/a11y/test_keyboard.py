"""The RSVP with the keyboard alone, on a phone: open the link, confirm, fill in the details."""

import pytest

from planner.extensions import db
from planner.invitations.models import RsvpStatus
from tests import factories
from tests.plugins.invitee_session import make_link

pytestmark = [pytest.mark.browser]


def tab_to(page, text: str, limit: int = 60) -> None:
    """Press Tab until the focused element's text or label contains ``text``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
                const el = document.activeElement;
                const label = el.id && document.querySelector(`label[for="${el.id}"]`);
                return (el.innerText || el.value || '') + ' ' + (label ? label.innerText : '');
            }"""
        )
        if text in focused:
            return
    raise AssertionError(f"{text!r} cannot be reached with Tab")


def test_an_invitee_answers_and_gives_details_with_the_keyboard_only(
    app, live_server, new_page, institute
):
    invitee = factories.make_invitee(institute, language="en", nationality=None, phone=None)
    token, _link = make_link(invitee)
    page = new_page(width=360)
    page.goto(f"{live_server}/r/{token}")

    tab_to(page, "Yes, I will come")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/me/")
    tab_to(page, "My details for travel and visa")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/me/details")

    tab_to(page, "Name in passport")
    page.keyboard.type("TESTOVA AIGUL")
    tab_to(page, "Nationality")
    page.keyboard.type("Kazakhstan")  # a native select picks the option typed
    tab_to(page, "Phone")
    page.keyboard.type("+7 701 000 0000")
    tab_to(page, "Save my details")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/me/")

    db.session.expire_all()
    saved = db.session.get(type(invitee), invitee.id)
    assert saved.rsvp_status == RsvpStatus.CONFIRMED
    assert saved.phone == "+7 701 000 0000"
    assert saved.nationality == "KZ"
    assert "Thank you, your details are saved." in page.content()
