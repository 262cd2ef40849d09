"""Check-in codes, marking attendance, the presence rule and the rows of sign-in sheets."""

import re
import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from planner.agenda.models import BreakoutAssignment, Session, SessionKind, SessionStatus
from planner.attendance.models import AttendanceMark, CheckinPass
from planner.extensions import db
from planner.institutes.models import Institute
from planner.invitations.models import Invitee, RsvpStatus, search_key
from planner.invitations.services import status_counts

DAY = "day"
CODE = re.compile(r"[A-Za-z0-9_-]{1,32}")  # what token_urlsafe makes
SEARCH_LIMIT = 30


def _checked_in(institute: Institute):
    """Who can be checked in: confirmed and not removed."""
    return (
        Invitee.institute_id == institute.id,
        Invitee.removed_at.is_(None),
        Invitee.rsvp_status == RsvpStatus.CONFIRMED,
    )


def new_code() -> str:
    return secrets.token_urlsafe(12)


def checkin_codes(institute: Institute) -> dict[int, str]:
    """Each confirmed invitee's check-in code, creating the missing ones (no commit here).

    A code is random and says nothing about its holder; once made it never changes, so
    printed badges keep working.
    """
    ids = db.session.scalars(select(Invitee.id).where(*_checked_in(institute))).all()
    codes = dict(
        db.session.execute(
            select(CheckinPass.invitee_id, CheckinPass.code)
            .join(Invitee, Invitee.id == CheckinPass.invitee_id)
            .where(Invitee.institute_id == institute.id)
        ).all()
    )
    for invitee_id in ids:
        if invitee_id not in codes:
            codes[invitee_id] = new_code()
            db.session.add(CheckinPass(invitee_id=invitee_id, code=codes[invitee_id]))
    return {i: codes[i] for i in ids}


def ensure_codes_saved(institute: Institute) -> dict[int, str]:
    """``checkin_codes`` committed; a parallel request that made them first wins."""
    try:
        codes = checkin_codes(institute)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        codes = checkin_codes(institute)
        db.session.commit()
    return codes


@dataclass(frozen=True)
class CheckinRow:
    invitee_id: int
    name: str
    latin_name: str
    organization: str
    country: str | None
    present: bool


def find_for_checkin(
    institute: Institute, query: str, day: date, slot: str = DAY
) -> list[CheckinRow]:
    """Confirmed people whose name (any script), passport name or e-mail contains the query,
    or whose check-in code is exactly the query (a scanned or typed badge)."""
    query = (query or "").replace("\x00", "").strip()
    if not query:
        return []
    by_code = select(CheckinPass.invitee_id).where(CheckinPass.code == query[:32])
    needle = search_key(query)
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    marked = (
        select(AttendanceMark.invitee_id)
        .where(AttendanceMark.day == day, AttendanceMark.slot == slot)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(
            Invitee.id,
            Invitee.full_name,
            Invitee.passport_name,
            Invitee.organization,
            Invitee.country,
            Invitee.id.in_(marked),
        )
        .where(
            *_checked_in(institute),
            Invitee.search_name.like(f"%{escaped}%", escape="\\") | Invitee.id.in_(by_code),
        )
        .order_by(Invitee.search_name, Invitee.id)
        .limit(SEARCH_LIMIT)
    ).all()
    return [CheckinRow(r[0], r[1], r[2] or "", r[3] or "", r[4], bool(r[5])) for r in rows]


class MarkRefused(ValueError):
    """The mark cannot be made: unknown person, a day outside the institute, a wrong session."""


def slot_of(session_id: int | None) -> str:
    return DAY if session_id is None else f"s{session_id}"


def mark(
    institute: Institute,
    *,
    invitee_id: int | None = None,
    code: str | None = None,
    day: date,
    session_id: int | None = None,
    present: bool = True,
    organizer=None,
) -> Invitee:
    """Mark a confirmed invitee present (or not) on a day of the institute, or at a session
    held that day. Idempotent: marking twice leaves one mark, unmarking an absent person does
    nothing; so a tap sent again from an offline queue is harmless. No commit here."""
    if day not in institute.days:
        raise MarkRefused("day")
    if code:
        invitee_id = (
            db.session.scalar(select(CheckinPass.invitee_id).where(CheckinPass.code == code))
            if CODE.fullmatch(code)
            else None
        )
    invitee = (
        db.session.scalar(select(Invitee).where(*_checked_in(institute), Invitee.id == invitee_id))
        if invitee_id
        else None
    )
    if invitee is None:
        raise MarkRefused("invitee")
    if session_id is not None:
        session = db.session.get(Session, session_id)
        if (
            session is None
            or session.institute_id != institute.id
            or session.starts_local.date() != day
        ):
            raise MarkRefused("session")
    slot = slot_of(session_id)
    existing = db.session.scalar(
        select(AttendanceMark).where(
            AttendanceMark.invitee_id == invitee.id,
            AttendanceMark.day == day,
            AttendanceMark.slot == slot,
        )
    )
    if present and existing is None:
        db.session.add(
            AttendanceMark(
                institute_id=institute.id,
                invitee_id=invitee.id,
                day=day,
                slot=slot,
                session_id=session_id,
                organizer_id=organizer.id if organizer is not None else None,
            )
        )
    elif not present and existing is not None:
        db.session.delete(existing)
    return invitee


def commit_mark(institute: Institute, **kwargs) -> Invitee:
    """``mark`` and commit; two devices marking the same person at once both succeed."""
    try:
        invitee = mark(institute, **kwargs)
        db.session.commit()
    except IntegrityError:  # the same mark was just made by another request
        db.session.rollback()
        invitee = mark(institute, **kwargs)
        db.session.commit()
    return invitee


