"""The invitee's agenda (/me/agenda), the facilitator view and the agenda panels."""

import pytest
from flask import render_template_string

from planner.agenda.models import SessionKind
from planner.sections import render_panels
from tests.agenda.factories import (
    count_queries,
    make_facilitator,
    make_participant,
    make_room,
    make_session,
)

PANELS = '{% import "macros/panels.html" as p with context %}{{ p.render(panels) }}'


@pytest.fixture
def program(institute):
    """A plenary for all, two parallel breakouts, a facilitator pair and two participants."""
    rania = make_facilitator(institute, "Rania Haddad")
    begimai = make_facilitator(institute, "Бегимай Осмонова")
    zarina = make_participant(institute, "Зарина Саидова")
    dinara = make_participant(institute, "Динара Касымова")
    altai = make_room(institute, "Altai Room", 10, 10)
    turkestan = make_room(institute, "Turkestan Room", 10, 20)
    opening = make_session(institute, title="Opening", facilitators=[rania, begimai])
    group_a = make_session(
        institute,
        "2027-04-12 11:00",
        "2027-04-12 12:30",
        "Group A",
        kind=SessionKind.BREAKOUT,
        room=altai,
        facilitators=[rania, begimai],
        participants=[zarina],
    )
    group_b = make_session(
        institute,
        "2027-04-12 11:00",
        "2027-04-12 12:30",
        "Group B",
        kind=SessionKind.BREAKOUT,
        room=turkestan,
        participants=[dinara],
    )
    return dict(
        rania=rania,
        begimai=begimai,
        zarina=zarina,
        dinara=dinara,
        opening=opening,
        group_a=group_a,
        group_b=group_b,
    )


def test_facilitator_sees_their_sessions_with_co_facilitators_room_and_participants(
    program, invitee_login
):
    client = invitee_login(program["rania"])
    response = client.get("/me/agenda")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "Opening" in page and "Group A" in page
    assert "Group B" not in page  # a breakout they neither lead nor attend
    assert "With Бегимай Осмонова" in page
    assert "Altai Room" in page
    assert "Зарина Саидова" in page  # participant of their breakout
    assert "Динара Касымова" not in page


def test_participant_sees_plenaries_and_their_own_breakout_only(program, invitee_login):
    page = invitee_login(program["dinara"]).get("/me/agenda").get_data(as_text=True)
    assert "Opening" in page and "Group B" in page
    assert "Group A" not in page
    assert "Зарина Саидова" not in page  # never other participants' names
    assert "ваша группа" in page  # Динара reads Russian


def test_my_agenda_needs_an_invitee_session(client, program):
    assert client.get("/me/agenda").status_code == 404


def test_my_agenda_is_in_the_invitees_language(program, invitee_login):
    page = invitee_login(program["zarina"]).get("/me/agenda").get_data(as_text=True)
    assert "Моя программа" in page  # Зарина's preferred language is Russian


def test_my_agenda_runs_a_constant_number_of_queries(institute, program, invitee_login, db):
    client = invitee_login(program["rania"])
    db.session.expire_all()
    with count_queries() as few:
        client.get("/me/agenda")
    for n in range(20):
        make_session(
            institute,
            "2027-04-13 11:00",
            "2027-04-13 12:30",
            f"Group {n}",
            kind=SessionKind.BREAKOUT,
            facilitators=[program["rania"]],
            participants=[program["zarina"]],
        )
    db.session.expire_all()
    with count_queries() as many:
        client.get("/me/agenda")
    assert len(many) == len(few), "\n\n".join(many)


def test_me_panel_shows_the_facilitators_sessions(app, program):
    with app.test_request_context():
        html = render_template_string(PANELS, panels=render_panels("me", program["begimai"]))
    assert "Your sessions" in html
    assert "Group A" in html and "With Rania Haddad" in html
    assert "Зарина Саидова" in html
    assert 'href="/me/agenda"' in html


def test_me_panel_shows_a_participants_breakout(app, program):
    with app.test_request_context():
        html = render_template_string(PANELS, panels=render_panels("me", program["zarina"]))
    assert "Group A" in html and "your breakout" in html
    assert "Динара Касымова" not in html


def test_invitee_panel_lists_sessions_facilitated_and_breakouts(app, program, login, organizer):
    with app.test_request_context():
        facilitator = render_template_string(
            PANELS, panels=render_panels("invitee", program["rania"])
        )
        participant = render_template_string(
            PANELS, panels=render_panels("invitee", program["zarina"])
        )
    assert "Facilitates" in facilitator and "Opening" in facilitator and "Group A" in facilitator
    assert "Breakouts" in participant and "Group A" in participant
    assert "Opening" not in participant


def test_dashboard_panel_counts_sessions_and_conflicts(institute, program, organizer_client):
    make_session(
        institute,
        "2027-04-12 12:00",
        "2027-04-12 13:00",
        "Clinic",
        facilitators=[program["rania"]],
    )
    page = organizer_client.get(f"/institutes/{institute.slug}/").get_data(as_text=True)
    assert "4 sessions scheduled" in page
    assert "1 conflict to look at" in page
    assert f'href="/institutes/{institute.slug}/agenda/"' in page


def test_dashboard_panel_uses_russian_plural_forms(institute, program, organizer_client):
    with organizer_client.session_transaction() as cookie:
        cookie["lang"] = "ru"
    page = organizer_client.get(f"/institutes/{institute.slug}/").get_data(as_text=True)
    assert "3 сессии запланированы" in page
    assert "Конфликтов не найдено." in page
