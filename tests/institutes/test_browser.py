"""An organizer uses the app in real Chromium on a phone-sized screen."""

import pytest
from playwright.sync_api import expect

from tests import factories

pytestmark = pytest.mark.browser


def test_organizer_signs_in_and_creates_institute_on_a_phone(page, live_server, organizer):
    page.goto(f"{live_server}/login")
    page.get_by_label("E-mail").fill(organizer.email)
    page.get_by_label("Password").fill(factories.DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="New institute").click()

    page.get_by_label("Title").fill("Institute on Community Mediation")
    page.get_by_label("City").fill("Bishkek")
    page.get_by_label("Country").select_option("KG")
    page.get_by_label("Time zone").select_option("Asia/Bishkek")
    page.get_by_label("First day").fill("2027-06-07")
    page.get_by_label("Last day").fill("2027-06-03")
    page.get_by_role("button", name="Create the institute").click()

    # The error is next to the field and every value typed is still there.
    expect(page.get_by_text("The last day cannot be before the first day.")).to_be_visible()
    assert page.get_by_label("Title").input_value() == "Institute on Community Mediation"
    assert page.get_by_label("Time zone").input_value() == "Asia/Bishkek"

    page.get_by_label("Last day").fill("2027-06-10")
    page.get_by_role("button", name="Create the institute").click()
    expect(page.get_by_role("heading", name="Institute on Community Mediation")).to_be_visible()
    # Nothing is wider than the phone's screen.
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= 360


def test_language_switch_works_without_mouse(page, live_server):
    page.goto(f"{live_server}/login")
    page.get_by_label("Language").focus()
    page.keyboard.press("ArrowDown")  # English → Русский; the form submits itself on change
    expect(page.get_by_role("heading", name="Вход")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
