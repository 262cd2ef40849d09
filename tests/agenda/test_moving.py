"""Drag and drop on the grid, server side: the conflict check answers for a placement without
saving it, a drop saves it; both CSRF protected, both with the rules of conflicts.py."""

import pytest
from sqlalchemy import select

from planner.agenda.models import Session, SessionKind
from planner.extensions import db
from tests.agenda.factories import make_room, make_session


@pytest.fixture
def grid(institute):
    altai = make_room(institute, "Altai Room", 10, 10)
    turkestan = make_room(institute, "Turkestan Room", 10, 20)
    first = make_session(
        institute, "2027-04-12 09:00", "2027-04-12 10:30", "Group A", SessionKind.BREAKOUT, altai
    )
    second = make_session(
        institute,
        "2027-04-12 11:00",
        "2027-04-12 12:30",
        "Group B",
        SessionKind.BREAKOUT,
        turkestan,
    )
    return {"altai": altai, "turkestan": turkestan, "first": first, "second": second}


def url(institute, session, action: str) -> str:
    return f"/institutes/{institute.slug}/agenda/sessions/{session.id}/{action}"


def placement(room, starts="09:00", ends="10:30", day="2027-04-12") -> dict:
    return {"day": day, "starts": starts, "ends": ends, "room_id": room.id if room else ""}


def test_the_check_reports_a_double_booked_room_and_saves_nothing(editor_client, institute, grid):
    response = editor_client.post(
        url(institute, grid["second"], "check"), data=placement(grid["altai"])
    )

    answer = response.get_json()
    assert response.status_code == 200
    assert answer["ok"] and not answer["saved"]
    assert len(answer["conflicts"]) == 1 and "Altai Room" in answer["conflicts"][0]
    db.session.expire_all()
    second = db.session.get(Session, grid["second"].id)
    assert (second.starts_local.hour, second.room_id, second.sequence) == (
        11,
        grid["turkestan"].id,
        0,
    )


def test_the_check_says_no_conflicts_for_a_free_place(editor_client, institute, grid):
    answer = editor_client.post(
        url(institute, grid["second"], "check"), data=placement(grid["turkestan"])
    ).get_json()
    assert answer["conflicts"] == [] and answer["message"] == "No conflicts."


def test_a_drop_moves_and_resizes_in_one_step(editor_client, institute, grid):
    response = editor_client.post(
        url(institute, grid["second"], "place"),
        data=placement(grid["turkestan"], "09:00", "10:15"),
    )

    assert response.get_json()["saved"] is True
    db.session.expire_all()
    second = db.session.get(Session, grid["second"].id)
    assert (second.starts_local.strftime("%H:%M"), second.ends_local.strftime("%H:%M")) == (
        "09:00",
        "10:15",
    )
    assert second.sequence == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"day": "tomorrow", "starts": "09:00", "ends": "10:00"}, "Choose a day and times"),
        (placement(None, "10:00", "09:00"), "The end must be after the start."),
        ({**placement(None), "room_id": "abc"}, "Choose a room of this institute."),
        ({**placement(None), "room_id": "999999"}, "Choose a room of this institute."),
    ],
)
@pytest.mark.parametrize("action", ["check", "place"])
def test_impossible_placements_are_explained_and_change_nothing(
    editor_client, institute, grid, data, message, action
):
    response = editor_client.post(url(institute, grid["second"], action), data=data)

    assert response.status_code == 400
    assert message in response.get_json()["error"]
    db.session.expire_all()
    assert db.session.get(Session, grid["second"].id).sequence == 0


def test_a_room_of_another_institute_cannot_be_used(editor_client, institute, grid):
    from tests import factories

    theirs = make_room(factories.make_institute(), "Their room")
    response = editor_client.post(url(institute, grid["second"], "place"), data=placement(theirs))
    assert response.status_code == 400
    assert db.session.scalar(select(Session.room_id).where(Session.id == grid["second"].id)) == (
        grid["turkestan"].id
    )


def test_check_and_drop_need_a_csrf_token(app, editor_client, institute, grid):
    app.config["WTF_CSRF_ENABLED"] = True
    for action in ("check", "place"):
        response = editor_client.post(
            url(institute, grid["second"], action), data=placement(grid["altai"])
        )
        assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Session, grid["second"].id).sequence == 0


def test_the_grid_carries_what_the_script_needs_only_for_editors(
    editor_client, viewer_client, institute, grid
):
    editor_page = editor_client.get(f"/institutes/{institute.slug}/agenda/").get_data(True)
    viewer_page = viewer_client.get(f"/institutes/{institute.slug}/agenda/").get_data(True)
    assert 'id="agenda-dnd"' in editor_page and "js/agenda-drag.js" in editor_page
    assert f'data-room-id="{grid["altai"].id}"' in editor_page
    assert 'id="agenda-dnd"' not in viewer_page
