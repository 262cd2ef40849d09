"""Conflict checks of an agenda: one function per rule, each explaining itself in a sentence.

Conflicts are warnings: they never block saving. ``find_conflicts(institute)`` loads what
the rules need with a constant number of queries (four) and runs every rule. Cancelled
sessions never conflict. Two sessions overlap when each starts before the other ends, so
back-to-back sessions (one ends at 10:30, the next starts at 10:30) are fine.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import NamedTuple
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from planner.agenda.models import (
    BreakoutAssignment,
    Session,
    SessionFacilitator,
    SessionKind,
    SessionStatus,
)
from planner.extensions import db
from planner.formatting import format_day, format_wall_time
from planner.institutes.models import Institute
from planner.invitations.models import Invitee, RsvpStatus
from planner.travel.models import Direction, TravelLeg


@dataclass(frozen=True)
class SessionRef:
    """A session a warning mentions: the page links to each, with its day and time."""

    id: int
    title: str
    when: str  # "12 April, 13:30", in the reader's language


@dataclass(frozen=True)
class Conflict:
    rule: str  # the name of the rule function
    message: str  # a sentence in the reader's language, naming each session's day and time
    session_ids: tuple[int, ...]
    sessions: tuple[SessionRef, ...] = ()  # the same sessions, latest added first


def _conflict(rule: str, message: str, *sessions: Session) -> Conflict:
    """A warning about ``sessions``; the newest (highest id) comes first, so a warning shown
    after saving a session leads to the session just saved."""
    ordered = sorted(sessions, key=lambda s: s.id, reverse=True)
    return Conflict(
        rule,
        message,
        tuple(s.id for s in ordered),
        tuple(SessionRef(s.id, s.title, _at(s.starts_local)) for s in ordered),
    )


class Person(NamedTuple):
    """An assigned participant as the rules need them: hundreds per slot, so no full rows."""

    id: int
    full_name: str


@dataclass
class AgendaFacts:
    """What the rules read: scheduled sessions, who facilitates and attends them, travel."""

    institute: Institute
    sessions: list[Session]  # scheduled only, ordered by start
    facilitators: dict[int, list[Invitee]]  # session id -> facilitators
    participants: dict[int, list["Person"]]  # session id -> assigned participants
    legs: dict[int, list[TravelLeg]]  # facilitator's invitee id -> travel legs

    @cached_property
    def spans(self) -> dict[Session, tuple]:
        """Each session's (start, end, id): the sort key and bounds of the overlap sweep."""
        return {s: (s.starts_local, s.ends_local, s.id) for s in self.sessions}


def load_facts(institute: Institute) -> AgendaFacts:
    sessions = list(
        db.session.scalars(
            select(Session)
            .where(Session.institute_id == institute.id, Session.status == SessionStatus.SCHEDULED)
            .options(joinedload(Session.room))
            .order_by(Session.starts_local, Session.id)
        )
    )
    scheduled = select(Session.id).where(
        Session.institute_id == institute.id, Session.status == SessionStatus.SCHEDULED
    )
    facilitators: dict[int, list[Invitee]] = defaultdict(list)
    for session_id, invitee in db.session.execute(
        select(SessionFacilitator.session_id, Invitee)
        .join(Invitee, Invitee.id == SessionFacilitator.invitee_id)
        .where(SessionFacilitator.session_id.in_(scheduled))
        .order_by(Invitee.full_name)
    ):
        facilitators[session_id].append(invitee)
    participants: dict[int, list[Person]] = defaultdict(list)
    for session_id, invitee_id, full_name in db.session.execute(
        select(BreakoutAssignment.session_id, Invitee.id, Invitee.full_name)
        .join(Invitee, Invitee.id == BreakoutAssignment.invitee_id)
        .where(BreakoutAssignment.session_id.in_(scheduled))
        .order_by(Invitee.full_name)
    ):
        participants[session_id].append(Person(invitee_id, full_name))
    legs: dict[int, list[TravelLeg]] = defaultdict(list)
    for leg in db.session.scalars(
        select(TravelLeg).where(
            TravelLeg.invitee_id.in_(
                select(SessionFacilitator.invitee_id).where(
                    SessionFacilitator.session_id.in_(scheduled)
                )
            )
        )
    ):
        legs[leg.invitee_id].append(leg)
    return AgendaFacts(institute, sessions, facilitators, participants, legs)


