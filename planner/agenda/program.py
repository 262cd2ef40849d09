"""The program as plain data: days, rooms as columns, rows of time slots (read only).

``program_days(institute)`` is the one loader that the agenda editor, the public program page,
the facilitator view and the documents helper's program booklet all read. Its name and the
shape of the dataclasses below are a contract: add fields at the end, never rename.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from planner.agenda.models import (
    BreakoutAssignment,
    Room,
    Session,
    SessionFacilitator,
    SessionKind,
    SessionStatus,
)
from planner.extensions import db
from planner.institutes.models import Institute

# Kinds that are usually for everyone: the session form suggests spanning for them. The grid
# itself follows ``spans_every_room`` only.
ALL_HANDS_KINDS = frozenset(
    {SessionKind.PLENARY, SessionKind.BREAK, SessionKind.MEAL, SessionKind.EXCURSION}
)


def spans_every_room(room_id: int | None, spans_rooms: bool) -> bool:
    """The one rule of the grid, on the web as in the booklet: a session is drawn across
    every room column when it has no room or is marked as spanning the rooms; a session in
    one room is drawn in that room's column only, whatever its kind."""
    return room_id is None or bool(spans_rooms)


@dataclass(frozen=True)
class RoomColumn:
    """A venue room shown as a column of one day's grid."""

    id: int
    name: str
    capacity: int | None


@dataclass(frozen=True)
class FacilitatorName:
    invitee_id: int
    name: str
    listed: bool  # may be named in public (Invitee.named_publicly)


@dataclass
class SessionItem:
    """One session as the program shows it. Times are naive wall-clock in the institute zone."""

    id: int
    uid: str
    sequence: int
    title: str
    kind: str  # a SessionKind value
    starts: datetime
    ends: datetime
    room_id: int | None
    room_name: str
    track: str
    language: str
    interpretation: str
    description: str
    facilitators: list[FacilitatorName]
    cancelled: bool
    spans_row: bool  # spans_every_room(): no room, or marked as spanning every room column
    participant_count: int  # breakout assignments (0 for other kinds)

    @property
    def facilitator_names(self) -> list[str]:
        return [f.name for f in self.facilitators]


@dataclass
class TimeRow:
    """Sessions starting at one time: those spanning the row, then one list per room column."""

    starts: datetime
    spanning: list[SessionItem] = field(default_factory=list)
    cells: list[list[SessionItem]] = field(default_factory=list)  # aligned with DayPlan.rooms

    @property
    def has_cells(self) -> bool:
        return any(self.cells)


@dataclass
class DayPlan:
    """One day: its room columns (rooms used by non-spanning sessions, in room order) and rows."""

    day: date
    rooms: list[RoomColumn]
    rows: list[TimeRow]

    @property
    def sessions(self) -> list[SessionItem]:
        items = []
        for row in self.rows:
            items.extend(row.spanning)
            for cell in row.cells:
                items.extend(cell)
        return items


def program_days(
    institute: Institute,
    *,
    public: bool = False,
    include_cancelled: bool = True,
    with_empty_days: bool = False,
) -> list[DayPlan]:
    """The institute's sessions grouped by day, then by start time, with rooms as columns.

    - Days are the dates of the sessions in order (plus every institute day without sessions
      when ``with_empty_days``); sessions outside the institute dates still appear.
    - ``public=True`` keeps only facilitators who consented to be listed and were not removed;
      participants' names are never part of this data, only counts of breakout assignments.
    - Cancelled sessions are included with ``cancelled=True`` unless ``include_cancelled`` is off.

    A pure read with four queries whatever the number of sessions (rooms, sessions,
    facilitators with their invitees, assignment counts).
    """
    rooms = list(
        db.session.scalars(
            select(Room).where(Room.institute_id == institute.id).order_by(Room.position, Room.id)
        )
    )
    query = (
        select(Session)
        .where(Session.institute_id == institute.id)
        .options(selectinload(Session.facilitators).joinedload(SessionFacilitator.invitee))
        .order_by(Session.starts_local, Session.ends_local, Session.id)
    )
    if not include_cancelled:
        query = query.where(Session.status == SessionStatus.SCHEDULED)
    sessions = list(db.session.scalars(query))
    counts = dict(
        db.session.execute(
            select(BreakoutAssignment.session_id, func.count())
            .join(Session, Session.id == BreakoutAssignment.session_id)
            .where(Session.institute_id == institute.id)
            .group_by(BreakoutAssignment.session_id)
        ).all()
    )
    room_by_id = {room.id: room for room in rooms}
    items = [_item(s, room_by_id, counts.get(s.id, 0), public) for s in sessions]
    return build_days(items, rooms, institute.days if with_empty_days else [])


def _item(session: Session, rooms: dict[int, Room], count: int, public: bool) -> SessionItem:
    room = rooms.get(session.room_id) if session.room_id else None
    facilitators = [
        FacilitatorName(
            sf.invitee.id,
            sf.invitee.full_name,
            sf.invitee.named_publicly,
        )
        for sf in sorted(session.facilitators, key=lambda sf: sf.invitee.full_name.casefold())
    ]
    if public:
        named = {sf.invitee.id for sf in session.facilitators if sf.invitee.named_publicly}
        facilitators = [f for f in facilitators if f.invitee_id in named]
    kind = SessionKind(session.kind)
    return SessionItem(
        id=session.id,
        uid=session.uid,
        sequence=session.sequence,
        title=session.title,
        kind=kind.value,
        starts=session.starts_local,
        ends=session.ends_local,
        room_id=room.id if room else None,
        room_name=room.name if room else "",
        track=session.track,
        language=session.language,
        interpretation=session.interpretation,
        description=session.description,
        facilitators=facilitators,
        cancelled=session.status == SessionStatus.CANCELLED,
        spans_row=spans_every_room(room.id if room else None, session.spans_rooms),
        participant_count=count if kind == SessionKind.BREAKOUT else 0,
    )


def build_days(
    items: list[SessionItem], rooms: list[Room], extra_days: list[date] = ()
) -> list[DayPlan]:
    """Arrange session items (sorted by start) into days, time rows and room columns."""
    by_day: dict[date, list[SessionItem]] = defaultdict(list)
    for item in items:
        by_day[item.starts.date()].append(item)
    for day in extra_days:
        by_day.setdefault(day, [])
    plans = []
    for day in sorted(by_day):
        day_items = by_day[day]
        used = {i.room_id for i in day_items if not i.spans_row}
        columns = [RoomColumn(r.id, r.name, r.capacity) for r in rooms if r.id in used]
        index = {column.id: n for n, column in enumerate(columns)}
        rows: dict[datetime, TimeRow] = {}
        for item in day_items:
            row = rows.get(item.starts)
            if row is None:
                row = rows[item.starts] = TimeRow(item.starts, [], [[] for _ in columns])
            if item.spans_row:
                row.spanning.append(item)
            else:
                row.cells[index[item.room_id]].append(item)
        plans.append(DayPlan(day, columns, [rows[t] for t in sorted(rows)]))
    return plans
