"""Breakouts: the balanced split as a pure function, the service, and assignment by hand."""

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from planner.agenda import services
from planner.agenda.breakouts import Breakout, Person, balanced_split
from planner.agenda.models import BreakoutAssignment, SessionKind, SessionStatus
from planner.invitations.models import InviteeRole, RsvpStatus
from tests.agenda.factories import (
    at,
    make_facilitator,
    make_participant,
    make_room,
    make_session,
)


def people(spec: str, start: int = 1) -> list[Person]:
    """'ru:KZ ru:KG en:TJ' -> persons with ids from ``start``."""
    result = []
    for n, token in enumerate(spec.split(), start):
        language, country = token.split(":")
        result.append(Person(n, language, country))
    return result


def test_people_go_to_a_breakout_in_their_language_first():
    persons = people("ru:KZ en:KZ ru:KG en:KG ru:TJ en:TJ")
    split = balanced_split(persons, [Breakout(10, "ru", None), Breakout(20, "en", None)])
    by_language = {p.id: p.language for p in persons}
    assert all(
        by_language[pid] == ("ru" if bid == 10 else "en") for pid, bid in split.assignments.items()
    )
    assert split.unplaced == []


def test_countries_are_spread_evenly_over_breakouts_of_one_language():
    persons = people("ru:KZ ru:KZ ru:KZ ru:KG ru:KG ru:KG ru:TJ ru:TJ ru:TJ")
    breakouts = [Breakout(1, "ru", None), Breakout(2, "ru", None), Breakout(3, "ru", None)]
    split = balanced_split(persons, breakouts)
    country = {p.id: p.country for p in persons}
    for breakout in breakouts:
        members = [pid for pid, bid in split.assignments.items() if bid == breakout.id]
        assert sorted(country[m] for m in members) == ["KG", "KZ", "TJ"]


def test_capacity_is_respected_and_overflow_goes_to_another_language():
    persons = people("en:KZ en:KG en:TJ en:UZ ru:KZ")
    split = balanced_split(persons, [Breakout(1, "en", 2), Breakout(2, "ru", 3)])
    load = Counter(split.assignments.values())
    assert load[1] == 2 and load[2] == 3
    assert split.unplaced == []


def test_people_without_a_seat_are_reported():
    persons = people("ru:KZ ru:KG ru:TJ")
    split = balanced_split(persons, [Breakout(1, "ru", 1), Breakout(2, "", 1)])
    assert len(split.assignments) == 2
    assert len(split.unplaced) == 1


def test_a_breakout_without_language_is_preferred_to_one_in_another_language():
    persons = people("kk:KZ")
    split = balanced_split(persons, [Breakout(1, "en", None), Breakout(2, "", None)])
    assert split.assignments == {1: 2}


def test_people_already_placed_keep_their_place_unless_redo():
    persons = people("ru:KZ ru:KZ ru:KG")
    breakouts = [Breakout(1, "ru", None), Breakout(2, "ru", None)]
    current = {1: 1, 2: 1}
    kept = balanced_split(persons, breakouts, current)
    assert kept.assignments[1] == 1 and kept.assignments[2] == 1
    assert balanced_split(persons, breakouts, kept.assignments).assignments == kept.assignments
    redone = balanced_split(persons, breakouts, current, redo=True)
    assert redone.assignments[1] != redone.assignments[2]  # the two from KZ are split up


@given(
    st.lists(st.tuples(st.sampled_from(["ru", "en", "kk"]), st.sampled_from(["KZ", "KG", "TJ"]))),
    st.lists(
        st.tuples(st.sampled_from(["ru", "en", ""]), st.one_of(st.none(), st.integers(0, 6))),
        min_size=1,
        max_size=4,
    ),
)
def test_everyone_is_placed_once_or_reported_and_no_room_overflows(person_specs, breakout_specs):
    persons = [Person(n, lang, country) for n, (lang, country) in enumerate(person_specs)]
    breakouts = [Breakout(100 + n, lang, cap) for n, (lang, cap) in enumerate(breakout_specs)]
    split = balanced_split(persons, breakouts)
    assert sorted([*split.assignments, *split.unplaced]) == [p.id for p in persons]
    load = Counter(split.assignments.values())
    for breakout in breakouts:
        assert breakout.capacity is None or load[breakout.id] <= breakout.capacity
    free_seats = any(b.capacity is None or load[b.id] < b.capacity for b in breakouts)
    assert not (split.unplaced and free_seats)


