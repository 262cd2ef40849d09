"""Fixtures of the documents tests: a small institute with a real program, travel and hotels."""

import io
import subprocess
import uuid
from datetime import date, datetime, timedelta

import pytest
from pypdf import PdfReader

from planner.agenda.models import (
    BreakoutAssignment,
    Room,
    Session,
    SessionFacilitator,
    SessionKind,
)
from planner.auth.models import TeamRole
from planner.extensions import db
from planner.invitations.models import InviteeRole, RsvpStatus
from planner.travel.models import (
    Direction,
    Hotel,
    RoomAssignment,
    TravelLeg,
    TravelMode,
    VisaCase,
    VisaStatus,
)
from tests import factories

KAZAKH_NAME = "Сәуле Ғалымқызы Құрманғали"  # ә ғ қ ұ
KAZAKH_ORG = "Өңірлік үкіметтік емес ұйымдар, Шаһар бөлімі"  # ө ң ү һ і


def make_session(
    institute, title, starts, minutes, *, room=None, kind=SessionKind.PLENARY, **fields
):
    session = Session(
        institute_id=institute.id,
        title=title,
        kind=kind,
        starts_local=starts,
        ends_local=starts + timedelta(minutes=minutes),
        room=room,
        uid=f"{uuid.uuid4()}@planner.test",
        **fields,
    )
    db.session.add(session)
    return session


def make_leg(invitee, direction, when, **fields):
    values = dict(
        mode=TravelMode.AIR,
        carrier="Air Astana",
        number="KC 951",
        from_place="Dushanbe (DYU)" if direction == Direction.ARRIVAL else "Shymkent (CIT)",
        to_place="Shymkent (CIT)" if direction == Direction.ARRIVAL else "Dushanbe (DYU)",
        departs_local=when - timedelta(hours=2),
        departs_tz="Asia/Dushanbe",
        arrives_local=when,
        arrives_tz="Asia/Almaty",
        needs_pickup=True,
    )
    values.update(fields)
    leg = TravelLeg(
        invitee=invitee, direction=direction, uid=f"{uuid.uuid4()}@planner.test", **values
    )
    db.session.add(leg)
    return leg


class Program:
    """Handles to what the ``program`` fixture made."""


@pytest.fixture
def program(db, institute):
    """Two days: plenaries, parallel breakouts in two rooms, a break; facilitators,
    listed and unlisted participants, travel legs and hotel rooms."""
    p = Program()
    p.institute = institute
    institute.title = "Regional Training of Trainers Institute"
    institute.host_organization = "Steppe Women's Network"
    institute.emergency_phone = "+7 725 200 0000"
    institute.program_published = True
    p.hall = Room(institute_id=institute.id, name="Plenary Hall", position=0)
    p.altai = Room(institute_id=institute.id, name="Altai Room", position=1)
    p.turkestan = Room(institute_id=institute.id, name="Turkestan Room", position=2)
    db.session.add_all([p.hall, p.altai, p.turkestan])
    p.facilitator = factories.make_invitee(
        institute,
        full_name="Бегимай Осмонова",
        passport_name="OSMONOVA BEGIMAI",
        role=InviteeRole.FACILITATOR,
        rsvp_status=RsvpStatus.CONFIRMED,
        consent_to_list=True,
        consent_named_facilitator=True,
        organization="Human Rights Centre",
        country="KG",
        nationality="KG",
    )
    p.co_facilitator = factories.make_invitee(
        institute,
        full_name="Rania Haddad",
        passport_name="HADDAD RANIA",
        role=InviteeRole.TRAINER,
        rsvp_status=RsvpStatus.CONFIRMED,
        consent_to_list=True,
        consent_named_facilitator=True,
        country="JO",
        nationality="JO",
    )
    p.listed = factories.make_invitee(
        institute,
        full_name=KAZAKH_NAME,
        passport_name="KURMANGALI AIGERIM",
        rsvp_status=RsvpStatus.CONFIRMED,
        consent_to_list=True,
        organization=KAZAKH_ORG,
        passport_number="N1234567",
        date_of_birth="1988-03-14",
        nationality="TJ",
        country="TJ",
    )
    p.unlisted = factories.make_invitee(
        institute,
        full_name="Скрытая Участница",
        passport_name="SKRYTAYA UCHASTNITSA",
        rsvp_status=RsvpStatus.CONFIRMED,
        consent_to_list=False,
    )
    p.declined = factories.make_invitee(
        institute,
        full_name="Отказавшаяся Гостья",
        rsvp_status=RsvpStatus.DECLINED,
        consent_to_list=True,
    )
    day1 = datetime(2027, 4, 12)
    day2 = datetime(2027, 4, 13)
    p.opening = make_session(
        institute, "Opening plenary", day1.replace(hour=9), 60, room=p.hall, spans_rooms=True
    )
    p.coffee = make_session(
        institute, "Coffee break", day1.replace(hour=10), 30, room=p.hall, kind=SessionKind.BREAK
    )
    p.breakout_a = make_session(
        institute,
        "Breakout A: Adult learning",
        day1.replace(hour=10, minute=30),
        90,
        room=p.altai,
        kind=SessionKind.BREAKOUT,
        description="Principles of adult learning, practised in pairs.",
        language="ru",
    )
    p.breakout_b = make_session(
        institute,
        "Breakout B: Facilitation under pressure",
        day1.replace(hour=10, minute=30),
        90,
        room=p.turkestan,
        kind=SessionKind.BREAKOUT,
        interpretation="ru ↔ en",
    )
    p.closing = make_session(institute, "Closing circle", day2.replace(hour=9), 45, room=p.hall)
    db.session.flush()
    db.session.add_all(
        [
            SessionFacilitator(session=p.breakout_a, invitee=p.facilitator),
            SessionFacilitator(session=p.breakout_a, invitee=p.co_facilitator),
            SessionFacilitator(session=p.opening, invitee=p.co_facilitator),
            BreakoutAssignment(session=p.breakout_a, invitee=p.listed),
            BreakoutAssignment(session=p.breakout_a, invitee=p.unlisted),
        ]
    )
    p.hotel = Hotel(
        institute_id=institute.id, name="Hotel Shymkent Plaza", address="5 Baitursynov St"
    )
    db.session.add(p.hotel)
    db.session.flush()
    for invitee, room in ((p.facilitator, "101"), (p.listed, "102"), (p.unlisted, "102")):
        db.session.add(
            RoomAssignment(
                invitee=invitee,
                hotel=p.hotel,
                room_label=room,
                room_capacity=2,
                check_in=date(2027, 4, 11),
                check_out=date(2027, 4, 14),
                uid=f"{uuid.uuid4()}@planner.test",
            )
        )
    p.arrival = make_leg(p.facilitator, Direction.ARRIVAL, datetime(2027, 4, 11, 14, 20))
    make_leg(
        p.listed,
        Direction.ARRIVAL,
        datetime(2027, 4, 11, 9, 5),
        needs_pickup=False,
        mode=TravelMode.RAIL,
        carrier="KTZ",
        number="Train 710",
        border_crossing="Zhibek Zholy",
    )
    make_leg(
        p.facilitator,
        Direction.DEPARTURE,
        datetime(2027, 4, 14, 18, 0),
        departs_local=datetime(2027, 4, 14, 16, 0),
        departs_tz="Asia/Almaty",
        arrives_tz="Asia/Dushanbe",
    )
    make_leg(p.declined, Direction.ARRIVAL, datetime(2027, 4, 11, 11, 0))
    p.visa_case = VisaCase(invitee=p.listed, status=VisaStatus.LETTER_REQUESTED)
    db.session.add(p.visa_case)
    institute.touch()
    db.session.commit()
    return p


