"""Regression test of the security review: the retention purge also removes the reasons people
gave (status history notes) and the secret calendar feed links."""

from datetime import date

from sqlalchemy import select

from planner.calendar import services as calendar
from planner.calendar.models import FeedLink
from planner.invitations import services as invitations
from planner.invitations.models import RsvpStatus, StatusChange
from tests import factories

REASON = "The security service questioned my family about the trip"


def test_purge_removes_history_notes_and_feed_links(runner, db, organizer):
    expired = factories.make_institute(
        owner=organizer,
        start_date=date(2020, 4, 1),
        end_date=date(2020, 4, 4),
        retention_date=date(2020, 10, 1),
    )
    gone = factories.make_invitee(expired, rsvp_status=RsvpStatus.INVITED)
    invitations.set_status(gone, RsvpStatus.DECLINED, REASON, organizer)
    calendar.issue_feed_link(gone, organizer=organizer)
    db.session.commit()

    result = runner.invoke(args=["purge-expired"])
    assert result.exit_code == 0, result.output

    db.session.expire_all()
    notes = db.session.scalars(select(StatusChange.note).where(StatusChange.invitee_id == gone.id))
    assert REASON not in list(notes)
    assert db.session.scalars(select(FeedLink).where(FeedLink.invitee_id == gone.id)).all() == []