def overlaps(a: Session, b: Session) -> bool:
    """Each starts before the other ends; sharing only an end point is not an overlap."""
    return a.starts_local < b.ends_local and b.starts_local < a.ends_local


def _at(moment: datetime) -> str:
    """Day and time of a wall-clock moment, as every warning names it: "12 April, 13:30"."""
    return _(
        "%(day)s, %(time)s",
        day=format_day(moment.date(), "d MMMM"),
        time=format_wall_time(moment),
    )


def _overlapping_pairs(sessions: list[Session], spans: dict[Session, tuple]):
    """Pairs that overlap (see ``overlaps``), by a sweep over start times.

    Sorted by start, a session can only overlap those after it that start before it ends,
    so the scan stops there: linear in practice instead of every pair. ``spans`` holds each
    session's (start, end, id), read from the ORM objects once per check run.
    """
    ordered = sorted(sessions, key=spans.__getitem__)
    for i, first in enumerate(ordered):
        end = spans[first][1]
        for second in ordered[i + 1 :]:
            if spans[second][0] >= end:
                break
            yield first, second


def room_double_booked(facts: AgendaFacts) -> list[Conflict]:
    """Two scheduled sessions in the same room overlap in time."""
    by_room: dict[int, list[Session]] = defaultdict(list)
    for session in facts.sessions:
        if session.room_id is not None:
            by_room[session.room_id].append(session)
    conflicts = []
    for sessions in by_room.values():
        for first, second in _overlapping_pairs(sessions, facts.spans):
            conflicts.append(
                _conflict(
                    "room_double_booked",
                    _(
                        "%(room)s is booked twice: “%(first)s” (%(first_at)s) and "
                        "“%(second)s” (%(second_at)s).",
                        room=first.room.name,
                        first=first.title,
                        first_at=_at(first.starts_local),
                        second=second.title,
                        second_at=_at(second.starts_local),
                    ),
                    first,
                    second,
                )
            )
    return conflicts


def _sessions_by_person(links: dict[int, list[Invitee]], sessions: dict[int, Session]):
    by_person: dict[int, list[Session]] = defaultdict(list)
    people: dict[int, Invitee] = {}
    for session_id, invitees in links.items():
        for invitee in invitees:
            by_person[invitee.id].append(sessions[session_id])
            people[invitee.id] = invitee
    return by_person, people


def _person_in_two(rule: str, links: dict[int, list[Invitee]], facts: AgendaFacts):
    sessions = {s.id: s for s in facts.sessions}
    by_person, people = _sessions_by_person(links, sessions)
    conflicts = []
    for person_id, person_sessions in by_person.items():
        for first, second in _overlapping_pairs(person_sessions, facts.spans):
            conflicts.append(
                _conflict(
                    rule,
                    _(
                        "%(name)s is in two sessions at once: “%(first)s” (%(first_at)s) and "
                        "“%(second)s” (%(second_at)s).",
                        name=people[person_id].full_name,
                        first=first.title,
                        first_at=_at(first.starts_local),
                        second=second.title,
                        second_at=_at(second.starts_local),
                    ),
                    first,
                    second,
                )
            )
    return conflicts


def facilitator_double_booked(facts: AgendaFacts) -> list[Conflict]:
    """A facilitator facilitates two scheduled sessions that overlap."""
    return _person_in_two("facilitator_double_booked", facts.facilitators, facts)


def participant_double_booked(facts: AgendaFacts) -> list[Conflict]:
    """A participant is assigned to two scheduled sessions that overlap."""
    return _person_in_two("participant_double_booked", facts.participants, facts)


def facilitator_not_confirmed(facts: AgendaFacts) -> list[Conflict]:
    """A facilitator of a scheduled session declined, has not confirmed, or was removed."""
    conflicts = []
    for session in facts.sessions:
        for invitee in facts.facilitators.get(session.id, []):
            values = {
                "name": invitee.full_name,
                "title": session.title,
                "at": _at(session.starts_local),
            }
            if invitee.removed_at is not None:
                message = _(
                    "%(name)s was removed from the invitees but facilitates “%(title)s” (%(at)s)."
                )
            elif invitee.rsvp_status in (RsvpStatus.DECLINED, RsvpStatus.WITHDRAWN):
                message = _(
                    "%(name)s declined the invitation but facilitates “%(title)s” (%(at)s)."
                )
            elif invitee.rsvp_status != RsvpStatus.CONFIRMED:
                message = _("%(name)s has not confirmed yet but facilitates “%(title)s” (%(at)s).")
            else:
                continue
            conflicts.append(_conflict("facilitator_not_confirmed", message % values, session))
    return conflicts


