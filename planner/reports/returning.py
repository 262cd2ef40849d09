"""Recognising people who took part in an earlier institute of the same organization.

Every invitee is linked to a ``Person`` of the institute's organization when first stored
(``planner.organizations.people``): the same e-mail as an invitee of another of its institutes
links them at once (certain). The same name and nationality is only a possible match: it is
shown to organizers, who confirm it (the invitee joins the earlier record's person) or reject
it (kept as a ``ReturningMatch`` decision so it is not asked again). Someone is *returning*
when their person was confirmed (took part) in an institute of the organization that started
earlier. Other organizations' institutes are never looked at.

Passport data never carries over: ``reuse_details`` copies only the fields in ``REUSED_FIELDS``
and ``REUSED_PROFILE_FIELDS``.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from planner.attendance.models import AttendanceMark, Certificate
from planner.db import utcnow
from planner.extensions import db
from planner.institutes.models import Institute
from planner.invitations.models import Invitee, InviteeRole, RsvpStatus, search_key
from planner.organizations.models import Person
from planner.reports.models import ReturningMatch
from planner.security import audit

# What an organizer may copy from a recognised earlier record, and only where the new record
# is empty: the organization and country of residence (as the person gave them before), and
# the reporting answers. Never: passport name, number and expiry, date of birth, nationality
# (a passport field), phone and e-mail (contacts change), needs, notes, visa or travel data.
REUSED_FIELDS = ("organization", "country")
REUSED_PROFILE_FIELDS = ("gender", "gender_text", "setting", "sector")


def earlier_institutes(institute: Institute) -> list[Institute]:
    """The institutes of the same organization that started before this one."""
    return list(
        db.session.scalars(
            select(Institute)
            .where(
                Institute.organization_id == institute.organization_id,
                Institute.start_date < institute.start_date,
                Institute.id != institute.id,
            )
            .order_by(Institute.start_date, Institute.id)
        )
    )


@dataclass(frozen=True)
class EarlierRecord:
    invitee_id: int
    institute_title: str
    start: date
    end: date
    by: str  # email, name
    decision: str  # confirmed (the same person), rejected, pending
    role: InviteeRole | None = None
    rsvp: RsvpStatus | None = None
    days: int = 0
    certificate: bool = False

    @property
    def took_part(self) -> bool:
        return self.decision == "confirmed" and self.rsvp == RsvpStatus.CONFIRMED


def _name_candidates(invitee: Invitee, institute_ids: list[int]) -> list[Invitee]:
    """Confirmed invitees of those institutes with the same name and nationality, another
    person."""
    if not invitee.nationality or not institute_ids:
        return []
    same_name = search_key(invitee.full_name)
    rows = db.session.scalars(
        select(Invitee).where(
            Invitee.institute_id.in_(institute_ids),
            Invitee.nationality == invitee.nationality,
            Invitee.rsvp_status == RsvpStatus.CONFIRMED,
            Invitee.removed_at.is_(None),
            Invitee.person_id.is_distinct_from(invitee.person_id)
            if invitee.person_id
            else Invitee.id.isnot(None),
        )
    )
    return [row for row in rows if search_key(row.full_name) == same_name]


def history_of(invitee: Invitee) -> list[EarlierRecord]:
    """The person's records in earlier institutes of the organization (role, RSVP, days
    present, certificate), and possible matches by name and nationality with the
    organizer's decision."""
    earlier = {i.id: i for i in earlier_institutes(invitee.institute)}
    if not earlier:
        return []
    ids = list(earlier)
    linked = []
    if invitee.person_id is not None:
        linked = list(
            db.session.scalars(
                select(Invitee).where(
                    Invitee.person_id == invitee.person_id,
                    Invitee.institute_id.in_(ids),
                    Invitee.removed_at.is_(None),
                )
            )
        )
    candidates = _name_candidates(invitee, ids)
    decisions = {
        m.earlier_invitee_id: m
        for m in db.session.scalars(
            select(ReturningMatch).where(ReturningMatch.invitee_id == invitee.id)
        )
    }
    everyone = [r.id for r in (*linked, *candidates)]
    days = dict(
        db.session.execute(
            select(AttendanceMark.invitee_id, func.count(func.distinct(AttendanceMark.day)))
            .where(AttendanceMark.invitee_id.in_(everyone))
            .group_by(AttendanceMark.invitee_id)
        ).all()
    )
    certified = set(
        db.session.scalars(
            select(Certificate.invitee_id).where(
                Certificate.invitee_id.in_(everyone), Certificate.revoked_at.is_(None)
            )
        )
    )

    def record(row: Invitee, by: str, decision: str) -> EarlierRecord:
        institute = earlier[row.institute_id]
        return EarlierRecord(
            row.id,
            institute.title,
            institute.start_date,
            institute.end_date,
            by,
            decision,
            row.role,
            row.rsvp_status,
            days.get(row.id, 0),
            row.id in certified,
        )

    records = []
    for row in linked:
        match = decisions.get(row.id)
        by = "name" if match is not None and row.email != invitee.email else "email"
        records.append(record(row, by, "confirmed"))
    for row in candidates:
        match = decisions.get(row.id)
        decision = "rejected" if match is not None and match.rejected_at else "pending"
        records.append(record(row, "name", decision))
    records.sort(key=lambda r: (r.start, r.invitee_id))
    return records


