"""program_days(): the plain data that the editor, the public page and the booklet read."""

from datetime import date, datetime

from planner.agenda.models import SessionKind
from planner.agenda.services import DayPlan, program_days
from tests.agenda.factories import (
    count_queries,
    make_facilitator,
    make_participant,
    make_room,
    make_session,
)


def test_days_rows_and_room_columns(institute):
    hall = make_room(institute, "Plenary Hall", 40, 5)
    altai = make_room(institute, "Altai Room", 10, 10)
    turkestan = make_room(institute, "Turkestan Room", 10, 20)
    make_room(institute, "Foyer", 30, 30)  # unused: no column
    make_session(
        institute, "2027-04-12 09:00", "2027-04-12 10:30", "Opening", room=hall, spans_rooms=True
    )
    b = make_session(
        institute, "2027-04-12 11:00", "2027-04-12 12:30", "B", SessionKind.BREAKOUT, turkestan
    )
    a = make_session(
        institute, "2027-04-12 11:00", "2027-04-12 12:30", "A", SessionKind.BREAKOUT, altai
    )
    make_session(institute, "2027-04-12 12:30", "2027-04-12 13:30", "Lunch", SessionKind.MEAL)
    make_session(institute, "2027-04-13 09:00", "2027-04-13 10:00", "Day two")

    day_one, day_two = program_days(institute)
    assert isinstance(day_one, DayPlan)
    assert day_one.day == date(2027, 4, 12) and day_two.day == date(2027, 4, 13)
    assert [r.name for r in day_one.rooms] == ["Altai Room", "Turkestan Room"]
    assert day_two.rooms == []
    assert [row.starts.time().isoformat("minutes") for row in day_one.rows] == [
        "09:00",
        "11:00",
        "12:30",
    ]
    opening_row, breakout_row, lunch_row = day_one.rows
    assert [i.title for i in opening_row.spanning] == ["Opening"]
    assert opening_row.spanning[0].room_name == "Plenary Hall"
    assert opening_row.cells == [[], []]
    assert [[i.id for i in cell] for cell in breakout_row.cells] == [[a.id], [b.id]]
    assert breakout_row.spanning == [] and breakout_row.has_cells
    assert lunch_row.spanning[0].room_id is None


def test_items_carry_everything_a_program_shows(institute):
    rania = make_facilitator(institute, "Rania Haddad", consent_named_facilitator=True)
    timur = make_facilitator(institute, "Тимур Абенов", consent_named_facilitator=False)
    zarina = make_participant(institute)
    session = make_session(
        institute,
        title="Group A",
        kind=SessionKind.BREAKOUT,
        track="A",
        language="ru",
        interpretation="ru ↔ en",
        description="Learning styles.",
        facilitators=[timur, rania],
        participants=[zarina],
        status="cancelled",
    )
    (item,) = program_days(institute)[0].sessions
    assert item.id == session.id and item.uid == session.uid and item.sequence == 0
    assert (item.starts, item.ends) == (datetime(2027, 4, 12, 9), datetime(2027, 4, 12, 10, 30))
    assert (item.kind, item.track, item.language, item.interpretation) == (
        "breakout",
        "A",
        "ru",
        "ru ↔ en",
    )
    assert item.description == "Learning styles."
    assert item.facilitator_names == ["Rania Haddad", "Тимур Абенов"]
    assert item.cancelled is True
    assert item.participant_count == 1
    assert item.spans_row  # no room


def test_public_keeps_only_facilitators_who_consented(institute):
    rania = make_facilitator(institute, "Rania Haddad", consent_named_facilitator=True)
    timur = make_facilitator(institute, "Тимур Абенов", consent_named_facilitator=False)
    make_session(institute, facilitators=[rania, timur])
    (item,) = program_days(institute, public=True)[0].sessions
    assert item.facilitator_names == ["Rania Haddad"]


def test_cancelled_can_be_left_out_and_empty_days_added(institute):
    make_session(institute, status="cancelled")
    assert program_days(institute, include_cancelled=False) == []
    days = program_days(institute, include_cancelled=False, with_empty_days=True)
    assert [d.day for d in days] == institute.days
    assert all(d.rows == [] for d in days)


def test_program_days_reads_with_two_queries_whatever_the_size(institute, db):
    room = make_room(institute)
    rania = make_facilitator(institute)
    zarina = make_participant(institute)
    for n in range(30):
        make_session(
            institute,
            f"2027-04-{12 + n % 4} {8 + n // 4:02d}:00",
            f"2027-04-{12 + n % 4} {8 + n // 4:02d}:45",
            f"Session {n}",
            kind=SessionKind.BREAKOUT,
            room=room,
            facilitators=[rania],
            participants=[zarina],
        )
    db.session.expire_all()
    assert institute.id  # loaded before counting
    with count_queries() as queries:
        days = program_days(institute)
        names = [i.facilitator_names for d in days for i in d.sessions]
    assert len(names) == 30
    assert len(queries) == 2  # the read model: sessions with rooms and counts, facilitators
