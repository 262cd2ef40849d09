"""Read paths of the agenda pages: plain data for a session, a breakout slot, one person."""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from planner.agenda.conflicts import find_conflicts
from planner.agenda.models import (
    BreakoutAssignment,
    Session,
    SessionFacilitator,
    SessionStatus,
)
from planner.agenda.program import SessionItem, item_of
from planner.agenda.readmodel import load_program
from planner.agenda.services import (
    assignments_of,
    breakout_people,
    breakouts_at,
    participant_capacity,
)
from planner.extensions import db
from planner.institutes import derived
from planner.institutes.models import Institute
from planner.invitations.models import NOT_COMING, Invitee


@dataclass
class SessionDetail:
    facilitators: list[Invitee]
    participants: list[Invitee]


def session_detail(session: Session) -> SessionDetail:
    """Who facilitates and who is assigned to one session (two queries)."""
    facilitators = list(
        db.session.scalars(
            select(Invitee)
            .join(SessionFacilitator, SessionFacilitator.invitee_id == Invitee.id)
            .where(SessionFacilitator.session_id == session.id)
            .order_by(Invitee.full_name)
        )
    )
    participants = list(
        db.session.scalars(
            select(Invitee)
            .join(BreakoutAssignment, BreakoutAssignment.invitee_id == Invitee.id)
            .where(BreakoutAssignment.session_id == session.id)
            .order_by(Invitee.full_name)
        )
    )
    return SessionDetail(facilitators, participants)


@dataclass
class BreakoutColumn:
    session: Session
    capacity: int | None  # seats for participants
    people: list[Invitee]


@dataclass
class BreakoutSlot:
    starts: datetime
    breakouts: list[BreakoutColumn]
    people: list[Invitee]  # everyone who takes part in breakouts
    chosen: dict[int, int]  # invitee id -> session id
    unassigned: list[Invitee]


def breakout_slot(institute: Institute, starts: datetime) -> BreakoutSlot | None:
    sessions = breakouts_at(institute, starts)
    if not sessions:
        return None
    people = breakout_people(institute)
    chosen = assignments_of(sessions)
    by_session = defaultdict(list)
    for person in people:
        if person.id in chosen:
            by_session[chosen[person.id]].append(person)
    return BreakoutSlot(
        starts,
        [BreakoutColumn(s, participant_capacity(s), by_session[s.id]) for s in sessions],
        people,
        chosen,
        [p for p in people if p.id not in chosen],
    )


@dataclass
class MySession:
    item: SessionItem
    facilitating: bool = False
    assigned: bool = False
    co_facilitators: list[str] = field(default_factory=list)
    participants: list[str] = field(default_factory=list)


@dataclass
class MyDay:
    day: date
    sessions: list[MySession]


def personal_program(invitee: Invitee, language: str | None = None) -> list[MyDay]:
    """The invitee's program: sessions for everyone, their breakouts, what they facilitate.

    For what they facilitate: co-facilitators, and the participants of those breakouts.
    Elsewhere only facilitators who consented to be listed are named (the feed's rule).
    Three queries whatever the size of the program (the read model with the invitee's
    breakouts marked, then the participants of what they facilitate).
    """
    program = load_program(invitee.institute, viewer=invitee)
    facilitating = {s.id for s in program.sessions if s.led_by(invitee.id)}
    participants: dict[int, list[str]] = defaultdict(list)
    if facilitating:
        for session_id, name in db.session.execute(
            select(BreakoutAssignment.session_id, Invitee.full_name)
            .join(Invitee, Invitee.id == BreakoutAssignment.invitee_id)
            .where(BreakoutAssignment.session_id.in_(facilitating), Invitee.removed_at.is_(None))
            .order_by(Invitee.full_name)
        ):
            participants[session_id].append(name)
    by_day: dict[date, list[MySession]] = defaultdict(list)
    for session in program.sessions:
        mine_to_lead = session.id in facilitating
        mine_to_attend = session.viewer_assigned
        if session.is_breakout and not (mine_to_lead or mine_to_attend):
            continue
        item = item_of(session, public=False, language=language)
        if not mine_to_lead:
            # Only their own team knows unlisted facilitators (the feed's rule).
            item = replace(item, facilitators=[f for f in item.facilitators if f.listed])
        by_day[item.starts.date()].append(
            MySession(
                item,
                facilitating=mine_to_lead,
                assigned=mine_to_attend,
                co_facilitators=[f.name for f in item.facilitators if f.invitee_id != invitee.id],
                participants=participants.get(session.id, []),
            )
        )
    days = []
    for day in sorted(by_day):
        sessions = sorted(by_day[day], key=lambda s: (s.item.starts, s.item.ends, s.item.id))
        days.append(MyDay(day, sessions))
    return days


def sessions_of_invitee(invitee: Invitee) -> dict:
    """For the organizer's invitee page: sessions they facilitate and breakouts they attend."""

    def sessions_through(link):
        return list(
            db.session.scalars(
                select(Session)
                .join(link, link.session_id == Session.id)
                .where(link.invitee_id == invitee.id)
                .options(joinedload(Session.room))
                .order_by(Session.starts_local)
            )
        )

    return {
        "facilitated": sessions_through(SessionFacilitator),
        "assigned": sessions_through(BreakoutAssignment),
    }


def agenda_summary(institute: Institute) -> dict:
    """For the dashboard: sessions by status, days, and the number of conflicts.

    Stored per data version (``institutes.derived``): the conflict checks read the whole
    program, so they run once per change, not on every view of the dashboard."""
    return derived.stored(institute, "agenda_summary", lambda: _agenda_summary(institute))


def _agenda_summary(institute: Institute) -> dict:
    counts = dict(
        db.session.execute(
            select(Session.status, func.count())
            .where(Session.institute_id == institute.id)
            .group_by(Session.status)
        ).all()
    )
    scheduled = counts.get(SessionStatus.SCHEDULED, 0)
    days = db.session.scalar(
        select(func.count(func.distinct(func.date(Session.starts_local)))).where(
            Session.institute_id == institute.id, Session.status == SessionStatus.SCHEDULED
        )
    )
    return {
        "scheduled": scheduled,
        "cancelled": counts.get(SessionStatus.CANCELLED, 0),
        "days": days or 0,
        "conflicts": len(find_conflicts(institute)) if scheduled else 0,
    }


def facilitators_not_named(institute: Institute) -> list[Invitee]:
    """People leading a scheduled session who are still coming but have not agreed to be
    named as facilitators in public (``Invitee.named_publicly``): the public program, its
    feed and the booklet leave their names out until they do."""
    leading = (
        select(SessionFacilitator.invitee_id)
        .join(Session, Session.id == SessionFacilitator.session_id)
        .where(Session.institute_id == institute.id, Session.status == SessionStatus.SCHEDULED)
    )
    return list(
        db.session.scalars(
            select(Invitee)
            .where(
                Invitee.institute_id == institute.id,
                Invitee.id.in_(leading),
                Invitee.removed_at.is_(None),
                Invitee.rsvp_status.not_in(NOT_COMING),
                ~Invitee.named_publicly,
            )
            .order_by(Invitee.full_name)
        )
    )