def pending_matches(invitee: Invitee) -> list[EarlierRecord]:
    return [r for r in history_of(invitee) if r.decision == "pending"]


def decide(invitee: Invitee, earlier_invitee_id: int, *, same: bool, organizer) -> bool:
    """Record an organizer's answer to a name match; False if there is no such candidate.

    "The same person" links the invitee to the earlier record's person; "a different person"
    gives the invitee a person of their own again (if it shared the earlier one)."""
    candidates = {r.invitee_id for r in history_of(invitee) if r.by == "name"}
    if earlier_invitee_id not in candidates:
        return False
    earlier = db.session.get(Invitee, earlier_invitee_id)
    match = db.session.scalar(
        select(ReturningMatch).where(
            ReturningMatch.invitee_id == invitee.id,
            ReturningMatch.earlier_invitee_id == earlier_invitee_id,
        )
    ) or ReturningMatch(invitee_id=invitee.id, earlier_invitee_id=earlier_invitee_id, by="name")
    match.confirmed_at = utcnow() if same else None
    match.rejected_at = None if same else utcnow()
    db.session.add(match)
    if same and earlier.person_id is not None:
        invitee.person_id = earlier.person_id
    elif not same and invitee.person_id is not None and invitee.person_id == earlier.person_id:
        person = Person(organization_id=invitee.institute.organization_id)
        db.session.add(person)
        db.session.flush()
        invitee.person_id = person.id
    audit.record(
        "returning.confirmed" if same else "returning.rejected",
        institute=invitee.institute,
        organizer=organizer,
        invitee=invitee,
    )
    return True


def reusable_details(invitee: Invitee, earlier: Invitee) -> dict[str, object]:
    """What ``reuse_details`` would copy: the fields in ``REUSED_FIELDS`` that the invitee
    has empty and the earlier record has."""
    return {
        name: getattr(earlier, name)
        for name in REUSED_FIELDS
        if not getattr(invitee, name) and getattr(earlier, name)
    }


def reuse_details(invitee: Invitee, earlier_invitee_id: int, *, organizer) -> bool:
    """Copy the non-sensitive details of a recognised earlier record where this one has none
    (``REUSED_FIELDS`` and ``REUSED_PROFILE_FIELDS``). False if the record is not the same
    person."""
    from planner.reports.models import ReportingProfile

    recognised = {r.invitee_id for r in history_of(invitee) if r.decision == "confirmed"}
    if earlier_invitee_id not in recognised:
        return False
    earlier = db.session.get(Invitee, earlier_invitee_id)
    for name, value in reusable_details(invitee, earlier).items():
        setattr(invitee, name, value)
    old = db.session.get(ReportingProfile, earlier.id)
    if old is not None:
        profile = db.session.get(ReportingProfile, invitee.id)
        if profile is None:
            profile = ReportingProfile(invitee_id=invitee.id, gender_text="")
            db.session.add(profile)
        for field in ("gender", "setting", "sector"):
            if getattr(profile, field) is None:
                setattr(profile, field, getattr(old, field))
        if profile.gender == old.gender and not profile.gender_text:
            profile.gender_text = old.gender_text
    invitee.institute.touch()
    audit.record(
        "returning.details_reused",
        institute=invitee.institute,
        organizer=organizer,
        invitee=invitee,
    )
    return True


# Recognising people before they are stored (the import preview) ------------------------------


@dataclass(frozen=True)
class Recognised:
    by: str  # email (linked when saved), name (to confirm on the invitee's page)
    institutes: tuple[str, ...]  # titles of the earlier institutes they took part in


def recognise(institute: Institute, people: list[tuple[str, str, str | None]]) -> list:
    """For (e-mail, full name, nationality) of people not stored yet: who took part in an
    earlier institute of the organization, by e-mail (certain) or by name and nationality
    (possible). One answer (``Recognised`` or None) per person, in order; two queries."""
    earlier = {i.id: i for i in earlier_institutes(institute)}
    if not earlier or not people:
        return [None] * len(people)
    emails = {email for email, _name, _nat in people if email}
    nationalities = {nat for _email, _name, nat in people if nat}
    base = select(Invitee.email, Invitee.full_name, Invitee.nationality, Invitee.institute_id)
    base = base.where(
        Invitee.institute_id.in_(list(earlier)),
        Invitee.rsvp_status == RsvpStatus.CONFIRMED,
        Invitee.removed_at.is_(None),
    )
    by_email: dict[str, set[int]] = {}
    for email, _n, _nat, institute_id in db.session.execute(
        base.where(Invitee.email.in_(sorted(emails)))
    ):
        by_email.setdefault(email, set()).add(institute_id)
    by_name: dict[tuple[str, str], set[int]] = {}
    if nationalities:
        for _e, name, nat, institute_id in db.session.execute(
            base.where(Invitee.nationality.in_(sorted(nationalities)))
        ):
            by_name.setdefault((search_key(name), nat), set()).add(institute_id)

    def titles(ids: set[int]) -> tuple[str, ...]:
        return tuple(earlier[i].title for i in sorted(ids, key=lambda i: earlier[i].start_date))

    answers = []
    for email, name, nat in people:
        if email and email in by_email:
            answers.append(Recognised("email", titles(by_email[email])))
        elif nat and (search_key(name or ""), nat) in by_name:
            answers.append(Recognised("name", titles(by_name[(search_key(name), nat)])))
        else:
            answers.append(None)
    return answers
