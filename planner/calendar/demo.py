"""Demo feed links: every facilitator and trainer of the demo institute can subscribe."""

from sqlalchemy import select

from planner.calendar import services
from planner.extensions import db
from planner.invitations.models import Invitee, InviteeRole, RsvpStatus


def seed(institute, organizer) -> None:
    facilitators = db.session.scalars(
        select(Invitee)
        .where(
            Invitee.institute_id == institute.id,
            Invitee.role.in_([InviteeRole.FACILITATOR, InviteeRole.TRAINER]),
            Invitee.rsvp_status == RsvpStatus.CONFIRMED,
            Invitee.removed_at.is_(None),
        )
        .order_by(Invitee.id)
    ).all()
    for facilitator in facilitators:
        services.issue_feed_link(facilitator, organizer=organizer)