def days_present(institute: Institute) -> dict[int, set[date]]:
    """The presence rule: a person was present on a day of the institute when marked present
    for that day, or at any session of that day. Marks outside the institute's days count
    for nothing (dates moved after check-in)."""
    days = set(institute.days)
    present: dict[int, set[date]] = {}
    rows = db.session.execute(
        select(AttendanceMark.invitee_id, AttendanceMark.day)
        .where(AttendanceMark.institute_id == institute.id)
        .distinct()
    )
    for invitee_id, day in rows:
        if day in days:
            present.setdefault(invitee_id, set()).add(day)
    return present


def clear_marks(institute: Institute) -> int:
    result = db.session.execute(
        delete(AttendanceMark).where(AttendanceMark.institute_id == institute.id)
    )
    return result.rowcount


# --- the attendance overview -------------------------------------------------------------------


@dataclass(frozen=True)
class SessionCount:
    session_id: int
    title: str
    kind: str
    starts: object
    present: int
    expected: int | None  # assigned to the breakout, or None for everyone


@dataclass(frozen=True)
class DayCount:
    day: date
    present: int
    sessions: tuple[SessionCount, ...]


@dataclass(frozen=True)
class Overview:
    confirmed: int
    days: tuple[DayCount, ...]


def presence_by_day(institute: Institute) -> tuple[int, list[tuple[date, int]]]:
    """For the dashboard: how many are expected (those who can be checked in: the stored
    count of confirmed invitees on the list) and how many were present on each day of the
    institute (one GROUP BY of the marks)."""
    confirmed = status_counts(institute)[RsvpStatus.CONFIRMED]
    present = dict(
        db.session.execute(
            select(AttendanceMark.day, func.count(func.distinct(AttendanceMark.invitee_id)))
            .where(AttendanceMark.institute_id == institute.id)
            .group_by(AttendanceMark.day)
        ).all()
    )
    return confirmed, [(day, present.get(day, 0)) for day in institute.days]


def attendable_sessions(institute: Institute) -> list[Session]:
    """Sessions one can attend (no breaks or meals), not cancelled, in time order."""
    return list(
        db.session.scalars(
            select(Session)
            .where(
                Session.institute_id == institute.id,
                Session.status == SessionStatus.SCHEDULED,
                Session.kind.not_in((SessionKind.BREAK, SessionKind.MEAL)),
            )
            .order_by(Session.starts_local, Session.id)
        )
    )


def overview(institute: Institute) -> Overview:
    """People present per day (by the presence rule) and per session; four queries."""
    confirmed = (
        db.session.scalar(select(func.count(Invitee.id)).where(*_checked_in(institute))) or 0
    )
    per_day: dict[date, int] = {}
    for days in days_present(institute).values():
        for day in days:
            per_day[day] = per_day.get(day, 0) + 1
    per_session = dict(
        db.session.execute(
            select(AttendanceMark.session_id, func.count(AttendanceMark.id))
            .where(
                AttendanceMark.institute_id == institute.id, AttendanceMark.session_id.isnot(None)
            )
            .group_by(AttendanceMark.session_id)
        ).all()
    )
    assigned = dict(
        db.session.execute(
            select(BreakoutAssignment.session_id, func.count(BreakoutAssignment.id))
            .join(Session, Session.id == BreakoutAssignment.session_id)
            .where(Session.institute_id == institute.id)
            .group_by(BreakoutAssignment.session_id)
        ).all()
    )
    sessions_by_day: dict[date, list[SessionCount]] = {}
    for s in attendable_sessions(institute):
        sessions_by_day.setdefault(s.starts_local.date(), []).append(
            SessionCount(
                s.id,
                s.title,
                s.kind.value,
                s.starts_local,
                per_session.get(s.id, 0),
                assigned.get(s.id) if s.kind == SessionKind.BREAKOUT else None,
            )
        )
    return Overview(
        confirmed=confirmed,
        days=tuple(
            DayCount(day, per_day.get(day, 0), tuple(sessions_by_day.get(day, [])))
            for day in institute.days
        ),
    )


# --- sign-in sheets ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetRow:
    name: str
    latin_name: str
    organization: str
    country: str | None


def sheet_rows(institute: Institute, session: Session | None = None) -> list[SheetRow]:
    """Everyone confirmed (a day's sheet) or those assigned to a breakout group (its sheet),
    by name. A session other than a breakout lists everyone confirmed."""
    query = select(
        Invitee.full_name, Invitee.passport_name, Invitee.organization, Invitee.country
    ).where(*_checked_in(institute))
    if session is not None and session.kind == SessionKind.BREAKOUT:
        query = query.join(BreakoutAssignment, BreakoutAssignment.invitee_id == Invitee.id).where(
            BreakoutAssignment.session_id == session.id
        )
    rows = db.session.execute(query.order_by(Invitee.search_name, Invitee.id)).all()
    return [SheetRow(r[0], r[1] or "", r[2] or "", r[3]) for r in rows]


def session_of(institute: Institute, session_id: int) -> Session | None:
    session = db.session.get(Session, session_id)
    return session if session is not None and session.institute_id == institute.id else None


def qr_data_url(code: str) -> str:
    """The check-in code as a QR code in an SVG data URL (badges, the check-in page)."""
    import segno

    return segno.make(code, error="m", micro=False).svg_data_uri(scale=4, border=2)
