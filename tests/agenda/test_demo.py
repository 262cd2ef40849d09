"""The demo agenda: four days, parallel breakouts, a cancelled session and one conflict."""

from sqlalchemy import func, select

from planner.agenda.conflicts import find_conflicts
from planner.agenda.models import BreakoutAssignment, Room, Session, SessionKind, SessionStatus
from planner.agenda.services import program_days
from planner.demo import load_demo


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
