"""The demo agenda: four days, parallel breakouts, a cancelled session and one conflict."""

from sqlalchemy import func, select

from planner.agenda.conflicts import find_conflicts
from planner.agenda.models import BreakoutAssignment, Room, Session, SessionKind, SessionStatus
from planner.agenda.services import program_days
from planner.demo import load_demo
from planner.security.models import AuditEvent


def test_demo_builds_the_four_day_agenda(app, db):
    institute, created = load_demo()
    db.session.commit()
    assert created
    rooms = db.session.scalars(
        select(Room.name).where(Room.institute_id == institute.id).order_by(Room.position)
    ).all()
    assert rooms == ["Plenary Hall", "Altai Room", "Turkestan Room", "Syrdarya Room", "Foyer"]
    days = program_days(institute)
    assert [d.day.isoformat() for d in days] == [
        "2027-04-12",
        "2027-04-13",
        "2027-04-14",
        "2027-04-15",
    ]
    assert [r.name for r in days[0].rooms] == ["Altai Room", "Turkestan Room", "Syrdarya Room"]
    kinds = {i.kind for d in days for i in d.sessions}
    assert kinds == {k.value for k in SessionKind}
    names = {n for d in days for i in d.sessions for n in i.facilitator_names}
    assert {"Rania Haddad", "Бегимай Осмонова", "Тимур Абенов", "Ләззат Нұрланқызы"} <= names
    cancelled = db.session.scalar(
        select(func.count()).where(
            Session.institute_id == institute.id, Session.status == SessionStatus.CANCELLED
        )
    )
    assert cancelled == 1
    assert db.session.scalar(select(func.count()).select_from(BreakoutAssignment)) > 0
    with app.test_request_context():
        rules = {c.rule for c in find_conflicts(institute)}
    assert "facilitator_double_booked" in rules


def test_demo_second_day_is_a_copy_of_the_first_without_duplicates(app, db):
    # Issue 11: the demo shows a copied day. Day 2 was copied from day 1 and rewritten, so it
    # has day 1's shape (breaks, lunch, breakout rooms), and no day holds a session twice.
    institute, _ = load_demo()
    db.session.commit()
    copied = db.session.scalar(
        select(func.count()).where(
            AuditEvent.institute_id == institute.id, AuditEvent.action == "agenda.day_duplicated"
        )
    )
    assert copied == 1
    sessions = db.session.scalars(
        select(Session).where(
            Session.institute_id == institute.id, Session.status == SessionStatus.SCHEDULED
        )
    ).all()
    day1, day2 = institute.days[:2]

    def shape(day):
        return sorted(
            (s.starts_local.time(), s.kind, s.room_id) for s in sessions
            if s.starts_local.date() == day
        )  # fmt: skip

    registration_and_dinner = 2
    assert len(shape(day1)) == len(shape(day2)) + registration_and_dinner
    assert set(shape(day2)) <= set(shape(day1))
    keys = [(s.title, s.starts_local, s.room_id) for s in sessions]
    assert len(keys) == len(set(keys))
    day2_titles = {s.title for s in sessions if s.starts_local.date() == day2}
    assert "Case studies — A" in day2_titles and "How adults learn — A" not in day2_titles
    coffee = [s for s in sessions if s.starts_local.date() == day2 and s.kind == "break"]
    assert coffee and all(s.translations == {"ru": {"title": "Кофе-брейк"}} for s in coffee)
