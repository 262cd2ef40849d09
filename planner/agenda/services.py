"""Agenda operations: rooms, sessions, facilitators, breakout assignment; all writes and rules.

Services take plain values, never the request. Every change of the agenda calls
``institute.touch()`` (documents and feeds are cached on the institute's data version) and
every change of a session raises its ``sequence`` (calendar clients apply the newest).

The program as plain data (``program_days`` and its dataclasses) lives in
planner/agenda/program.py and is re-exported here.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta
from uuid import uuid4

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectinload

from planner.agenda.breakouts import Breakout, Person, SplitResult, balanced_split
from planner.agenda.models import (
    BreakoutAssignment,
    Room,
    Session,
    SessionFacilitator,
    SessionKind,
    SessionStatus,
)
from planner.agenda.program import (
    ALL_HANDS_KINDS,
    DayPlan,
    FacilitatorName,
    RoomColumn,
    SessionItem,
    TimeRow,
    build_days,
    program_days,
)
from planner.extensions import db
from planner.formatting import format_day
from planner.institutes.models import Institute
from planner.invitations.models import Invitee, InviteeRole, RsvpStatus
from planner.links import base_host
from planner.security import audit

__all__ = [
    "ALL_HANDS_KINDS",
    "DayPlan",
    "FacilitatorName",
    "RoomColumn",
    "SessionItem",
    "TimeRow",
    "build_days",
    "program_days",
]

# Sessions must lie inside one day between these wall-clock times.
EARLIEST = time(5, 0)
LATEST = time(23, 59)
BREAKOUT_ROLES = (InviteeRole.PARTICIPANT, InviteeRole.OBSERVER)
FACILITATOR_ROLES = (InviteeRole.FACILITATOR, InviteeRole.TRAINER)


class AgendaError(ValueError):
    """Input the organizer can fix; ``field`` names the form field the message belongs to."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


# --- rooms -----------------------------------------------------------------------------------


def rooms_of(institute: Institute) -> list[Room]:
    return list(
        db.session.scalars(
            select(Room).where(Room.institute_id == institute.id).order_by(Room.position, Room.id)
        )
    )


def room_usage(institute: Institute) -> dict[int, int]:
    """Number of sessions (cancelled included) held in each room."""
    return dict(
        db.session.execute(
            select(Session.room_id, func.count())
            .where(Session.institute_id == institute.id, Session.room_id.is_not(None))
            .group_by(Session.room_id)
        ).all()
    )


