"""Drag and drop on the agenda grid in real Chromium: into a conflict and out of it."""

import pytest
from sqlalchemy import select

from planner.agenda.models import Session, SessionKind
from planner.extensions import db
from tests import factories
from tests.agenda.factories import make_room, make_session

pytestmark = pytest.mark.browser


@pytest.fixture
def grid(institute):
    altai = make_room(institute, "Altai Room", 10, 10)
    turkestan = make_room(institute, "Turkestan Room", 10, 20)
    breakout = SessionKind.BREAKOUT
    make_session(institute, "2027-04-12 09:00", "2027-04-12 10:30", "Group A", breakout, altai)
    make_session(institute, "2027-04-12 11:00", "2027-04-12 12:30", "Group C", breakout, altai)
    make_session(institute, "2027-04-12 14:00", "2027-04-12 15:00", "Group D", breakout, turkestan)
    moved = make_session(
        institute, "2027-04-12 11:00", "2027-04-12 12:30", "Group B", breakout, turkestan
    )
    return {"altai": altai, "turkestan": turkestan, "moved": moved}


def sign_in(page, live_server, organizer):
    page.goto(f"{live_server}/login")
    page.get_by_label("E-mail").fill(organizer.email)
    page.get_by_label("Password").fill(factories.DEFAULT_PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(f"{live_server}/institutes/**")


def center(locator) -> tuple[float, float]:
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def cell(page, time: str, room) -> object:
    return page.locator(f'td[data-day="2027-04-12"][data-time="{time}"][data-room-id="{room.id}"]')


def drag_to(page, grip, target, *, release: bool, expect_text: str):
    from playwright.sync_api import expect

    page.mouse.move(*center(grip))
    page.mouse.down()
    x, y = center(target)
    page.mouse.move(x, y, steps=12)
    expect(page.locator("#agenda-dnd-status")).to_contain_text(expect_text)
    if release:
        with page.expect_navigation():
            page.mouse.up()


def placed(session) -> tuple[str, int]:
    db.session.expire_all()
    row = db.session.execute(
        select(Session.starts_local, Session.room_id).where(Session.id == session.id)
    ).one()
    return row.starts_local.strftime("%H:%M"), row.room_id


def test_drag_a_session_into_a_conflict_and_out_of_it(
    new_page, live_server, organizer, institute, grid
):
    from playwright.sync_api import expect

    page = new_page(width=1280, height=1000)
    sign_in(page, live_server, organizer)
    page.goto(f"{live_server}/institutes/{institute.slug}/agenda/")
    status = page.locator("#agenda-dnd-status")
    grip = page.locator(f'[data-session-id="{grid["moved"].id}"] .agenda-grip')
    expect(grip).to_be_visible()

    # Over Group A's cell the check answers at once: the Altai Room is taken at 09:00.
    drag_to(page, grip, cell(page, "09:00", grid["altai"]), release=True, expect_text="Altai")
    expect(status).to_contain_text("1 warning")
    assert placed(grid["moved"]) == ("09:00", grid["altai"].id)
    expect(page.locator(".agenda-conflicts")).to_contain_text("Altai Room")

    # Out of it: the free Turkestan Room at the same time.
    grip = page.locator(f'[data-session-id="{grid["moved"].id}"] .agenda-grip')
    drag_to(
        page, grip, cell(page, "09:00", grid["turkestan"]), release=True, expect_text="No conflicts"
    )
    expect(status).to_contain_text("No conflicts.")
    assert placed(grid["moved"]) == ("09:00", grid["turkestan"].id)
    expect(page.get_by_text("No conflicts found.")).to_be_visible()


def test_the_keyboard_path_stays(new_page, live_server, organizer, institute, grid):
    page = new_page(width=1280, height=1000)
    sign_in(page, live_server, organizer)
    page.goto(f"{live_server}/institutes/{institute.slug}/agenda/sessions/{grid['moved'].id}/move")
    assert page.locator("form").filter(has=page.locator("select, input")).count() >= 1
