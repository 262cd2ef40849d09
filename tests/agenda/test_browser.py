"""The agenda in real Chromium: side by side on a wide screen, a readable list at 360 px."""

import pytest

from planner.agenda.models import SessionKind
from tests.agenda.factories import make_facilitator, make_room, make_session

pytestmark = pytest.mark.browser


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
    new_page, live_server, published_program
):
    page = new_page(width=1280, height=900)
    page.goto(f"{live_server}/p/{published_program.slug}/")
    cells = page.locator("tr.parallel td")
    tops = {round(cells.nth(n).bounding_box()["y"]) for n in range(cells.count())}
    lefts = [cells.nth(n).bounding_box()["x"] for n in range(cells.count())]
    assert cells.count() == 3
    assert len(tops) == 1  # one row
    assert lefts == sorted(lefts) and len(set(lefts)) == 3
    assert page.locator("thead").first.is_visible()


def test_at_360_px_the_grid_becomes_a_list_without_sideways_scrolling(
    new_page, live_server, published_program
):
    page = new_page(width=360, height=800)
    page.goto(f"{live_server}/p/{published_program.slug}/")
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