def facilitator_travel(facts: AgendaFacts) -> list[Conflict]:
    """A facilitator arrives after their session starts or leaves before it ends.

    Arrival is the latest arrival of their arrival legs, departure the earliest departure of
    their departure legs, each converted to the institute's zone. Without legs, no warning.
    """
    zone = ZoneInfo(facts.institute.timezone)
    conflicts = []
    for session in facts.sessions:
        starts = session.starts_local.replace(tzinfo=zone)
        ends = session.ends_local.replace(tzinfo=zone)
        for invitee in facts.facilitators.get(session.id, []):
            legs = facts.legs.get(invitee.id, [])
            arrivals = [leg.arrives_at for leg in legs if leg.direction == Direction.ARRIVAL]
            departures = [leg.departs_at for leg in legs if leg.direction == Direction.DEPARTURE]
            if arrivals and max(arrivals) > starts:
                arrives = max(arrivals).astimezone(zone).replace(tzinfo=None)
                conflicts.append(
                    _conflict(
                        "facilitator_travel",
                        _(
                            "%(name)s arrives on %(arrival)s, after “%(title)s” starts "
                            "(%(start)s).",
                            name=invitee.full_name,
                            arrival=_at(arrives),
                            title=session.title,
                            start=_at(session.starts_local),
                        ),
                        session,
                    )
                )
            if departures and min(departures) < ends:
                leaves = min(departures).astimezone(zone).replace(tzinfo=None)
                conflicts.append(
                    _conflict(
                        "facilitator_travel",
                        _(
                            "%(name)s leaves on %(departure)s, before “%(title)s” ends (%(end)s).",
                            name=invitee.full_name,
                            departure=_at(leaves),
                            title=session.title,
                            end=_at(session.ends_local),
                        ),
                        session,
                    )
                )
    return conflicts


def outside_institute_dates(facts: AgendaFacts) -> list[Conflict]:
    """A scheduled session lies before the institute's first day or after its last day."""
    first, last = facts.institute.start_date, facts.institute.end_date
    return [
        _conflict(
            "outside_institute_dates",
            _(
                "“%(title)s” (%(at)s) is outside the institute's dates (%(first)s to %(last)s).",
                title=session.title,
                at=_at(session.starts_local),
                first=format_day(first, "d MMMM y"),
                last=format_day(last, "d MMMM y"),
            ),
            session,
        )
        for session in facts.sessions
        if not first <= session.starts_local.date() <= last
    ]


def breakout_over_capacity(facts: AgendaFacts) -> list[Conflict]:
    """A breakout has more people (assigned participants and facilitators) than its room seats."""
    conflicts = []
    for session in facts.sessions:
        room = session.room
        if session.kind != SessionKind.BREAKOUT or room is None or room.capacity is None:
            continue
        people = len(facts.participants.get(session.id, [])) + len(
            facts.facilitators.get(session.id, [])
        )
        if people > room.capacity:
            conflicts.append(
                _conflict(
                    "breakout_over_capacity",
                    _(
                        "“%(title)s” (%(at)s) has %(people)d people but %(room)s seats "
                        "%(capacity)d.",
                        title=session.title,
                        at=_at(session.starts_local),
                        people=people,
                        room=room.name,
                        capacity=room.capacity,
                    ),
                    session,
                )
            )
    return conflicts


RULES = (
    room_double_booked,
    facilitator_double_booked,
    facilitator_not_confirmed,
    facilitator_travel,
    outside_institute_dates,
    breakout_over_capacity,
    participant_double_booked,
)


def find_conflicts(institute: Institute) -> list[Conflict]:
    """Every conflict of the institute's agenda, rule by rule."""
    facts = load_facts(institute)
    return [conflict for rule in RULES for conflict in rule(facts)]


def conflicts_by_session(conflicts: list[Conflict]) -> dict[int, list[Conflict]]:
    by_session: dict[int, list[Conflict]] = defaultdict(list)
    for conflict in conflicts:
        for session_id in conflict.session_ids:
            by_session[session_id].append(conflict)
    return by_session
