"""Moving and resizing a session on the grid (drag and drop): check a placement before it is
saved, then save it. The conflict rules are those of conflicts.py; nothing else decides."""

from dataclasses import dataclass
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l

from planner.agenda.conflicts import Conflict, find_conflicts
from planner.agenda.models import Session
from planner.agenda.services import AgendaError, _changed, _room_of, _snapshot, check_times
from planner.extensions import db
from planner.institutes.models import Institute


@dataclass(frozen=True)
class Placement:
    """Where the organizer dropped a session: a day, start and end (wall-clock), a room."""

    day: date
    starts: time
    ends: time
    room_id: int | None

    @property
    def starts_local(self) -> datetime:
        return datetime.combine(self.day, self.starts)

    @property
    def ends_local(self) -> datetime:
        return datetime.combine(self.day, self.ends)


def parse_placement(values) -> Placement:
    """A placement from the posted fields day, starts, ends (HH:MM) and room_id (may be
    empty); AgendaError with a message for anything else."""
    try:
        day = date.fromisoformat(str(values.get("day", ""))[:10])
        starts = time.fromisoformat(str(values.get("starts", ""))[:5])
        ends = time.fromisoformat(str(values.get("ends", ""))[:5])
    except ValueError as error:
        raise AgendaError(_l("Choose a day and times on the grid.")) from error
    room_text = str(values.get("room_id", "") or "")
    if room_text and not room_text.isdigit():
        raise AgendaError(_l("Choose a room of this institute."), "room_id")
    return Placement(day, starts, ends, int(room_text) if room_text else None)


def _apply(institute: Institute, session: Session, placement: Placement) -> None:
    check_times(placement.starts_local, placement.ends_local)
    room = _room_of(institute, placement.room_id)
    session.starts_local, session.ends_local = placement.starts_local, placement.ends_local
    session.room_id = room.id if room else None


def check_placement(institute: Institute, session: Session, placement: Placement) -> list[Conflict]:
    """The warnings the session would have if placed so. Writes the change into the open
    transaction to ask the rules: the caller must roll back."""
    _apply(institute, session, placement)
    db.session.flush()
    return [c for c in find_conflicts(institute) if session.id in c.session_ids]


def place_session(institute: Institute, session: Session, placement: Placement, by) -> bool:
    """Move and resize in one step; True when something changed (the sequence is raised)."""
    before = _snapshot(session)
    _apply(institute, session, placement)
    return _changed(session, before, institute, by, "agenda.session_moved")
