"""The agenda in real Chromium: side by side on a wide screen, a readable list at 360 px."""

import shutil
import threading

import pytest
from werkzeug.serving import make_server

from planner.agenda.models import SessionKind
from tests.agenda.factories import make_facilitator, make_room, make_session

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Chromium is not installed"),
]


@pytest.fixture
def live_url(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def published_program(institute, db):
    institute.program_published = True
    db.session.commit()
    rania = make_facilitator(institute, "Rania Haddad")
    make_session(institute, title="Opening: welcome, introductions and expectations")
    for name, position in (("Altai Room", 10), ("Turkestan Room", 20), ("Syrdarya Room", 30)):
        make_session(
            institute,
            "2027-04-12 11:00",
            "2027-04-12 12:30",
            f"How adults learn in the {name}",
            kind=SessionKind.BREAKOUT,
            room=make_room(institute, name, 10, position),
            facilitators=[rania],
        )
    return institute


def test_parallel_breakouts_stand_side_by_side_on_a_wide_screen(
    browser, live_url, published_program
):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_url}/p/{published_program.slug}/")
    cells = page.locator("tr.parallel td")
    tops = {round(cells.nth(n).bounding_box()["y"]) for n in range(cells.count())}
    lefts = [cells.nth(n).bounding_box()["x"] for n in range(cells.count())]
    assert cells.count() == 3
    assert len(tops) == 1  # one row
    assert lefts == sorted(lefts) and len(set(lefts)) == 3
    assert page.locator("thead").first.is_visible()


def test_at_360_px_the_grid_becomes_a_list_without_sideways_scrolling(
    browser, live_url, published_program
):
    page = browser.new_page(viewport={"width": 360, "height": 800})
    page.goto(f"{live_url}/p/{published_program.slug}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    cells = page.locator("tr.parallel td")
    lefts = {round(cells.nth(n).bounding_box()["x"]) for n in range(cells.count())}
    assert len(lefts) == 1  # stacked one under another
    # The room of each stacked session stays readable (the column headers are hidden).
    room_label = page.evaluate(
        "getComputedStyle(document.querySelector('tr.parallel td'), '::before').content"
    )
    assert room_label == '"Altai Room"'
    assert page.get_by_text("How adults learn in the Syrdarya Room").is_visible()
