"""Each conflict rule, its sentence and its edge case; cancelled sessions never conflict."""

from datetime import datetime

import pytest
from flask_babel import force_locale

from planner.agenda import conflicts as rules
from planner.agenda.conflicts import find_conflicts
from planner.agenda.models import SessionKind, SessionStatus
from planner.invitations.models import RsvpStatus
from planner.travel.models import Direction, TravelLeg, TravelMode
from tests.agenda.factories import (
    count_queries,
    make_facilitator,
    make_participant,
    make_room,
    make_session,
)


@pytest.fixture
def request_context(app):
    with app.test_request_context():
        yield


def messages(institute, rule):
    return [c.message for c in find_conflicts(institute) if c.rule == rule]


def add_leg(invitee, direction, departs, departs_tz, arrives, arrives_tz, db):
    leg = TravelLeg(
        invitee_id=invitee.id,
        direction=direction,
        mode=TravelMode.AIR,
        from_place="Amman",
        to_place="Shymkent",
        departs_local=datetime.fromisoformat(departs),
        departs_tz=departs_tz,
        arrives_local=datetime.fromisoformat(arrives),
        arrives_tz=arrives_tz,
        uid=f"leg-{invitee.id}-{direction}-{departs}@planner.test",
    )
    db.session.add(leg)
    db.session.commit()
    return leg


def test_overlap_needs_each_to_start_before_the_other_ends(institute):
    a = make_session(institute, "2027-04-12 09:00", "2027-04-12 10:30")
    b = make_session(institute, "2027-04-12 10:30", "2027-04-12 11:00")
    c = make_session(institute, "2027-04-12 10:29", "2027-04-12 11:00")
    assert not rules.overlaps(a, b) and not rules.overlaps(b, a)
    assert rules.overlaps(a, c) and rules.overlaps(c, a)


def test_facilitator_in_two_overlapping_sessions_is_explained(institute, request_context):
    rania = make_facilitator(institute, "Rania Haddad")
    make_session(institute, "2027-04-12 09:00", "2027-04-12 10:30", "Opening", facilitators=[rania])
    make_session(
        institute, "2027-04-12 10:00", "2027-04-12 11:00", "Media clinic", facilitators=[rania]
    )
    assert messages(institute, "facilitator_double_booked") == [
        "Rania Haddad is in two sessions at once: “Opening” (12 April, 09:00) and "
        "“Media clinic” (12 April, 10:00)."
    ]


def test_facilitator_back_to_back_is_not_a_conflict(institute, request_context):
    rania = make_facilitator(institute)
    make_session(institute, "2027-04-12 09:00", "2027-04-12 10:30", facilitators=[rania])
    make_session(institute, "2027-04-12 10:30", "2027-04-12 12:00", facilitators=[rania])
    assert find_conflicts(institute) == []


def test_cancelled_sessions_never_conflict(institute, request_context):
    rania = make_facilitator(institute, rsvp_status=RsvpStatus.DECLINED)
    room = make_room(institute)
    make_session(institute, room=room, facilitators=[rania], status=SessionStatus.CANCELLED)
    make_session(institute, room=room, facilitators=[rania], starts="2027-04-12 10:00")
    make_session(institute, "2027-05-01 09:00", "2027-05-01 10:00", status=SessionStatus.CANCELLED)
    assert [c.rule for c in find_conflicts(institute)] == ["facilitator_not_confirmed"]


def test_room_double_booked(institute, request_context):
    altai = make_room(institute, "Altai Room")
    turkestan = make_room(institute, "Turkestan Room")
    make_session(institute, "2027-04-12 11:00", "2027-04-12 12:30", "Group A", room=altai)
    make_session(institute, "2027-04-12 12:00", "2027-04-12 13:00", "Clinic", room=altai)
    make_session(institute, "2027-04-12 11:00", "2027-04-12 12:30", "Group B", room=turkestan)
    make_session(institute, "2027-04-12 12:30", "2027-04-12 13:00", "After", room=turkestan)
    assert messages(institute, "room_double_booked") == [
        "Altai Room is booked twice: “Group A” (12 April, 11:00) and “Clinic” (12 April, 12:00)."
    ]


def test_facilitator_who_declined_or_has_not_confirmed(institute, request_context):
    declined = make_facilitator(institute, "Бегимай Осмонова", rsvp_status=RsvpStatus.DECLINED)
    waiting = make_facilitator(institute, "Тимур Абенов", rsvp_status=RsvpStatus.INVITED)
    confirmed = make_facilitator(institute, "Rania Haddad")
    make_session(institute, title="Opening", facilitators=[declined, waiting, confirmed])
    assert sorted(messages(institute, "facilitator_not_confirmed")) == [
        "Бегимай Осмонова declined the invitation but facilitates “Opening” (12 April, 09:00).",
        "Тимур Абенов has not confirmed yet but facilitates “Opening” (12 April, 09:00).",
    ]


