"""Retention: personal data of an institute is removed after its retention date.

What goes: passport numbers and expiry, dates of birth, phones, dietary and access needs,
organizer notes, decline reasons and the notes of the status history, travel legs, room
assignments, visa case notes, every secret link (invitation and calendar feed), and message
bodies in the outbox. Names and e-mails are replaced, so the institute
keeps its counts (how many came, from which countries) but no person can be identified.
The audit log records that it happened, never what was removed.
"""

from datetime import date

from sqlalchemy import delete, select, update

from planner.calendar.models import FeedLink
from planner.db import utcnow
from planner.extensions import db
from planner.institutes import derived
from planner.institutes.models import Institute
from planner.invitations.models import AccessLink, Invitee, StatusChange
from planner.mail.models import OutboundEmail
from planner.security import audit
from planner.travel.models import RoomAssignment, TravelLeg, VisaCase


def institutes_due(today: date) -> list[Institute]:
    return list(
        db.session.scalars(
            select(Institute).where(
                Institute.retention_date.is_not(None),
                Institute.retention_date < today,
                Institute.personal_data_purged_at.is_(None),
            )
        )
    )


def purge_institute(institute: Institute) -> int:
    """Remove the personal data of one institute; returns the number of people affected."""
    invitee_ids = select(Invitee.id).where(Invitee.institute_id == institute.id)
    db.session.execute(delete(TravelLeg).where(TravelLeg.invitee_id.in_(invitee_ids)))
    db.session.execute(delete(RoomAssignment).where(RoomAssignment.invitee_id.in_(invitee_ids)))
    db.session.execute(delete(AccessLink).where(AccessLink.invitee_id.in_(invitee_ids)))
    db.session.execute(delete(FeedLink).where(FeedLink.invitee_id.in_(invitee_ids)))
    # The history keeps its statuses and dates; the reasons people gave are personal data.
    db.session.execute(
        update(StatusChange).where(StatusChange.invitee_id.in_(invitee_ids)).values(note="")
    )
    db.session.execute(
        update(VisaCase).where(VisaCase.invitee_id.in_(invitee_ids)).values(notes="")
    )
    db.session.execute(
        update(OutboundEmail)
        .where(OutboundEmail.institute_id == institute.id)
        .values(body_text="", body_html="", recipient="removed@invalid.example")
    )
    from planner.reports.profiles import keep_for_report

    keep_for_report(institute)  # age groups outlive the dates of birth they came from
    invitees = list(db.session.scalars(select(Invitee).where(Invitee.institute_id == institute.id)))
    for invitee in invitees:
        invitee.full_name = "—"
        invitee.passport_name = ""
        invitee.email = f"removed-{invitee.id}@invalid.example"
        for field in (
            "phone",
            "organization",
            "dietary_needs",
            "access_needs",
            "organizer_notes",
            "decline_reason",
        ):
            setattr(invitee, field, "")
        invitee.passport_number = None
        invitee.passport_expiry = None
        invitee.date_of_birth = None
    from planner.documents.render import clear_cache

    clear_cache(institute.id)  # cached PDFs show names
    derived.forget(institute.id)  # so do the dashboard's stored risks
    institute.personal_data_purged_at = utcnow()
    institute.touch()
    audit.record("institute.personal_data_purged", institute=institute, obj=institute)
    return len(invitees)