# --- the service and the pages ----------------------------------------------------------------


def slot(institute, capacity=None):
    rooms = [
        make_room(institute, "Altai Room", capacity, 10),
        make_room(institute, "Turkestan Room", capacity, 20),
    ]
    facilitator = make_facilitator(institute)
    return [
        make_session(
            institute,
            "2027-04-12 11:00",
            "2027-04-12 12:30",
            f"Group {name}",
            kind=SessionKind.BREAKOUT,
            room=room,
            language=language,
            facilitators=[facilitator],
        )
        for name, room, language in (("A", rooms[0], "ru"), ("B", rooms[1], "en"))
    ]


def assigned(db, sessions):
    rows = db.session.execute(
        select(BreakoutAssignment.invitee_id, BreakoutAssignment.session_id).where(
            BreakoutAssignment.session_id.in_([s.id for s in sessions])
        )
    ).all()
    return dict(rows)


def test_split_takes_confirmed_participants_and_observers_only(institute, organizer, db):
    sessions = slot(institute)
    ru = make_participant(institute, "Зарина Саидова", language="ru")
    en = make_participant(institute, "Gulchehra Tursunova", language="en")
    observer = make_participant(institute, "Aliya", language="en", role=InviteeRole.OBSERVER)
    make_participant(institute, "Invited only", rsvp_status=RsvpStatus.INVITED)
    make_participant(institute, "Staff", role=InviteeRole.STAFF)
    services.split_breakouts(institute, at("2027-04-12 11:00"), organizer)
    db.session.commit()
    a, b = sessions
    assert assigned(db, sessions) == {ru.id: a.id, en.id: b.id, observer.id: b.id}


def test_split_counts_facilitators_against_room_seats(institute, organizer, db):
    sessions = slot(institute, capacity=2)  # one facilitator each: one seat left per room
    for n in range(3):
        make_participant(institute, f"Участница {n}", language="ru")
    result = services.split_breakouts(institute, at("2027-04-12 11:00"), organizer)
    db.session.commit()
    assert len(result.unplaced) == 1
    assert Counter(assigned(db, sessions).values()) == {sessions[0].id: 1, sessions[1].id: 1}


def test_split_twice_changes_nothing_and_touches_the_institute(institute, organizer, db):
    sessions = slot(institute)
    for n in range(4):
        make_participant(institute, f"Участница {n}", language="ru", country=["KZ", "KG"][n % 2])
    services.split_breakouts(institute, at("2027-04-12 11:00"), organizer)
    db.session.commit()
    first = assigned(db, sessions)
    version = institute.data_version
    services.split_breakouts(institute, at("2027-04-12 11:00"), organizer)
    db.session.commit()
    assert assigned(db, sessions) == first
    assert institute.data_version > version