@pytest.fixture
def editor(db, institute):
    person = factories.make_organizer(name="Erlan Editor")
    factories.add_member(institute, person, TeamRole.EDITOR)
    return person


@pytest.fixture
def viewer(db, institute):
    person = factories.make_organizer(name="Vera Viewer")
    factories.add_member(institute, person, TeamRole.VIEWER)
    return person


def pdf_text(pdf: bytes, layout: bool = True) -> str:
    """The text of a PDF by pdftotext: with ``layout`` the cells of a table row stay on one
    line (side by side); without it, text comes in reading order."""
    result = subprocess.run(
        ["pdftotext", *(["-layout"] if layout else []), "-enc", "UTF-8", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode()


def flat_text(pdf: bytes) -> str:
    """The PDF's text in reading order with every run of white space made one space."""
    return " ".join(pdf_text(pdf, layout=False).split())


def pdf_reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


@pytest.fixture
def letter_settings(db, program, organizer):
    """Letter settings of the program's institute (no images)."""
    from planner.documents import services

    settings = services.save_letter_settings(
        program.institute,
        services.LetterSettingsData(
            legal_name="Public Association “Steppe Women's Network”",
            legal_name_ru="Общественное объединение «Сеть женщин степи»",
            address="12 Tauke Khan Avenue, Shymkent",
            registration="BIN 000000000000",
            signatory_name="Gulnara Seitova",
            signatory_name_ru="Гульнара Сеитова",
            signatory_title="Executive Director",
            signatory_title_ru="Исполнительный директор",
            signing_city="Shymkent",
            signing_city_ru="г. Шымкент",
            embassy_of="the Republic of Kazakhstan",
            embassy_of_ru="Республики Казахстан",
            reference_prefix="SWN",
            phone="+7 725 200 0000",
            email="institute@example.org",
        ),
        by=organizer,
    )
    db.session.commit()
    return settings


def block_weasyprint(monkeypatch) -> None:
    """From now on, WeasyPrint cannot be imported in this process, as in a web worker that
    never imported it: any attempt raises ImportError (the test's request would fail)."""
    import sys

    names = {"weasyprint", *(n for n in sys.modules if n.startswith("weasyprint."))}
    for name in names:
        monkeypatch.setitem(sys.modules, name, None)


def busy_render_worker(key):
    """The render worker has claimed the job of the PDF ``key`` names and is still at it:
    (its claim token, the job), to finish with ``render_worker_finishes``."""
    from planner.documents import jobs

    jobs.queue_now(db.session, jobs.Target.of(key))
    db.session.commit()
    return jobs.claim_one()


def render_worker_finishes(monkeypatch, claim) -> None:
    """The claimed job is rendered into the cache, WeasyPrint running in the worker's process
    (here: the test's, as ``flask render-documents`` marks its own)."""
    from flask import current_app

    from planner.documents import jobs

    token, job = claim
    with monkeypatch.context() as patch:
        patch.setitem(current_app.config, "RENDER_WORKER", True)
        assert jobs.run_job(job, token)
