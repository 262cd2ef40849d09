"""Arrival and departure manifests, the rooming list, name badges, facilitator agendas."""

from datetime import date

from flask_babel import force_locale, gettext
from sqlalchemy import select

from planner.i18n import invitee_locale
from planner.invitations.models import InviteeRole, RsvpStatus
from planner.security.models import AuditEvent
from tests import factories, formats
from tests.documents.conftest import KAZAKH_NAME, flat_text, pdf_reader, pdf_text


def get_pdf(client, program, kind: str) -> bytes:
    response = client.get(f"/institutes/{program.institute.slug}/documents/{kind}.pdf")
    assert response.status_code == 200
    return response.data


def test_arrival_manifest_lists_confirmed_arrivals_by_local_time_with_pickups(
    program, client, login, organizer
):
    login(organizer)
    pdf = get_pdf(client, program, "arrivals")
    text = flat_text(pdf)
    assert "Arrival and pickup manifest" in text
    assert formats.flat(formats.day(date(2027, 4, 11), "full")) in text
    assert "2 people · 0 pickups arranged · 1 pickup asked for, not arranged yet" in text
    assert text.index("09:05") < text.index(KAZAKH_NAME) < text.index("14:20")
    row = next(line for line in pdf_text(pdf).splitlines() if "14:20" in line)
    assert "Бегимай Осмонова" in row and "Air Astana KC 951" in row and "asked for" in row
    assert "OSMONOVA BEGIMAI" in text
    assert "KTZ Train 710" in text and "Zhibek Zholy" in text
    assert "Hotel Shymkent Plaza" in text
    assert "Отказавшаяся" not in text, "declined people do not travel"
    assert pdf_reader(pdf).pages[0].mediabox.width > pdf_reader(pdf).pages[0].mediabox.height


def test_departure_manifest_uses_departure_times(program, client, login, organizer):
    login(organizer)
    text = flat_text(get_pdf(client, program, "departures"))
    assert "Departure manifest" in text
    assert formats.flat(formats.day(date(2027, 4, 14), "full")) in text
    assert "16:00" in text and "Asia/Almaty" in text
    assert KAZAKH_NAME not in text


def test_rooming_list_gives_every_night_room_and_guest(program, client, login, organizer):
    login(organizer)
    pdf = get_pdf(client, program, "rooming")
    reader = pdf_reader(pdf)
    nights = [item.title for item in reader.outline if not isinstance(item, list)]
    assert nights == [
        formats.flat(f"Night of {formats.day(date(2027, 4, night), 'full')}")
        for night in (11, 12, 13)
    ]
    first_night = " ".join(reader.pages[0].extract_text().split())
    assert "Hotel Shymkent Plaza · 3 guests" in first_night
    assert "2 / 2" in first_night and "SKRYTAYA UCHASTNITSA checks in" in first_night
    last_night = " ".join(reader.pages[2].extract_text().split())
    assert "KURMANGALI AIGERIM checks out tomorrow" in last_night


def test_badges_eight_to_a_sheet_native_name_over_latin_name(program, db, client, login, organizer):
    for n in range(6):
        factories.make_invitee(
            program.institute, rsvp_status=RsvpStatus.CONFIRMED, full_name=f"Гость {n}"
        )
    long_name = "Oʻgʻiloy Abdurakhmonova-Sharafutdinova Ergasheva"
    factories.make_invitee(
        program.institute,
        rsvp_status=RsvpStatus.CONFIRMED,
        full_name=long_name,
        passport_name="ERGASHEVA OGILOY",
        role=InviteeRole.STAFF,
        country="UZ",
    )
    login(organizer)
    pdf = get_pdf(client, program, "badges")
    reader = pdf_reader(pdf)
    assert len(reader.pages) == 2  # 4 confirmed + 7 new = 11 badges
    first = pdf_text(pdf).split("\f")[0]
    assert first.count("REGIONAL TRAINING OF TRAINERS INSTITUTE") == 8
    text = flat_text(pdf)
    assert f"{KAZAKH_NAME} KURMANGALI AIGERIM" in text
    assert "Oʻgʻiloy" in text and "Staff Uzbekistan" in text
    assert "Отказавшаяся" not in text


def test_long_names_get_a_smaller_size_class(program, db, client, login, organizer):
    factories.make_invitee(
        program.institute,
        rsvp_status=RsvpStatus.CONFIRMED,
        full_name="Абдурахмонова-Шарафутдинова Мехриниссо Зайнуддиновна",
    )
    login(organizer)
    html = client.get(f"/institutes/{program.institute.slug}/documents/badges").get_data(
        as_text=True
    )
    assert 'class="name size-s">Абдурахмонова-Шарафутдинова' in html
    assert 'class="name size-xl">Rania Haddad' in html


def test_exports_with_personal_data_are_audited(program, db, client, login, organizer):
    login(organizer)
    for kind in ("arrivals", "departures", "rooming", "badges"):
        get_pdf(client, program, kind)
    client.get(f"/institutes/{program.institute.slug}/documents/program.pdf")
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("documents.%_exported"))
    ).all()
    assert sorted(actions) == [
        "documents.arrivals_exported",
        "documents.badges_exported",
        "documents.departures_exported",
        "documents.rooming_exported",
    ]