def test_split_page_shows_the_result(institute, organizer_client, db):
    slot(institute)
    make_participant(institute, "Зарина Саидова", language="ru")
    response = organizer_client.post(
        f"/institutes/{institute.slug}/agenda/breakouts/split?at=2027-04-12T11:00",
        data={"redo": "y"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The participants are split over the breakouts." in page
    assert "Зарина Саидова" in page


def test_assign_by_hand_moves_and_unassigns(institute, organizer_client, db):
    a, b = slot(institute)
    zarina = make_participant(institute, "Зарина Саидова")
    dinara = make_participant(institute, "Динара Касымова")
    db.session.add(BreakoutAssignment(session_id=a.id, invitee_id=dinara.id))
    db.session.commit()
    response = organizer_client.post(
        f"/institutes/{institute.slug}/agenda/breakouts/assign?at=2027-04-12T11:00",
        data={f"person-{zarina.id}": str(b.id), f"person-{dinara.id}": ""},
    )
    assert response.status_code == 302
    assert assigned(db, [a, b]) == {zarina.id: b.id}


def test_assign_to_a_session_of_another_slot_saves_nothing(institute, organizer_client, db):
    a, b = slot(institute)
    later = make_session(
        institute, "2027-04-12 15:00", "2027-04-12 16:00", "Later", kind=SessionKind.BREAKOUT
    )
    zarina = make_participant(institute, "Зарина Саидова")
    dinara = make_participant(institute, "Динара Касымова")
    response = organizer_client.post(
        f"/institutes/{institute.slug}/agenda/breakouts/assign?at=2027-04-12T11:00",
        data={f"person-{zarina.id}": str(a.id), f"person-{dinara.id}": str(later.id)},
    )
    assert response.status_code == 400
    assert "Choose one of the breakouts of this time slot." in response.get_data(as_text=True)
    assert assigned(db, [a, b, later]) == {}


def test_assign_someone_who_is_not_a_confirmed_participant_saves_nothing(
    institute, organizer_client, db
):
    a, _ = slot(institute)
    invited = make_participant(institute, "Invited", rsvp_status=RsvpStatus.INVITED)
    response = organizer_client.post(
        f"/institutes/{institute.slug}/agenda/breakouts/assign?at=2027-04-12T11:00",
        data={f"person-{invited.id}": str(a.id)},
    )
    assert response.status_code == 400
    assert "Only confirmed participants and observers join breakouts." in response.get_data(
        as_text=True
    )
    assert assigned(db, [a]) == {}


def test_breakouts_page_lists_slots_and_people(institute, viewer_client, db):
    a, _ = slot(institute)
    zarina = make_participant(institute, "Зарина Саидова")
    db.session.add(BreakoutAssignment(session_id=a.id, invitee_id=zarina.id))
    db.session.commit()
    make_session(
        institute,
        "2027-04-12 15:00",
        "2027-04-12 16:00",
        "Cancelled group",
        kind=SessionKind.BREAKOUT,
        status=SessionStatus.CANCELLED,
    )
    page = viewer_client.get(f"/institutes/{institute.slug}/agenda/breakouts").get_data(
        as_text=True
    )
    assert "?at=2027-04-12T11:00" in page and "T15:00" not in page
    page = viewer_client.get(
        f"/institutes/{institute.slug}/agenda/breakouts?at=2027-04-12T11:00"
    ).get_data(as_text=True)
    assert "Group A" in page and "Group B" in page and "Зарина Саидова" in page
    assert "Split the participants" not in page  # viewers see, editors change


def test_unknown_slot_is_404(institute, viewer_client):
    slot(institute)
    url = f"/institutes/{institute.slug}/agenda/breakouts?at=2027-04-12T09:00"
    assert viewer_client.get(url).status_code == 404


def test_breakouts_page_runs_a_constant_number_of_queries(institute, viewer_client, db):
    from tests.agenda.factories import count_queries

    a, b = slot(institute)
    url = f"/institutes/{institute.slug}/agenda/breakouts?at=2027-04-12T11:00"

    def add_people(start, count):
        for n in range(start, start + count):
            person = make_participant(institute, f"Участница {n}", country=["KZ", "KG"][n % 2])
            db.session.add(BreakoutAssignment(session_id=(a, b)[n % 2].id, invitee_id=person.id))
        db.session.commit()

    add_people(0, 2)
    db.session.expire_all()
    with count_queries() as few:
        assert viewer_client.get(url).status_code == 200
    add_people(2, 40)
    db.session.expire_all()
    with count_queries() as many:
        page = viewer_client.get(url).get_data(as_text=True)
    assert "Участница 41" in page
    assert len(many) == len(few)
