"""The day grid of the booklet, as plain data: rows of start times by columns of rooms."""

from datetime import datetime, timedelta

from planner.agenda.program import spans_every_room
from planner.documents.data import SessionItem, program_grid

ORDER = {1: (0, "plenary hall"), 2: (1, "altai"), 3: (2, "turkestan")}
NAMES = {1: "Plenary Hall", 2: "Altai", 3: "Turkestan", None: ""}


def item(
    n: int, hour: int, room_id: int | None, minutes: int = 60, day: int = 12, spans=None
) -> SessionItem:
    starts = datetime(2027, 4, day, hour)
    return SessionItem(
        id=n,
        title=f"Session {n}",
        kind="breakout",
        starts=starts,
        ends=starts + timedelta(minutes=minutes),
        room=NAMES[room_id],
        room_id=room_id,
        track="",
        language="",
        interpretation="",
        description="",
        facilitators=(),
        spans=spans_every_room(room_id, spans or False),
    )


def titles(row) -> list:
    return [(c.session.title if c.session else None, c.span) for c in row.cells]


def test_a_spanning_session_spans_the_row_and_parallel_ones_sit_under_their_rooms():
    sessions = [item(1, 9, 1, spans=True), item(2, 11, 3), item(3, 11, 2), item(4, 13, None)]
    [day] = program_grid(sessions, ORDER)
    assert day.rooms == ("Altai", "Turkestan")
    assert [titles(r) for r in day.rows] == [
        [("Session 1", 2)],
        [("Session 3", 1), ("Session 2", 1)],
        [("Session 4", 2)],
    ]
    assert [r.is_parallel for r in day.rows] == [False, True, False]


def test_a_session_in_one_room_is_drawn_in_that_room_only():
    # B16: a session alone at its time, in one room, is not drawn across the other rooms.
    [day] = program_grid([item(1, 9, 3), item(2, 10, 1), item(3, 10, 3)], ORDER)
    assert day.rooms == ("Plenary Hall", "Turkestan")
    assert [titles(r) for r in day.rows] == [
        [(None, 1), ("Session 1", 1)],
        [("Session 2", 1), ("Session 3", 1)],
    ]


def test_a_slot_with_fewer_sessions_than_rooms_leaves_an_empty_cell():
    [day] = program_grid([item(1, 11, 2), item(2, 11, 3), item(3, 14, 3), item(4, 14, 1)], ORDER)
    assert day.rooms == ("Plenary Hall", "Altai", "Turkestan")
    assert titles(day.rows[0]) == [(None, 1), ("Session 1", 1), ("Session 2", 1)]
    assert titles(day.rows[1]) == [("Session 4", 1), (None, 1), ("Session 3", 1)]


def test_sessions_clashing_in_one_room_get_an_extra_column_and_roomless_ones_span():
    [day] = program_grid([item(1, 11, None), item(2, 11, 2), item(3, 11, 2)], ORDER)
    assert day.rooms == ("Altai", "")
    assert [titles(r) for r in day.rows] == [
        [("Session 1", 2)],
        [("Session 2", 1), ("Session 3", 1)],
    ]


def test_a_row_ends_with_its_longest_session_and_days_are_apart():
    days = program_grid([item(1, 11, 2, 90), item(2, 11, 3, 60), item(3, 9, 1, day=13)], ORDER)
    assert [d.day.day for d in days] == [12, 13]
    assert days[0].rows[0].ends == datetime(2027, 4, 12, 12, 30)
    assert days[1].rooms == ("Plenary Hall",)
    assert titles(days[1].rows[0]) == [("Session 3", 1)]
