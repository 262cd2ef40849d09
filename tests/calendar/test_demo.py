"""The demo institute gives its facilitators working calendar feeds."""

from sqlalchemy import select

from planner.calendar import services
from planner.demo import load_demo
from planner.invitations.models import Invitee, InviteeRole
from tests.calendar.conftest import parse


def test_demo_facilitators_have_feeds_that_answer(client, db):
    institute, created = load_demo()
    db.session.commit()
    assert created
    facilitators = db.session.scalars(
        select(Invitee).where(
            Invitee.institute_id == institute.id,
            Invitee.role.in_([InviteeRole.FACILITATOR, InviteeRole.TRAINER]),
        )
    ).all()
    linked = [f for f in facilitators if services.active_feed_link(f) is not None]
    assert len(linked) >= 4
    for facilitator in linked:
        link = services.active_feed_link(facilitator)
        response = client.get(f"/feeds/{services.feed_token(link)}.ics")
        assert response.status_code == 200
        calendar_name = str(parse(response.data)["X-WR-CALNAME"])
        assert calendar_name.startswith(institute.title)
    program = client.get(f"/p/{institute.slug}/program.ics")
    assert program.status_code == 200  # the demo program is published
