"""The program as a grid: days, rooms as columns, rows of time slots (read only).

``program_days(institute)`` lays out the program's one read model (``readmodel.load_program``)
for the agenda editor, the public program page and the invitee's agenda. Its name and the
shape of the dataclasses below are a contract: add fields at the end, never rename.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from planner.agenda.models import SessionKind
from planner.agenda.readmodel import ProgramSession, load_program
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
    language: str | None = None,
) -> list[DayPlan]:
    """The institute's sessions grouped by day, then by start time, with rooms as columns.

    - Days are the dates of the sessions in order (plus every institute day without sessions
      when ``with_empty_days``); sessions outside the institute dates still appear.
    - ``public=True`` keeps only facilitators who may be named publicly
      (``Invitee.named_publicly``); participants' names are never part of this data, only
      counts of breakout assignments.
    - Cancelled sessions are included with ``cancelled=True`` unless ``include_cancelled`` is off.
    - ``language``: titles and descriptions in that language where the session has them.

    Reads the program's one read model (``readmodel.load_program``): two queries whatever
    the number of sessions, none more for a second view of the program in the same request.
    """
    program = load_program(institute)
    sessions = program.sessions if include_cancelled else program.scheduled()
    items = [item_of(s, public=public, language=language) for s in sessions]
    return build_days(items, _rooms_of(sessions), institute.days if with_empty_days else [])


def item_of(session: ProgramSession, *, public: bool, language: str | None = None) -> SessionItem:
    """A session of the read model as the grid shows it."""
    facilitators = [
        FacilitatorName(f.invitee_id, f.name, f.public)
        for f in session.facilitators
        if f.public or not public
    ]
    kind = SessionKind(session.kind)
    return SessionItem(
        id=session.id,
        uid=session.uid,
        sequence=session.sequence,
        title=session.title_in(language),
        kind=kind.value,
        starts=session.starts,
        ends=session.ends,
        room_id=session.room_id,
        room_name=session.room_name,
        track=session.track,
        language=session.language,
        interpretation=session.interpretation,
        description=session.description_in(language),
        facilitators=facilitators,
        cancelled=session.cancelled,
        spans_row=spans_every_room(session.room_id, session.spans_rooms),
        participant_count=session.participant_count if kind == SessionKind.BREAKOUT else 0,
    )


def _rooms_of(sessions) -> list[RoomColumn]:
    """The rooms the sessions use, in the venue's order (position, then id)."""
    rooms = {
        s.room_id: (s.room_position or 0, s.room_id, s.room_name, s.room_capacity)
        for s in sessions
        if s.room_id is not None
    }
    return [
        RoomColumn(room_id, name, capacity) for _, room_id, name, capacity in sorted(rooms.values())
    ]


def build_days(
    items: list[SessionItem], rooms: list[RoomColumn], extra_days: list[date] = ()
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
