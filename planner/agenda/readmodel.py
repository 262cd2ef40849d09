"""The one read model of the program: sessions, their rooms, facilitators and who may be named.

Every view of the program reads it: the editor's grid and the public page
(``program.program_days``), ``/me/agenda`` (``reading.personal_program``), the booklet and the
facilitator's agenda (``documents.data``) and the calendar feeds (``calendar.feeds``).

- Two queries whatever the size of the program: the sessions with their room and breakout
  count, then the facilitators (of invitees only the columns the naming rule needs: never
  contact or passport data).
- Loaded once per request: within a request the result is kept per institute, data version
  and viewer, so a page and its panels share one load. Outside a request nothing is kept.
- Who may be named where is decided here from ``Invitee.named_publicly`` (the one rule) and
  read by every view through ``ProgramFacilitator``'s flags.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import g, has_request_context
from sqlalchemy import event, exists, func, inspect, select
from sqlalchemy.orm import Session as OrmSession

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
from planner.invitations.models import NOT_COMING, Invitee

# What the program reads of a session: plain columns, never the entity.
SESSION_COLUMNS = (
    Session.id,
    Session.uid,
    Session.sequence,
    Session.title,
    Session.kind,
    Session.status,
    Session.starts_local,
    Session.ends_local,
    Session.room_id,
    Session.track,
    Session.spans_rooms,
    Session.language,
    Session.interpretation,
    Session.description,
    Session.created_at,
    Session.updated_at,
    Session.translations,
)


@dataclass(frozen=True)
class ProgramFacilitator:
    """A facilitator of a session, with the flags that decide where their name may appear."""

    invitee_id: int
    name: str
    listed: bool  # consented to be listed and not removed (shown to the invitee's own team)
    public: bool  # Invitee.named_publicly (consent to be named as facilitator): public page,
    # feed, booklet, and the grid's FacilitatorName.listed
    coming: bool  # not removed and has not declined or withdrawn
    present: bool  # not removed


@dataclass(frozen=True)
class ProgramSession:
    """One session of the program. Times are naive wall-clock in the institute's zone."""

    id: int
    uid: str
    sequence: int
    title: str
    kind: str  # a SessionKind value
    status: str  # a SessionStatus value
    starts: datetime
    ends: datetime
    room_id: int | None
    room_name: str
    room_position: int | None
    room_capacity: int | None
    track: str
    language: str
    interpretation: str
    description: str
    facilitators: tuple[ProgramFacilitator, ...]  # by name, casefolded
    participant_count: int  # breakout assignments of any invitee
    created_at: datetime
    updated_at: datetime
    viewer_assigned: bool = False  # the viewer (if any) is assigned to this breakout
    translations: dict | None = None  # language -> {"title": ..., "description": ...}
    spans_rooms: bool = False  # marked as drawn across every room column (program.spans_every_room)

    @property
    def cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED

    @property
    def is_breakout(self) -> bool:
        return self.kind == SessionKind.BREAKOUT

    def led_by(self, invitee_id: int) -> bool:
        return any(f.invitee_id == invitee_id for f in self.facilitators)

    def title_in(self, language: str | None) -> str:
        """The title in the reader's language, else the one the session was written in."""
        return self._text(language, "title") or self.title

    def description_in(self, language: str | None) -> str:
        return self._text(language, "description") or self.description

    def _text(self, language: str | None, field: str) -> str:
        if not language or not self.translations:
            return ""
        language = str(language).split("_")[0]
        return ((self.translations.get(language) or {}).get(field) or "").strip()


@dataclass(frozen=True)
class Program:
    institute_id: int
    data_version: int
    sessions: tuple[ProgramSession, ...]  # by start, end, id

    def scheduled(self) -> list[ProgramSession]:
        return [s for s in self.sessions if not s.cancelled]


def load_program(institute: Institute, *, viewer: Invitee | None = None) -> Program:
    """The institute's program, loaded once per request (per data version and viewer).

    ``viewer`` marks the breakouts that invitee is assigned to (``viewer_assigned``), in the
    same query, for their own agenda and feed.
    """
    if has_request_context() and db.session.autoflush and _pending_program_change():
        db.session.flush()  # the flush forgets a program loaded before the change
    key = ("program", institute.id, institute.data_version, viewer.id if viewer else None)
    if has_request_context():
        cache = g.setdefault("_program_read_model", {})
        if key not in cache:
            cache[key] = _load(institute, viewer)
        return cache[key]
    return _load(institute, viewer)


# What the program reads of an invitee (the naming rule and the name): a change to one of
# them changes the program of every session the person facilitates.
NAMING_ATTRIBUTES = (
    "full_name",
    "consent_to_list",
    "consent_named_facilitator",
    "removed_at",
    "rsvp_status",
)


def _pending_program_change() -> bool:
    session = db.session
    return any(
        isinstance(obj, Session | Room | SessionFacilitator | BreakoutAssignment)
        for obj in (*session.new, *session.dirty, *session.deleted)
    ) or any(_naming_changed(obj) for obj in session.dirty)


def _naming_changed(obj) -> bool:
    if not isinstance(obj, Invitee):
        return False
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in NAMING_ATTRIBUTES)


def _facilitates(session: OrmSession, invitee: Invitee) -> bool:
    query = select(SessionFacilitator.id).where(SessionFacilitator.invitee_id == invitee.id)
    return session.scalar(query.limit(1)) is not None


