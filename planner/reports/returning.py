"""Recognising people who took part in an earlier institute of the same team.

There is no organization record yet: "the same team" means institutes that share at least
one team member with this one. A person is returning when they were confirmed in such an
institute that started earlier, recognised by the same e-mail (certain), or by the same name
and nationality once an organizer confirmed the match. Passport data never carries over.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from planner.auth.models import Membership
from planner.db import utcnow
from planner.extensions import db
from planner.institutes.models import Institute
from planner.invitations.models import Invitee, RsvpStatus, search_key
from planner.reports.models import ReturningMatch
from planner.security import audit


def related_earlier(institute: Institute) -> list[Institute]:
    """Institutes that share a team member with this one and started before it."""
    team = select(Membership.organizer_id).where(Membership.institute_id == institute.id)
    return list(
        db.session.scalars(
            select(Institute)
            .join(Membership, Membership.institute_id == Institute.id)
            .where(
                Membership.organizer_id.in_(team),
                Institute.start_date < institute.start_date,
            )
            .distinct()
            .order_by(Institute.start_date)
        )
    )


@dataclass(frozen=True)
class EarlierRecord:
    invitee_id: int
    institute_title: str
    start: date
    end: date
    by: str  # email, name
    decision: str  # confirmed, rejected, pending


def history_of(invitee: Invitee) -> list[EarlierRecord]:
    """The invitee's confirmed participations in earlier institutes of the team: by e-mail
    (always counted) and by name + nationality (counted once an organizer confirms)."""
    earlier = related_earlier(invitee.institute)
    if not earlier:
        return []
    ids = [i.id for i in earlier]
    decisions = {
        m.earlier_invitee_id: m
        for m in db.session.scalars(
            select(ReturningMatch).where(ReturningMatch.invitee_id == invitee.id)
        )
    }
    same_name = search_key(invitee.full_name)
    rows = db.session.execute(
        select(Invitee, Institute)
        .join(Institute, Institute.id == Invitee.institute_id)
        .where(
            Invitee.institute_id.in_(ids),
            Invitee.rsvp_status == RsvpStatus.CONFIRMED,
            Invitee.removed_at.is_(None),
        )
        .order_by(Institute.start_date)
    ).all()
    records = []
    for earlier_invitee, institute in rows:
        if earlier_invitee.email == invitee.email:
            by, decision = "email", "confirmed"
        elif (
            invitee.nationality
            and earlier_invitee.nationality == invitee.nationality
            and search_key(earlier_invitee.full_name) == same_name
        ):
            match = decisions.get(earlier_invitee.id)
            by = "name"
            if match is None:
                decision = "pending"
            else:
                decision = "confirmed" if match.confirmed_at else "rejected"
        else:
            continue
        records.append(
            EarlierRecord(
                earlier_invitee.id,
                institute.title,
                institute.start_date,
                institute.end_date,
                by,
                decision,
            )
        )
    return records


def decide(invitee: Invitee, earlier_invitee_id: int, *, same: bool, organizer) -> bool:
    """Record an organizer's answer to a name match; False if there is no such candidate."""
    candidates = {r.invitee_id for r in history_of(invitee) if r.by == "name"}
    if earlier_invitee_id not in candidates:
        return False
    match = db.session.scalar(
        select(ReturningMatch).where(
            ReturningMatch.invitee_id == invitee.id,
            ReturningMatch.earlier_invitee_id == earlier_invitee_id,
        )
    ) or ReturningMatch(invitee_id=invitee.id, earlier_invitee_id=earlier_invitee_id, by="name")
    match.confirmed_at = utcnow() if same else None
    match.rejected_at = None if same else utcnow()
    db.session.add(match)
    audit.record(
        "returning.confirmed" if same else "returning.rejected",
        institute=invitee.institute,
        organizer=organizer,
        invitee=invitee,
    )
    return True


def reuse_details(invitee: Invitee, earlier_invitee_id: int, *, organizer) -> bool:
    """Copy the non-sensitive details of a recognised earlier record where this one has none:
    the organization and the reporting answers (gender, urban/rural, sector). Passport data,
    dates of birth, contacts and needs never carry over. False if the record is not a
    recognised (e-mail or confirmed) match."""
    from planner.reports.models import ReportingProfile

    recognised = {r.invitee_id for r in history_of(invitee) if r.decision == "confirmed"}
    if earlier_invitee_id not in recognised:
        return False
    earlier = db.session.get(Invitee, earlier_invitee_id)
    if not invitee.organization and earlier.organization:
        invitee.organization = earlier.organization
    old = db.session.get(ReportingProfile, earlier.id)
    if old is not None:
        profile = db.session.get(ReportingProfile, invitee.id)
        if profile is None:
            profile = ReportingProfile(invitee_id=invitee.id)
            db.session.add(profile)
        for field in ("gender", "setting", "sector"):
            if getattr(profile, field) is None:
                setattr(profile, field, getattr(old, field))
        if profile.gender == old.gender and not profile.gender_text:
            profile.gender_text = old.gender_text
    audit.record(
        "returning.details_reused",
        institute=invitee.institute,
        organizer=organizer,
        invitee=invitee,
    )
    return True