def test_facilitator_arriving_after_the_session_starts(institute, request_context, db):
    rania = make_facilitator(institute)
    make_session(institute, "2027-04-12 09:00", "2027-04-12 10:30", "Opening", facilitators=[rania])
    # Lands in Shymkent at 09:40 local (Asia/Almaty, UTC+5 in 2027).
    add_leg(
        rania,
        Direction.ARRIVAL,
        "2027-04-12 03:10",
        "Asia/Amman",
        "2027-04-12 09:40",
        "Asia/Almaty",
        db,
    )
    assert messages(institute, "facilitator_travel") == [
        "Rania Haddad arrives on 12 April, 09:40, after “Opening” starts (12 April, 09:00)."
    ]


def test_arrival_converted_to_the_institute_zone(institute, request_context, db):
    """An arrival stored in another zone counts by its instant: 06:30 UTC is 11:30 in Almaty."""
    rania = make_facilitator(institute)
    make_session(institute, "2027-04-12 11:00", "2027-04-12 12:00", "Group B", facilitators=[rania])
    add_leg(rania, Direction.ARRIVAL, "2027-04-12 01:00", "UTC", "2027-04-12 06:30", "UTC", db)
    assert messages(institute, "facilitator_travel") == [
        "Rania Haddad arrives on 12 April, 11:30, after “Group B” starts (12 April, 11:00)."
    ]


def test_arrival_exactly_at_the_start_and_departure_at_the_end_are_fine(
    institute, request_context, db
):
    rania = make_facilitator(institute)
    make_session(institute, "2027-04-12 09:00", "2027-04-12 10:30", facilitators=[rania])
    add_leg(
        rania,
        Direction.ARRIVAL,
        "2027-04-12 05:00",
        "Asia/Almaty",
        "2027-04-12 09:00",
        "Asia/Almaty",
        db,
    )
    add_leg(
        rania,
        Direction.DEPARTURE,
        "2027-04-12 10:30",
        "Asia/Almaty",
        "2027-04-12 14:00",
        "Asia/Amman",
        db,
    )
    assert messages(institute, "facilitator_travel") == []


def test_facilitator_leaving_before_the_session_ends(institute, request_context, db):
    timur = make_facilitator(institute, "Тимур Абенов")
    make_session(
        institute, "2027-04-15 09:00", "2027-04-15 10:30", "Action plans", facilitators=[timur]
    )
    add_leg(
        timur,
        Direction.DEPARTURE,
        "2027-04-15 10:00",
        "Asia/Almaty",
        "2027-04-15 12:00",
        "Asia/Almaty",
        db,
    )
    assert messages(institute, "facilitator_travel") == [
        "Тимур Абенов leaves on 15 April, 10:00, before “Action plans” ends (15 April, 10:30)."
    ]


def test_no_travel_warning_without_legs(institute, request_context):
    rania = make_facilitator(institute)
    make_session(institute, facilitators=[rania])
    assert messages(institute, "facilitator_travel") == []


def test_session_outside_the_institute_dates(institute, request_context):
    make_session(institute, "2027-04-15 17:00", "2027-04-15 18:00", "Last day is fine")
    make_session(institute, "2027-04-16 09:00", "2027-04-16 10:00", "Day after")
    assert messages(institute, "outside_institute_dates") == [
        "“Day after” (16 April, 09:00) is outside the institute's dates "
        "(12 April 2027 to 15 April 2027)."
    ]


def test_breakout_over_room_capacity_counts_participants_and_facilitators(
    institute, request_context
):
    room = make_room(institute, "Syrdarya Room", capacity=3)
    facilitator = make_facilitator(institute)
    people = [make_participant(institute, f"Участница {n}") for n in range(3)]
    full = make_session(
        institute,
        title="Group C",
        kind=SessionKind.BREAKOUT,
        room=room,
        facilitators=[facilitator],
        participants=people[:2],
    )
    assert messages(institute, "breakout_over_capacity") == []
    make_session(
        institute,
        "2027-04-13 09:00",
        "2027-04-13 10:00",
        title="Group C again",
        kind=SessionKind.BREAKOUT,
        room=room,
        facilitators=[facilitator],
        participants=people,
    )
    assert full.id
    assert messages(institute, "breakout_over_capacity") == [
        "“Group C again” (13 April, 09:00) has 4 people but Syrdarya Room seats 3."
    ]


