"""The reference workload of DESIGN §7 loads into one institute and its feeds are complete."""

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from planner.agenda.models import BreakoutAssignment, Session, SessionKind
from planner.calendar import services
from planner.config import PROJECT_ROOT
from planner.invitations.models import Invitee, InviteeRole
from planner.reference import load_reference
from tests.calendar.conftest import count_queries, events_by_uid, parse, unfolded

GENERATOR = PROJECT_ROOT.parent / "shared" / "bench" / "reference_workload.py"


@pytest.fixture(scope="module")
def workload_file(tmp_path_factory) -> Path:
    if not GENERATOR.exists():
        pytest.skip(f"the workload generator is not at {GENERATOR}")
    path = tmp_path_factory.mktemp("workload") / "reference.json"
    subprocess.run([sys.executable, str(GENERATOR), str(path)], check=True, capture_output=True)
    return path


@pytest.fixture
def reference(db, organizer, workload_file):
    institute = load_reference(workload_file, owner=organizer)
    db.session.commit()
    return institute


def test_reference_workload_loads_the_program_and_the_people(reference, db):
    kinds = dict(
        db.session.execute(
            select(Session.kind, func.count())
            .where(Session.institute_id == reference.id)
            .group_by(Session.kind)
        ).all()
    )
    assert kinds == {SessionKind.PLENARY: 16, SessionKind.BREAKOUT: 32, SessionKind.BREAK: 12}
    roles = dict(
        db.session.execute(
            select(Invitee.role, func.count())
            .where(Invitee.institute_id == reference.id)
            .group_by(Invitee.role)
        ).all()
    )
    assert roles == {InviteeRole.FACILITATOR: 12, InviteeRole.PARTICIPANT: 300}
    # one breakout per participant in each of the 12 parallel slots
    assert db.session.scalar(select(func.count(BreakoutAssignment.id))) == 300 * 12
    assert reference.timezone == "Asia/Almaty" and reference.program_published


def test_reference_feeds_are_complete_and_cheap(client, reference, db):
    program = client.get(f"/p/{reference.slug}/program.ics")
    assert len(parse(program.data).walk("VEVENT")) == 60
    text = unfolded(program.data)

    def names(role):
        return set(db.session.scalars(select(Invitee.full_name).where(Invitee.role == role)))

    facilitators = names(InviteeRole.FACILITATOR)
    assert all(name in text for name in facilitators)  # all of them consented
    # (participant and facilitator Тимур Рахимов share a name: only the facilitator counts)
    assert not [name for name in names(InviteeRole.PARTICIPANT) - facilitators if name in text]

    participant = db.session.scalar(
        select(Invitee).where(Invitee.email == "participant007@example.org")
    )
    link = services.issue_feed_link(participant)
    db.session.commit()
    url = f"/feeds/{services.feed_token(link)}.ics"
    client.get(url)
    with count_queries() as statements:
        body = client.get(url).data
    events = events_by_uid(body)
    # 28 all-hands items, 12 breakouts, arrival and departure legs, one hotel stay
    assert len(events) == 28 + 12 + 2 + 1
    assert len(statements) == 5