def _load(institute: Institute, viewer: Invitee | None) -> Program:
    assigned_count = (
        select(func.count(BreakoutAssignment.id))
        .where(BreakoutAssignment.session_id == Session.id)
        .correlate(Session)
        .scalar_subquery()
    )
    columns = [*SESSION_COLUMNS, Room.name, Room.position, Room.capacity, assigned_count]
    if viewer is not None:
        columns.append(
            exists().where(
                BreakoutAssignment.session_id == Session.id,
                BreakoutAssignment.invitee_id == viewer.id,
            )
        )
    rows = db.session.execute(
        select(*columns)
        .outerjoin(Room, Room.id == Session.room_id)
        .where(Session.institute_id == institute.id)
        .order_by(Session.starts_local, Session.ends_local, Session.id)
    ).all()
    team = _facilitators(institute, [row.id for row in rows])
    sessions = tuple(_session(row, team, viewer is not None) for row in rows)
    return Program(institute.id, institute.data_version, sessions)


def _session(row, team: dict, with_viewer: bool) -> ProgramSession:
    s = row  # plain columns (SESSION_COLUMNS, then the room's and the counts)
    width = len(SESSION_COLUMNS)
    room_name, position, capacity, count = row[width : width + 4]
    return ProgramSession(
        id=s.id,
        uid=s.uid,
        sequence=s.sequence,
        title=s.title,
        kind=SessionKind(s.kind).value,
        status=SessionStatus(s.status).value,
        starts=s.starts_local,
        ends=s.ends_local,
        room_id=s.room_id,
        room_name=room_name or "",
        room_position=position,
        room_capacity=capacity,
        track=s.track or "",
        language=s.language or "",
        interpretation=s.interpretation or "",
        description=s.description or "",
        facilitators=tuple(team.get(s.id, ())),
        participant_count=count or 0,
        created_at=s.created_at,
        updated_at=s.updated_at,
        viewer_assigned=bool(row[width + 4]) if with_viewer else False,
        translations=s.translations or None,
        spans_rooms=bool(s.spans_rooms),
    )


def _facilitators(
    institute: Institute, session_ids: list[int]
) -> dict[int, list[ProgramFacilitator]]:
    # Plain rows, not entities: of invitees only what the naming rule reads. Driven by the
    # session ids (the unique index on session_id, invitee_id), then each invitee by key.
    if not session_ids:
        return {}
    rows = db.session.execute(
        select(
            SessionFacilitator.session_id,
            Invitee.id,
            Invitee.full_name,
            Invitee.consent_to_list,
            Invitee.removed_at,
            Invitee.rsvp_status,
            Invitee.institute_id,
            Invitee.named_publicly.label("named_publicly"),
        )
        .join(Invitee, Invitee.id == SessionFacilitator.invitee_id)
        .where(SessionFacilitator.session_id.in_(session_ids))
    ).all()
    team: dict[int, list[ProgramFacilitator]] = {}
    for row in rows:
        if row.institute_id != institute.id:  # guards against a bad link
            continue
        present = row.removed_at is None
        team.setdefault(row.session_id, []).append(
            ProgramFacilitator(
                invitee_id=row.id,
                name=row.full_name,
                listed=bool(row.consent_to_list) and present,
                public=bool(row.named_publicly),  # the one naming rule, in SQL
                coming=present and row.rsvp_status not in NOT_COMING,
                present=present,
            )
        )
    for people in team.values():
        people.sort(key=lambda f: (f.name.casefold(), f.invitee_id))
    return team


# --- the version follows the program ----------------------------------------------------------


@event.listens_for(OrmSession, "before_flush")
def _raise_version_on_program_change(session: OrmSession, flush_context, instances) -> None:
    """Any change to sessions, rooms, facilitators or breakout assignments raises the
    institute.s ``data_version``, so every answer derived from the version
    (ETags, cached documents, the read model) follows, even where a service forgot to
    ``touch()``. ``touch()`` notes the institute once per transaction and the version is
    raised in SQL at commit (``institutes.versioning``), so it is raised once per commit."""
    changed = [*session.new, *session.dirty, *session.deleted]
    institute_ids = set()
    for obj in changed:
        if isinstance(obj, Session | Room):
            if obj in session.dirty and not session.is_modified(obj):
                continue
            institute_ids.add(obj.institute_id)
        elif isinstance(obj, SessionFacilitator | BreakoutAssignment):
            owner = obj.session or session.get(Session, obj.session_id)
            if owner is not None:
                institute_ids.add(owner.institute_id)
    for obj in session.dirty:
        # A facilitator's consent, name or answer changes who may be named where.
        if _naming_changed(obj) and obj.institute_id not in institute_ids:
            with session.no_autoflush:
                if _facilitates(session, obj):
                    institute_ids.add(obj.institute_id)
    institute_ids.discard(None)
    for institute_id in institute_ids:
        institute = session.get(Institute, institute_id)
        if institute is None or institute in session.deleted:
            continue
        institute.touch()  # noted once per transaction; raised in SQL at commit
    if institute_ids and has_request_context():
        # The version is raised only at commit: a read later in this request must not get
        # the program loaded before the change.
        cache = g.get("_program_read_model")
        if cache:
            for key in [k for k in cache if k[1] in institute_ids]:
                del cache[key]