def _check_room_name(institute: Institute, name: str, exclude_id: int | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise AgendaError(_l("Give the room a name."), "name")
    query = select(Room.id).where(
        Room.institute_id == institute.id, func.lower(Room.name) == name.lower()
    )
    if exclude_id is not None:
        query = query.where(Room.id != exclude_id)
    if db.session.scalar(query) is not None:
        raise AgendaError(_l("Another room already has this name."), "name")
    return name


def create_room(
    institute: Institute, name: str, capacity: int | None, position: int | None, by
) -> Room:
    name = _check_room_name(institute, name)
    if position is None:
        highest = db.session.scalar(
            select(func.max(Room.position)).where(Room.institute_id == institute.id)
        )
        position = (highest or 0) + 10
    room = Room(institute_id=institute.id, name=name, capacity=capacity, position=position)
    db.session.add(room)
    db.session.flush()
    institute.touch()
    audit.record("agenda.room_created", institute=institute, organizer=by, obj=room)
    return room


def update_room(room: Room, name: str, capacity: int | None, position: int, by) -> Room:
    institute = db.session.get(Institute, room.institute_id)
    name = _check_room_name(institute, name, exclude_id=room.id)
    if room.name != name:
        # The room is part of every session's LOCATION: calendar clients must see the change.
        for session in db.session.scalars(select(Session).where(Session.room_id == room.id)):
            session.sequence += 1
    room.name, room.capacity, room.position = name, capacity, position
    institute.touch()
    audit.record("agenda.room_updated", institute=institute, organizer=by, obj=room)
    return room


def delete_room(room: Room, by) -> None:
    """Only a room no session uses (cancelled ones included) can be deleted."""
    institute = db.session.get(Institute, room.institute_id)
    used = db.session.scalar(select(func.count()).where(Session.room_id == room.id))
    if used:
        raise AgendaError(_l("Sessions are planned in this room: move them to another room first."))
    audit.record("agenda.room_deleted", institute=institute, organizer=by, obj=room)
    db.session.delete(room)
    institute.touch()


# --- sessions --------------------------------------------------------------------------------


@dataclass
class SessionData:
    """What an organizer types for a session; times are wall-clock in the institute's zone."""

    title: str
    kind: str
    day: date
    starts: time
    ends: time
    room_id: int | None = None
    track: str = ""
    language: str = ""
    interpretation: str = ""
    description: str = ""
    facilitator_ids: list[int] = field(default_factory=list)
    spans_rooms: bool = False
    # language code -> {"title": ..., "description": ...} for the other working languages
    translations: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def starts_local(self) -> datetime:
        return datetime.combine(self.day, self.starts)

    @property
    def ends_local(self) -> datetime:
        return datetime.combine(self.day, self.ends)


def check_times(starts_local: datetime, ends_local: datetime) -> None:
    """Times that block saving: end not after start, spanning days, outside sensible hours."""
    if ends_local.date() != starts_local.date():
        raise AgendaError(_l("A session must start and end on the same day."), "ends")
    if ends_local <= starts_local:
        raise AgendaError(_l("The end must be after the start."), "ends")
    if starts_local.time() < EARLIEST:
        raise AgendaError(
            _l("Sessions start at %(time)s at the earliest.", time=EARLIEST.strftime("%H:%M")),
            "starts",
        )
    if ends_local.time() > LATEST:
        raise AgendaError(
            _l("Sessions end by %(time)s at the latest.", time=LATEST.strftime("%H:%M")), "ends"
        )


def _room_of(institute: Institute, room_id: int | None) -> Room | None:
    if room_id is None:
        return None
    room = db.session.get(Room, room_id)
    if room is None or room.institute_id != institute.id:
        raise AgendaError(_l("Choose a room of this institute."), "room_id")
    return room


def facilitator_candidates(institute: Institute) -> list[Invitee]:
    """Invitees who may facilitate: role facilitator or trainer, not removed."""
    return list(
        db.session.scalars(
            select(Invitee)
            .where(
                Invitee.institute_id == institute.id,
                Invitee.role.in_(FACILITATOR_ROLES),
                Invitee.removed_at.is_(None),
            )
            .order_by(Invitee.full_name)
        )
    )


def _facilitators_of(institute: Institute, ids: Iterable[int]) -> list[Invitee]:
    ids = sorted(set(ids or ()))
    if not ids:
        return []
    found = list(db.session.scalars(select(Invitee).where(Invitee.id.in_(ids))))
    if len(found) != len(ids) or any(
        i.institute_id != institute.id or i.removed_at is not None for i in found
    ):
        raise AgendaError(
            _l("Choose facilitators among this institute's invitees."), "facilitators"
        )
    if any(i.role not in FACILITATOR_ROLES for i in found):
        raise AgendaError(
            _l("Only invitees with the role facilitator or trainer can facilitate."),
            "facilitators",
        )
    return found


def new_uid() -> str:
    """A calendar UID, set once when the session is created and never regenerated."""
    return f"session-{uuid4()}@{base_host()}"


def _validated(institute: Institute, data: SessionData) -> tuple[Room | None, list[Invitee]]:
    if not (data.title or "").strip():
        raise AgendaError(_l("Give the session a title."), "title")
    try:
        SessionKind(data.kind)
    except ValueError:
        raise AgendaError(_l("Choose a kind of session."), "kind") from None
    check_times(data.starts_local, data.ends_local)
    return _room_of(institute, data.room_id), _facilitators_of(institute, data.facilitator_ids)


def create_session(institute: Institute, data: SessionData, by) -> Session:
    room, facilitators = _validated(institute, data)
    session = Session(institute_id=institute.id, uid=new_uid(), sequence=0)
    _apply(session, data, room)
    session.facilitators = [SessionFacilitator(invitee_id=i.id, invitee=i) for i in facilitators]
    db.session.add(session)
    db.session.flush()
    institute.touch()
    audit.record("agenda.session_created", institute=institute, organizer=by, obj=session)
    return session


def _apply(session: Session, data: SessionData, room: Room | None) -> None:
    session.title = data.title.strip()
    session.kind = SessionKind(data.kind)
    session.starts_local = data.starts_local
    session.ends_local = data.ends_local
    session.room_id = room.id if room else None
    session.track = (data.track or "").strip()
    session.language = data.language or ""
    session.interpretation = (data.interpretation or "").strip()
    session.description = (data.description or "").strip()
    session.spans_rooms = bool(data.spans_rooms)
    session.translations = clean_translations(data.translations) or None


def clean_translations(translations: dict | None) -> dict[str, dict[str, str]]:
    """Titles and descriptions per language, stripped, without empty entries."""
    cleaned = {}
    for code, texts in sorted((translations or {}).items()):
        entry = {
            name: (texts.get(name) or "").strip()
            for name in ("title", "description")
            if (texts.get(name) or "").strip()
        }
        if entry:
            cleaned[code] = entry
    return cleaned


def _snapshot(session: Session) -> tuple:
    return (
        session.title,
        SessionKind(session.kind),
        session.starts_local,
        session.ends_local,
        session.room_id,
        session.track,
        session.language,
        session.interpretation,
        session.description,
        bool(session.spans_rooms),
        tuple((code, tuple(sorted(t.items()))) for code, t in (session.translations or {}).items()),
        SessionStatus(session.status),
        tuple(sorted(sf.invitee_id for sf in session.facilitators)),
    )


def update_session(session: Session, data: SessionData, by) -> bool:
    """Apply the organizer's edit; True when something changed (then the sequence is raised)."""
    institute = db.session.get(Institute, session.institute_id)
    room, facilitators = _validated(institute, data)
    before = _snapshot(session)
    _apply(session, data, room)
    wanted = {i.id for i in facilitators}
    session.facilitators = [sf for sf in session.facilitators if sf.invitee_id in wanted]
    present = {sf.invitee_id for sf in session.facilitators}
    session.facilitators.extend(
        SessionFacilitator(invitee_id=i.id, invitee=i) for i in facilitators if i.id not in present
    )
    return _changed(session, before, institute, by, "agenda.session_updated")


def _changed(session: Session, before: tuple, institute: Institute, by, action: str) -> bool:
    if _snapshot(session) == before:
        return False
    session.sequence = (session.sequence or 0) + 1
    institute.touch()
    audit.record(action, institute=institute, organizer=by, obj=session)
    return True


def move_session(session: Session, day: date, starts: time, room_id: int | None, by) -> bool:
    """Move to another day, time or room, keeping the duration."""
    institute = db.session.get(Institute, session.institute_id)
    duration = session.ends_local - session.starts_local
    starts_local = datetime.combine(day, starts)
    ends_local = starts_local + duration
    check_times(starts_local, ends_local)
    room = _room_of(institute, room_id)
    before = _snapshot(session)
    session.starts_local, session.ends_local = starts_local, ends_local
    session.room_id = room.id if room else None
    return _changed(session, before, institute, by, "agenda.session_moved")


def _copy(session: Session, shift: timedelta = timedelta(0)) -> Session:
    copy = Session(
        institute_id=session.institute_id,
        uid=new_uid(),
        sequence=0,
        title=session.title,
        kind=session.kind,
        starts_local=session.starts_local + shift,
        ends_local=session.ends_local + shift,
        room_id=session.room_id,
        track=session.track,
        language=session.language,
        interpretation=session.interpretation,
        description=session.description,
        spans_rooms=session.spans_rooms,
        translations={code: dict(texts) for code, texts in session.translations.items()}
        if session.translations
        else None,
        status=SessionStatus.SCHEDULED,
    )
    copy.facilitators = [
        SessionFacilitator(invitee_id=sf.invitee_id) for sf in session.facilitators
    ]
    db.session.add(copy)
    return copy


def duplicate_session(session: Session, by) -> Session:
    """A scheduled copy at the same time and room (with a new UID), ready to be moved."""
    institute = db.session.get(Institute, session.institute_id)
    copy = _copy(session)
    db.session.flush()
    institute.touch()
    audit.record("agenda.session_duplicated", institute=institute, organizer=by, obj=copy)
    return copy


class TargetDayHasSessions(AgendaError):
    """The day to copy onto already has sessions: the organizer confirms before anything is
    added there."""

    def __init__(self, day: date, count: int):
        super().__init__(
            ngettext(
                "%(day)s already has %(num)d session. Copying adds only the sessions that "
                "are not there yet (same title, times and room); tick the box to go on.",
                "%(day)s already has %(num)d sessions. Copying adds only the sessions that "
                "are not there yet (same title, times and room); tick the box to go on.",
                count,
                day=format_day(day, "d MMMM y"),
            ),
            "add_to_existing",
        )
        self.count = count


@dataclass
class DayCopy:
    copies: list[Session]  # the new sessions
    already_there: int  # sessions of the source day already on the target: not copied again


def _sessions_of_day(institute: Institute, day: date) -> list[Session]:
    start = datetime.combine(day, time(0))
    return list(
        db.session.scalars(
            select(Session)
            .where(
                Session.institute_id == institute.id,
                Session.status == SessionStatus.SCHEDULED,
                Session.starts_local >= start,
                Session.starts_local < start + timedelta(days=1),
            )
            .options(selectinload(Session.facilitators))
            .order_by(Session.starts_local, Session.id)
        )
    )


def _copy_key(session: Session, shift: timedelta = timedelta(0)) -> tuple:
    """What makes two sessions the same for copying: title, times and room."""
    return (
        session.title.strip().casefold(),
        session.starts_local + shift,
        session.ends_local + shift,
        session.room_id,
    )


def duplicate_day(
    institute: Institute, source: date, target: date, by, *, add_to_existing: bool = False
) -> DayCopy:
    """Copy every scheduled session of one day onto another (same times, rooms, facilitators).

    Never silently twice: when the target day already has sessions, nothing happens until the
    organizer confirms (``add_to_existing``, else ``TargetDayHasSessions``); then a session
    already there (same title, times and room) is not copied again, so copying a day twice
    adds nothing the second time. Breakout assignments are not copied: participants are
    split again for the new day.
    """
    if source == target:
        raise AgendaError(_l("Choose a different day to copy to."), "target")
    originals = _sessions_of_day(institute, source)
    if not originals:
        raise AgendaError(_l("This day has no scheduled sessions to copy."), "source")
    existing = _sessions_of_day(institute, target)
    if existing and not add_to_existing:
        raise TargetDayHasSessions(target, len(existing))
    shift = datetime.combine(target, time(0)) - datetime.combine(source, time(0))
    there = {_copy_key(s) for s in existing}
    wanted = [s for s in originals if _copy_key(s, shift) not in there]
    copies = [_copy(s, shift) for s in wanted]
    if copies:
        db.session.flush()
        institute.touch()
        audit.record("agenda.day_duplicated", institute=institute, organizer=by)
    return DayCopy(copies, len(originals) - len(wanted))


def cancel_session(session: Session, by) -> bool:
    """Cancelled sessions stay in the program and feeds (struck through, STATUS:CANCELLED).

    There is deliberately no delete: any session may already sit in a subscribed personal
    feed (those exist whether or not the program is published), and calendar clients only
    drop an event reliably when the feed says STATUS:CANCELLED with a higher SEQUENCE.
    """
    return _set_status(session, SessionStatus.CANCELLED, by, "agenda.session_cancelled")


def restore_session(session: Session, by) -> bool:
    return _set_status(session, SessionStatus.SCHEDULED, by, "agenda.session_restored")


def _set_status(session: Session, status: SessionStatus, by, action: str) -> bool:
    institute = db.session.get(Institute, session.institute_id)
    before = _snapshot(session)
    session.status = status
    return _changed(session, before, institute, by, action)


# --- breakouts -------------------------------------------------------------------------------


def breakout_slots(institute: Institute) -> list[tuple[datetime, int]]:
    """Start times of scheduled breakouts, with the number of parallel breakouts at each."""
    return list(
        db.session.execute(
            select(Session.starts_local, func.count())
            .where(
                Session.institute_id == institute.id,
                Session.kind == SessionKind.BREAKOUT,
                Session.status == SessionStatus.SCHEDULED,
            )
            .group_by(Session.starts_local)
            .order_by(Session.starts_local)
        ).all()
    )


def breakouts_at(institute: Institute, starts_local: datetime) -> list[Session]:
    """The parallel breakouts of one time slot: scheduled breakouts starting at that time."""
    return list(
        db.session.scalars(
            select(Session)
            .where(
                Session.institute_id == institute.id,
                Session.kind == SessionKind.BREAKOUT,
                Session.status == SessionStatus.SCHEDULED,
                Session.starts_local == starts_local,
            )
            .options(
                selectinload(Session.facilitators).joinedload(SessionFacilitator.invitee),
                selectinload(Session.room),
            )
            .order_by(Session.room_id, Session.id)
        )
    )


def breakout_people(institute: Institute) -> list[Invitee]:
    """Who takes part in breakouts: confirmed participants and observers, not removed."""
    return list(
        db.session.scalars(
            select(Invitee)
            .where(
                Invitee.institute_id == institute.id,
                Invitee.role.in_(BREAKOUT_ROLES),
                Invitee.rsvp_status == RsvpStatus.CONFIRMED,
                Invitee.removed_at.is_(None),
            )
            .order_by(Invitee.full_name)
        )
    )


def assignments_of(sessions: list[Session]) -> dict[int, int]:
    """invitee id -> session id of the current assignments to these sessions."""
    if not sessions:
        return {}
    rows = db.session.execute(
        select(BreakoutAssignment.invitee_id, BreakoutAssignment.session_id).where(
            BreakoutAssignment.session_id.in_([s.id for s in sessions])
        )
    ).all()
    return {invitee_id: session_id for invitee_id, session_id in rows}


def participant_capacity(session: Session) -> int | None:
    """Seats for participants: the room's capacity minus the session's facilitators."""
    if session.room is None or session.room.capacity is None:
        return None
    return max(session.room.capacity - len(session.facilitators), 0)


def assign_breakouts(
    institute: Institute, starts_local: datetime, choices: dict[int, int | None], by
) -> int:
    """Set by hand who goes to which breakout of a slot; ``None`` unassigns. Returns changes.

    Every invitee and session is checked before anything is written: one unknown id and
    nothing is saved.
    """
    sessions = {s.id: s for s in breakouts_at(institute, starts_local)}
    people = {p.id for p in breakout_people(institute)}
    for invitee_id, session_id in choices.items():
        if invitee_id not in people:
            raise AgendaError(_l("Only confirmed participants and observers join breakouts."))
        if session_id is not None and session_id not in sessions:
            raise AgendaError(_l("Choose one of the breakouts of this time slot."))
    current = assignments_of(list(sessions.values()))
    changes = {i: s for i, s in choices.items() if current.get(i) != s}
    _write_assignments(list(sessions), changes)
    if changes:
        institute.touch()
        audit.record("agenda.breakouts_assigned", institute=institute, organizer=by)
    return len(changes)


def _write_assignments(session_ids: list[int], changes: dict[int, int | None]) -> None:
    if not changes:
        return
    db.session.execute(
        delete(BreakoutAssignment).where(
            BreakoutAssignment.session_id.in_(session_ids),
            BreakoutAssignment.invitee_id.in_(list(changes)),
        )
    )
    for invitee_id, session_id in changes.items():
        if session_id is not None:
            db.session.add(BreakoutAssignment(session_id=session_id, invitee_id=invitee_id))
    db.session.flush()


def split_breakouts(
    institute: Institute, starts_local: datetime, by, redo: bool = False
) -> SplitResult:
    """Split the slot's people over its breakouts (balanced_split); keeps places unless redo."""
    sessions = breakouts_at(institute, starts_local)
    if not sessions:
        raise AgendaError(_l("There are no breakouts at this time."))
    people = breakout_people(institute)
    current = assignments_of(sessions)
    result = balanced_split(
        [Person(p.id, p.language or "", p.country or "") for p in people],
        [Breakout(s.id, s.language or "", participant_capacity(s)) for s in sessions],
        current,
        redo=redo,
    )
    wanted = dict(result.assignments)
    if redo:
        wanted.update({i: None for i in current if i not in wanted})
    changes = {i: s for i, s in wanted.items() if current.get(i) != s}
    _write_assignments([s.id for s in sessions], changes)
    institute.touch()
    audit.record("agenda.breakouts_split", institute=institute, organizer=by)
    return result


# --- reading for pages -----------------------------------------------------------------------


def session_of(institute: Institute, session_id: int) -> Session | None:
    """A session of this institute (None for another institute's id)."""
    session = db.session.get(Session, session_id)
    if session is None or session.institute_id != institute.id:
        return None
    return session


def room_of(institute: Institute, room_id: int) -> Room | None:
    room = db.session.get(Room, room_id)
    if room is None or room.institute_id != institute.id:
        return None
    return room


def session_data(session: Session) -> SessionData:
    """The form values of an existing session."""
    values = {f.name: getattr(session, f.name, None) for f in fields(SessionData)}
    values.update(
        kind=SessionKind(session.kind).value,
        day=session.starts_local.date(),
        starts=session.starts_local.time(),
        ends=session.ends_local.time(),
        facilitator_ids=[sf.invitee_id for sf in session.facilitators],
        translations=dict(session.translations or {}),
    )
    return SessionData(**values)
