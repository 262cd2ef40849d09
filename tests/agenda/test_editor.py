"""The agenda editor: add, edit, move, duplicate, cancel, restore, copy a day; bad input."""

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from planner.agenda import services
from planner.agenda.models import Session, SessionFacilitator, SessionKind, SessionStatus
from planner.security.models import AuditEvent
from tests import factories, formats
from tests.agenda.factories import (
    count_queries,
    make_facilitator,
    make_participant,
    make_room,
    make_session,
)


def url(institute, path=""):
    return f"/institutes/{institute.slug}/agenda/{path}"


def session_form(**overrides):
    data = {
        "title": "Opening: welcome and introductions",
        "kind": "plenary",
        "day": "2027-04-12",
        "starts": "09:00",
        "ends": "10:30",
        "room_id": "",
        "track": "",
        "language": "ru",
        "interpretation": "ru ↔ en",
        "description": "Who is in the room.",
    }
    data.update(overrides)
    return data


def sessions(db):
    return list(db.session.scalars(select(Session).order_by(Session.id)))


def test_organizer_adds_a_session_with_room_and_facilitators(institute, editor_client, db):
    room = make_room(institute, "Plenary Hall", 40)
    rania = make_facilitator(institute, "Rania Haddad")
    timur = make_facilitator(institute, "Тимур Абенов", role="trainer")
    response = editor_client.post(
        url(institute, "sessions/new"),
        data=session_form(room_id=str(room.id), facilitators=[str(rania.id), str(timur.id)]),
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("#day-2027-04-12")
    (session,) = sessions(db)
    assert session.starts_local == datetime(2027, 4, 12, 9, 0)
    assert session.ends_local == datetime(2027, 4, 12, 10, 30)
    assert session.room_id == room.id
    assert session.interpretation == "ru ↔ en"
    assert {sf.invitee_id for sf in session.facilitators} == {rania.id, timur.id}
    assert session.uid.startswith("session-") and session.uid.endswith("@planner.test")
    assert session.sequence == 0
    page = editor_client.get(url(institute)).get_data(as_text=True)
    assert "Opening: welcome and introductions" in page
    assert "Rania Haddad, Тимур Абенов" in page


def test_adding_a_session_touches_the_institute_and_is_audited(institute, editor_client, db):
    version = institute.data_version
    editor_client.post(url(institute, "sessions/new"), data=session_form())
    db.session.refresh(institute)
    assert institute.data_version > version
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "agenda.session_created" in actions


@pytest.mark.parametrize(
    ("overrides", "field_message"),
    [
        ({"starts": "11:00", "ends": "10:00"}, "The end must be after the start."),
        ({"starts": "10:00", "ends": "10:00"}, "The end must be after the start."),
        ({"starts": "03:00", "ends": "04:00"}, "Sessions start at 05:00 at the earliest."),
        ({"ends": "not a time"}, "Not a valid time value."),
        ({"title": ""}, "This field is required."),
        ({"room_id": "999999"}, "Choose a room of this institute."),
        ({"room_id": "abc"}, "Choose a room of this institute."),
    ],
)
def test_bad_session_input_is_explained_next_to_the_field_and_nothing_is_saved(
    institute, editor_client, db, overrides, field_message
):
    response = editor_client.post(
        url(institute, "sessions/new"),
        data=session_form(title=overrides.pop("title", "Kept title"), **overrides),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert field_message in page
    assert 'class="invalid-feedback d-block"' in page
    assert sessions(db) == []
    if "title" not in overrides and field_message != "This field is required.":
        assert 'value="Kept title"' in page


def test_a_room_of_another_institute_is_refused(institute, editor_client, db):
    other = factories.make_institute()
    foreign_room = make_room(other, "Their hall")
    response = editor_client.post(
        url(institute, "sessions/new"), data=session_form(room_id=str(foreign_room.id))
    )
    assert response.status_code == 400
    assert "Choose a room of this institute." in response.get_data(as_text=True)
    assert sessions(db) == []


def test_a_facilitator_of_another_institute_is_refused(institute, editor_client, db):
    other = factories.make_institute()
    outsider = make_facilitator(other, "Samira Khalil")
    ours = make_facilitator(institute, "Rania Haddad")
    response = editor_client.post(
        url(institute, "sessions/new"),
        data=session_form(facilitators=[str(ours.id), str(outsider.id)]),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose facilitators among this institute&#39;s invitees." in page
    assert sessions(db) == []


def test_a_participant_cannot_facilitate(institute, editor_client, db):
    zarina = make_participant(institute)
    response = editor_client.post(
        url(institute, "sessions/new"), data=session_form(facilitators=[str(zarina.id)])
    )
    assert response.status_code == 400
    assert "Only invitees with the role facilitator or trainer can facilitate." in (
        response.get_data(as_text=True)
    )
    assert sessions(db) == []


def test_edit_keeps_the_uid_and_raises_the_sequence(institute, editor_client, db):
    session = make_session(institute, title="Opening")
    uid = session.uid
    response = editor_client.post(
        url(institute, f"sessions/{session.id}/edit"),
        data=session_form(title="Opening and expectations"),
    )
    assert response.status_code == 302
    db.session.refresh(session)
    assert session.title == "Opening and expectations"
    assert session.uid == uid
    assert session.sequence == 1


def test_saving_without_changes_keeps_the_sequence(institute, editor_client, db):
    session = make_session(
        institute, title="Opening", language="ru", interpretation="ru ↔ en", description="x"
    )
    form = session_form(title="Opening", description="x")
    editor_client.post(url(institute, f"sessions/{session.id}/edit"), data=form)
    db.session.refresh(session)
    assert session.sequence == 0


def test_changing_facilitators_raises_the_sequence(institute, editor_client, db):
    rania = make_facilitator(institute, "Rania Haddad")
    begimai = make_facilitator(institute, "Бегимай Осмонова")
    session = make_session(
        institute,
        title="Opening",
        language="ru",
        interpretation="ru ↔ en",
        description="Who is in the room.",
        facilitators=[rania],
    )
    editor_client.post(
        url(institute, f"sessions/{session.id}/edit"),
        data=session_form(title="Opening", facilitators=[str(begimai.id)]),
    )
    db.session.refresh(session)
    assert [sf.invitee_id for sf in session.facilitators] == [begimai.id]
    assert session.sequence == 1


def test_edit_form_shows_current_values(institute, editor_client):
    rania = make_facilitator(institute, "Rania Haddad")
    session = make_session(institute, title="Opening", facilitators=[rania])
    page = editor_client.get(url(institute, f"sessions/{session.id}/edit")).get_data(as_text=True)
    assert 'value="Opening"' in page
    assert 'value="09:00"' in page and 'value="10:30"' in page
    assert f'id="facilitator-{rania.id}" value="{rania.id}" checked' in page


def test_move_changes_day_time_and_room_keeping_the_length(institute, editor_client, db):
    altai = make_room(institute, "Altai Room")
    session = make_session(institute, "2027-04-12 11:00", "2027-04-12 12:30", "Group A")
    response = editor_client.post(
        url(institute, f"sessions/{session.id}/move"),
        data={"day": "2027-04-13", "starts": "15:30", "room_id": str(altai.id)},
    )
    assert response.status_code == 302
    db.session.refresh(session)
    assert (session.starts_local, session.ends_local) == (
        datetime(2027, 4, 13, 15, 30),
        datetime(2027, 4, 13, 17, 0),
    )
    assert session.room_id == altai.id
    assert session.sequence == 1


def test_a_move_that_would_span_two_days_is_refused(institute, editor_client, db):
    session = make_session(institute, "2027-04-12 11:00", "2027-04-12 13:00")
    response = editor_client.post(
        url(institute, f"sessions/{session.id}/move"),
        data={"day": "2027-04-12", "starts": "23:00", "room_id": ""},
    )
    assert response.status_code == 400
    assert "A session must start and end on the same day." in response.get_data(as_text=True)
    db.session.refresh(session)
    assert session.starts_local == datetime(2027, 4, 12, 11, 0)
    assert session.sequence == 0


def test_warnings_show_after_a_save_without_blocking_it(institute, editor_client, db):
    rania = make_facilitator(institute, "Rania Haddad")
    make_session(institute, "2027-04-12 09:00", "2027-04-12 10:30", "Opening", facilitators=[rania])
    response = editor_client.post(
        url(institute, "sessions/new"),
        data=session_form(
            title="Media clinic", starts="10:00", ends="11:00", facilitators=[str(rania.id)]
        ),
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert len(sessions(db)) == 2
    assert "Rania Haddad is in two sessions at once" in page
    assert 'class="alert alert-warning"' in page


def test_duplicate_makes_a_new_session_with_a_new_uid(institute, editor_client, db):
    rania = make_facilitator(institute)
    original = make_session(institute, title="Group A", facilitators=[rania])
    original.sequence = 3
    db.session.commit()
    response = editor_client.post(url(institute, f"sessions/{original.id}/duplicate"))
    original_id, original_uid = original.id, original.uid
    copy = sessions(db)[-1]
    assert response.headers["Location"].endswith(f"/sessions/{copy.id}/move")
    assert copy.id != original_id and copy.uid != original_uid
    assert copy.title == "Group A" and copy.sequence == 0
    assert [sf.invitee_id for sf in copy.facilitators] == [rania.id]


def test_cancel_keeps_the_session_struck_through_and_restore_brings_it_back(
    institute, editor_client, db
):
    session = make_session(institute, title="Panel with donors")
    editor_client.post(url(institute, f"sessions/{session.id}/cancel"))
    db.session.refresh(session)
    assert session.status == SessionStatus.CANCELLED
    assert session.sequence == 1
    page = editor_client.get(url(institute)).get_data(as_text=True)
    assert "Panel with donors" in page
    assert "agenda-session kind-plenary cancelled" in page
    editor_client.post(url(institute, f"sessions/{session.id}/restore"))
    db.session.refresh(session)
    assert session.status == SessionStatus.SCHEDULED
    assert session.sequence == 2


def test_copy_a_day_copies_scheduled_sessions_with_new_uids(institute, editor_client, db):
    rania = make_facilitator(institute)
    room = make_room(institute)
    zarina = make_participant(institute)
    make_session(
        institute,
        "2027-04-12 11:00",
        "2027-04-12 12:30",
        "Group A",
        kind=SessionKind.BREAKOUT,
        room=room,
        facilitators=[rania],
        participants=[zarina],
    )
    make_session(institute, "2027-04-12 13:30", "2027-04-12 14:00", "Gone", status="cancelled")
    make_session(institute, "2027-04-13 09:00", "2027-04-13 10:00", "Other day")
    response = editor_client.post(
        url(institute, "days/duplicate"), data={"source": "2027-04-12", "target": "2027-04-14"}
    )
    assert response.status_code == 302
    copies = [s for s in sessions(db) if s.starts_local.date().isoformat() == "2027-04-14"]
    assert [(c.title, c.starts_local.hour, c.room_id) for c in copies] == [("Group A", 11, room.id)]
    assert [sf.invitee_id for sf in copies[0].facilitators] == [rania.id]
    count = db.session.scalar(
        select(func.count()).select_from(Session).where(Session.title == "Group A")
    )
    assert count == 2


def test_copy_a_day_onto_itself_or_from_an_empty_day_is_refused(institute, editor_client, db):
    make_session(institute)
    same = editor_client.post(
        url(institute, "days/duplicate"), data={"source": "2027-04-12", "target": "2027-04-12"}
    )
    assert same.status_code == 400
    assert "Choose a different day to copy to." in same.get_data(as_text=True)
    empty = editor_client.post(
        url(institute, "days/duplicate"), data={"source": "2027-04-13", "target": "2027-04-14"}
    )
    assert "This day has no scheduled sessions to copy." in empty.get_data(as_text=True)
    assert len(sessions(db)) == 1


def test_copying_a_day_twice_asks_first_and_never_duplicates(institute, editor_client, db):
    # B15: "Copy a day" twice left two of each session, with "5 sessions are copied." twice.
    room = make_room(institute, "Room B")
    make_session(institute, "2027-04-12 09:00", "2027-04-12 10:30", "Digital safety", room=room)
    make_session(institute, "2027-04-12 13:00", "2027-04-12 14:00", "Обед", SessionKind.MEAL)
    form = {"source": "2027-04-12", "target": "2027-04-14"}

    first = editor_client.post(url(institute, "days/duplicate"), data=form, follow_redirects=True)
    assert "2 sessions are copied." in first.get_data(as_text=True)

    again = editor_client.post(url(institute, "days/duplicate"), data=form)
    assert again.status_code == 400
    assert "14 April 2027 already has 2 sessions." in again.get_data(as_text=True)
    assert len(sessions(db)) == 4  # nothing added without asking

    confirmed = editor_client.post(
        url(institute, "days/duplicate"),
        data={**form, "add_to_existing": "y"},
        follow_redirects=True,
    )
    page = confirmed.get_data(as_text=True)
    assert "0 sessions are copied." in page
    assert "2 sessions were already on that day and are not copied again." in page
    on_target = [s.title for s in sessions(db) if s.starts_local.day == 14]
    assert sorted(on_target) == ["Digital safety", "Обед"]


def test_copying_onto_a_day_with_other_sessions_adds_only_the_missing_ones(institute, db):
    make_session(institute, "2027-04-12 09:00", "2027-04-12 10:00", "Opening")
    make_session(institute, "2027-04-12 11:00", "2027-04-12 12:00", "Clinic")
    make_session(institute, "2027-04-14 11:00", "2027-04-14 12:00", "Clinic")
    with pytest.raises(services.TargetDayHasSessions):
        services.duplicate_day(institute, date(2027, 4, 12), date(2027, 4, 14), None)

    done = services.duplicate_day(
        institute, date(2027, 4, 12), date(2027, 4, 14), None, add_to_existing=True
    )

    assert [c.title for c in done.copies] == ["Opening"] and done.already_there == 1


def test_a_copied_day_keeps_translated_titles_and_facilitators(institute, db):
    lead = make_facilitator(institute, "Rania Haddad")
    session = make_session(institute, "2027-04-12 10:30", "2027-04-12 11:00", "Coffee break",
                           SessionKind.BREAK)  # fmt: skip
    session.translations = {"ru": {"title": "Кофе-брейк"}}
    session.facilitators = [SessionFacilitator(invitee_id=lead.id)]
    db.session.commit()

    done = services.duplicate_day(institute, date(2027, 4, 12), date(2027, 4, 13), None)

    (copy,) = done.copies
    assert copy.translations == {"ru": {"title": "Кофе-брейк"}}
    assert [sf.invitee_id for sf in copy.facilitators] == [lead.id]
    copy.translations["ru"]["title"] = "Чай"
    assert session.translations == {"ru": {"title": "Кофе-брейк"}}  # not shared with the copy


def test_grid_puts_parallel_breakouts_side_by_side_and_plenaries_across(institute, viewer_client):
    altai = make_room(institute, "Altai Room", position=10)
    turkestan = make_room(institute, "Turkestan Room", position=20)
    hall = make_room(institute, "Plenary Hall", position=5)
    make_session(institute, title="Opening", room=hall, spans_rooms=True)
    for title, room in (("Group A", altai), ("Group B", turkestan)):
        make_session(
            institute,
            "2027-04-12 11:00",
            "2027-04-12 12:30",
            title,
            kind=SessionKind.BREAKOUT,
            room=room,
        )
    page = viewer_client.get(url(institute)).get_data(as_text=True)
    assert '<th scope="col">Altai Room' in page and '<th scope="col">Turkestan Room' in page
    assert '<th scope="col">Plenary Hall' not in page  # marked as spanning the rooms
    assert 'colspan="2"' in page
    assert page.index("Group A") < page.index("Group B")
    assert 'href="#day-2027-04-12"' in page and 'id="day-2027-04-15"' in page


def test_a_session_in_one_room_is_drawn_in_that_room_only(institute, viewer_client):
    # B16: "Digital safety" (Room B) and a plenary in Зал «Алатау» were drawn across every
    # column, and the parallel clinic got a second row at the same time.
    hall = make_room(institute, "Зал «Алатау»", position=5)
    room_b = make_room(institute, "Room B", position=10)
    make_session(institute, "2027-04-12 09:00", "2027-04-12 10:30", "Digital safety", room=room_b)
    make_session(
        institute, "2027-04-12 10:00", "2027-04-12 11:00", "Plenary in the hall", room=hall
    )
    make_session(institute, "2027-04-12 10:00", "2027-04-12 11:00", "Parallel clinic",
                 kind=SessionKind.BREAKOUT, room=room_b)  # fmt: skip

    page = viewer_client.get(url(institute)).get_data(as_text=True)

    assert '<th scope="col">Зал «Алатау»' in page and '<th scope="col">Room B' in page
    assert 'colspan="2"' not in page
    assert page.count('<th scope="row"') == 2  # 09:00 and 10:00: one row per start time


def test_agenda_page_in_russian(institute, viewer_client):
    make_session(institute, title="Открытие")
    with viewer_client.session_transaction() as cookie:
        cookie["lang"] = "ru"
    page = viewer_client.get(url(institute)).get_data(as_text=True)
    assert "Добавить сессию" not in page  # viewers cannot add
    assert "Программа" in page
    assert "Конфликтов не найдено." in page
    assert formats.day(date(2027, 4, 12), "full", "ru") in page


def test_agenda_page_runs_a_constant_number_of_queries(institute, viewer_client, db):
    rooms = [make_room(institute, f"Room {n}", 10, n) for n in range(3)]
    facilitators = [make_facilitator(institute, f"Facilitator {n}") for n in range(6)]
    participants = [make_participant(institute, f"Participant {n}") for n in range(12)]

    def add_day(day):
        for hour in range(8, 23):
            kind = SessionKind.BREAKOUT if hour % 2 else SessionKind.PLENARY
            make_session(
                institute,
                f"2027-04-{day} {hour:02d}:00",
                f"2027-04-{day} {hour:02d}:50",
                f"Session {day}-{hour}",
                kind=kind,
                room=rooms[hour % 3],
                facilitators=facilitators[hour % 6 : hour % 6 + 2],
                participants=participants[hour % 12 : hour % 12 + 3],
            )

    add_day(12)
    with count_queries() as one_day:
        assert viewer_client.get(url(institute)).status_code == 200
    for day in (13, 14, 15):
        add_day(day)
    assert db.session.scalar(select(func.count()).select_from(Session)) == 60
    with count_queries() as four_days:
        page = viewer_client.get(url(institute)).get_data(as_text=True)
    assert page.count("agenda-session kind-") == 60
    assert len(four_days) == len(one_day) <= 16


def test_posts_without_a_csrf_token_are_refused(app, institute, editor_client, db):
    session = make_session(institute)
    app.config["WTF_CSRF_ENABLED"] = True  # after signing in: every POST now needs the token
    assert editor_client.post(url(institute, f"sessions/{session.id}/cancel")).status_code == 400
    response = editor_client.post(url(institute, "sessions/new"), data=session_form())
    assert response.status_code == 400
    db.session.refresh(session)
    assert session.status == SessionStatus.SCHEDULED
    assert len(sessions(db)) == 1


def test_posts_with_the_csrf_token_of_the_page_pass(app, institute, editor_client, db):
    import re

    session = make_session(institute)
    app.config["WTF_CSRF_ENABLED"] = True
    page = editor_client.get(url(institute, f"sessions/{session.id}")).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = editor_client.post(
        url(institute, f"sessions/{session.id}/cancel"), data={"csrf_token": token}
    )
    assert response.status_code == 302
    db.session.refresh(session)
    assert session.status == SessionStatus.CANCELLED