# --- facilitator agenda ----------------------------------------------------------------------


def test_facilitator_agenda_has_sessions_cofacilitators_participants_travel_and_hotel(
    program, client, login, organizer, db
):
    program.facilitator.language = "en"
    db.session.commit()
    login(organizer)
    url = f"/institutes/{program.institute.slug}/documents/agendas/{program.facilitator.id}.pdf"
    text = flat_text(client.get(url).data)
    assert "Agenda of Бегимай Осмонова" in text
    assert "Breakout A: Adult learning" in text
    assert "Opening plenary" not in text, "only her own sessions"
    assert "Co-facilitators Rania Haddad" in text
    assert f"2 people: Скрытая Участница, {KAZAKH_NAME}" in text
    assert "Room Altai Room" in text
    assert "Dushanbe (DYU)" in text and "Air Astana KC 951" in text
    assert "Hotel Shymkent Plaza" in text and "101" in text


def test_facilitator_agenda_is_in_the_facilitators_language_not_the_organizers(
    program, client, login, organizer, db, app
):
    """B17: the organizer's interface is English; Бегимай reads Kyrgyz."""
    from flask_babel import force_locale, gettext

    program.facilitator.language = "ky"
    db.session.commit()
    login(organizer)
    url = f"/institutes/{program.institute.slug}/documents/agendas/{program.facilitator.id}.pdf"
    text = flat_text(client.get(url).data)
    with app.test_request_context(), force_locale("ky"):
        expected = gettext("Agenda of %(name)s", name="Бегимай Осмонова")
        room = gettext("Room")
    assert expected != "Agenda of Бегимай Осмонова"
    assert expected in text
    assert f"{room} Altai Room" in text


def test_facilitator_downloads_their_own_agenda(program, invitee_login):
    client = invitee_login(program.facilitator)
    response = client.get("/me/agenda.pdf")
    assert response.status_code == 200
    text = flat_text(response.data)
    assert "Бегимай Осмонова" in text  # in her language: see test_i18n
    assert "Breakout A: Adult learning" in text
    assert "Opening plenary" not in text
    assert client.get("/me/agenda/print").status_code == 200


def test_participants_have_no_facilitator_agenda(program, invitee_login, client, login, organizer):
    assert invitee_login(program.listed).get("/me/agenda.pdf").status_code == 404
    login(organizer)
    url = f"/institutes/{program.institute.slug}/documents/agendas/{program.listed.id}.pdf"
    assert client.get(url).status_code == 404


def test_anyone_leading_a_session_has_an_agenda(program, db, invitee_login):
    from planner.agenda.models import SessionFacilitator

    db.session.add(SessionFacilitator(session=program.closing, invitee=program.listed))
    db.session.commit()
    assert invitee_login(program.listed).get("/me/agenda.pdf").status_code == 200


def test_facilitator_agenda_without_anything_yet(program, db, client, login, organizer):
    person = factories.make_invitee(program.institute, role=InviteeRole.TRAINER, language="en")
    login(organizer)
    url = f"/institutes/{program.institute.slug}/documents/agendas/{person.id}.pdf"
    text = flat_text(client.get(url).data)
    assert "No sessions are assigned to you yet." in text
    assert "No travel is recorded yet." in text


def test_agenda_cache_is_per_facilitator(app, program, client, login, organizer):
    login(organizer)
    base = f"/institutes/{program.institute.slug}/documents/agendas/"
    one = flat_text(client.get(f"{base}{program.facilitator.id}.pdf").data)
    two = flat_text(client.get(f"{base}{program.co_facilitator.id}.pdf").data)

    def heading(person) -> str:  # each agenda is in its facilitator's own language
        with app.test_request_context(), force_locale(invitee_locale(person.language)):
            return gettext("Agenda of %(name)s", name=person.full_name)

    assert heading(program.facilitator) in one and heading(program.co_facilitator) not in one
    assert heading(program.co_facilitator) in two
    assert "Opening plenary" in two


def test_cancelled_sessions_are_left_out(program, db, client, login, organizer):
    from planner.agenda.models import SessionStatus

    program.breakout_b.status = SessionStatus.CANCELLED
    program.institute.touch()
    db.session.commit()
    login(organizer)
    text = flat_text(get_pdf(client, program, "program"))
    assert "Breakout B" not in text


def test_badges_on_letter_paper_keep_eight_to_a_sheet(program, db, client, login, organizer):
    for _n in range(5):
        factories.make_invitee(program.institute, rsvp_status=RsvpStatus.CONFIRMED)
    login(organizer)
    url = f"/institutes/{program.institute.slug}/documents/badges.pdf?paper=letter"
    pdf = client.get(url).data
    reader = pdf_reader(pdf)
    assert len(reader.pages) == 2  # 9 badges
    assert round(float(reader.pages[0].mediabox.height)) == 792
    assert pdf_text(pdf).split("\f")[0].count("REGIONAL TRAINING OF TRAINERS INSTITUTE") == 8