def test_participant_in_two_overlapping_sessions(institute, request_context):
    zarina = make_participant(institute, "Зарина Саидова")
    make_session(institute, title="Group A", kind=SessionKind.BREAKOUT, participants=[zarina])
    make_session(
        institute,
        "2027-04-12 10:00",
        "2027-04-12 11:00",
        title="Group B",
        kind=SessionKind.BREAKOUT,
        participants=[zarina],
    )
    make_session(
        institute,
        "2027-04-12 10:30",
        "2027-04-12 12:00",
        title="Group C",
        kind=SessionKind.BREAKOUT,
        participants=[zarina],
    )
    assert messages(institute, "participant_double_booked") == [
        "Зарина Саидова is in two sessions at once: “Group A” (12 April, 09:00) and "
        "“Group B” (12 April, 10:00).",
        "Зарина Саидова is in two sessions at once: “Group B” (12 April, 10:00) and "
        "“Group C” (12 April, 10:30).",
    ]


def test_sentences_are_in_the_readers_language(institute, app):
    rania = make_facilitator(institute, "Rania Haddad")
    make_session(institute, "2027-04-12 09:00", "2027-04-12 10:30", "Opening", facilitators=[rania])
    make_session(institute, "2027-04-12 10:00", "2027-04-12 11:00", "Clinic", facilitators=[rania])
    with app.test_request_context(), force_locale("ru"):
        (conflict,) = find_conflicts(institute)
    assert conflict.message == (
        "Rania Haddad участвует в двух сессиях сразу: «Opening» (12 апреля, 09:00) и "
        "«Clinic» (12 апреля, 10:00)."
    )


def test_conflicts_are_found_with_a_constant_number_of_queries(institute, request_context, db):
    def build(n):
        room = make_room(institute, f"Room {n}")
        rania = make_facilitator(institute, f"Facilitator {n}")
        zarina = make_participant(institute, f"Participant {n}")
        for hour in range(9, 15):
            make_session(
                institute,
                f"2027-04-12 {hour:02d}:00",
                f"2027-04-12 {hour:02d}:45",
                kind=SessionKind.BREAKOUT,
                room=room,
                facilitators=[rania],
                participants=[zarina],
            )
        add_leg(
            rania,
            Direction.ARRIVAL,
            "2027-04-11 10:00",
            "Asia/Almaty",
            "2027-04-11 12:00",
            "Asia/Almaty",
            db,
        )

    build(1)
    db.session.expire_all()
    with count_queries() as small:
        find_conflicts(institute)
    for n in range(2, 6):
        build(n)
    db.session.expire_all()
    with count_queries() as large:
        find_conflicts(institute)
    assert len(large) == len(small) <= 5


def test_a_warning_names_the_day_of_a_session_on_another_day(institute, request_context, db):
    # B8: "arrives at 08:35 on 13 April, after 'Designing ...' starts at 13:30" left out that
    # the session is on 12 April.
    timur = make_facilitator(institute, "Тимур Абенов")
    make_session(institute, "2027-04-12 13:30", "2027-04-12 15:00", "Designing a training",
                 facilitators=[timur])  # fmt: skip
    add_leg(timur, Direction.ARRIVAL, "2027-04-13 07:00", "Asia/Almaty", "2027-04-13 08:35",
            "Asia/Almaty", db)  # fmt: skip
    assert messages(institute, "facilitator_travel") == [
        "Тимур Абенов arrives on 13 April, 08:35, after “Designing a training” starts "
        "(12 April, 13:30)."
    ]


def test_every_warning_links_to_each_session_it_mentions_newest_first(
    institute, viewer_client, request_context
):
    rania = make_facilitator(institute, "Rania Haddad")
    older = make_session(institute, "2027-04-12 09:00", "2027-04-12 10:30", "Opening",
                         facilitators=[rania])  # fmt: skip
    newer = make_session(institute, "2027-04-12 10:00", "2027-04-12 11:00", "Clinic",
                         facilitators=[rania])  # fmt: skip
    [conflict] = find_conflicts(institute)
    assert [ref.id for ref in conflict.sessions] == [newer.id, older.id]

    page = viewer_client.get(f"/institutes/{institute.slug}/agenda/").get_data(as_text=True)

    base = f"/institutes/{institute.slug}/agenda/sessions"
    assert f'href="{base}/{newer.id}">Open “Clinic” (12 April, 10:00)' in page
    assert f'href="{base}/{older.id}">Open “Opening” (12 April, 09:00)' in page
