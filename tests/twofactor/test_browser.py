"""An organizer sets up two-factor sign-in and signs in with it, in real Chromium."""

import re
import time

import pyotp
import pytest
from playwright.sync_api import expect

from planner.twofactor.models import TwoFactor
from tests import factories

pytestmark = pytest.mark.browser


def test_organizer_sets_up_two_factor_and_signs_in_with_a_code(page, live_server, organizer, db):
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security" in m.text else 0)
    page.goto(f"{live_server}/login")
    page.get_by_label("E-mail").fill(organizer.email)
    page.get_by_label("Password").fill(factories.DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Account").click()
    page.get_by_role("button", name="Set up two-factor sign-in").click()

    qr = page.locator(".two-factor-qr svg")
    expect(qr).to_be_visible()
    assert qr.bounding_box()["width"] > 100  # big enough to scan
    db.session.expire_all()
    secret = db.session.get(TwoFactor, organizer.id).secret
    page.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    codes = page.locator(".recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="I have saved them").click()
    page.get_by_role("button", name="Sign out").click()

    page.get_by_label("E-mail").fill(organizer.email)
    page.get_by_label("Password").fill(factories.DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Two-factor sign-in")).to_be_visible()
    page.get_by_label("Code").fill(pyotp.TOTP(secret).at(time.time() + 30))
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(r"/institutes/$"))
    assert violations == []
