"""The outbox in real Chromium: readable at 360 px, keyboard-usable, nothing blocked by the CSP."""

import pytest

from planner.extensions import db
from planner.mail.models import MailStatus
from tests.mail.conftest import queue

pytestmark = pytest.mark.browser


def test_outbox_on_a_phone_fits_the_screen_and_retries_by_keyboard(
    live_server, page, organizer, institute
):
    for n in range(4):
        queue(institute, recipient=f"participant.with.a.long.address{n}@example.org")
    failed = queue(institute, recipient="nobody@example.org", subject="Приглашение на институт")
    failed.status = MailStatus.FAILED
    failed.last_error = "recipient refused: 550 5.1.1 <nobody@example.org>: User unknown"
    db.session.commit()
    problems = []
    # The app has no favicon; anything else that fails (a style sheet the CSP blocks, a
    # missing file, a script error) is a problem.
    page.on(
        "response",
        lambda r: (
            problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    page.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if m.type == "error" and "Failed to load resource" not in m.text
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(str(e)))

    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", organizer.email)
    page.fill("input[name=password]", "correct horse battery")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(f"{live_server}/institutes/")
    page.goto(f"{live_server}/institutes/{institute.slug}/outbox/")

    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.get_by_text("Failed: 1").is_visible()
    assert page.get_by_text("550 5.1.1").is_visible()

    page.get_by_role("link", name="Приглашение на институт").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/institutes/{institute.slug}/outbox/{failed.id}")
    page.get_by_role("button", name="Retry this message").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.get_by_text("The message is queued again.").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert problems == []
