"""Stored risks: the travel checks' findings kept per invitee, so the dashboard reads a page.

The rules stay in ``risks.py`` (one function each); this module runs them for the invitees
whose data changed and stores what they found, one ``Risk`` row per finding:

- Kept in step on commit: a change to an invitee, their legs, visa case or rooms marks the
  invitee; before the transaction commits, the checks run on those invitees alone (a
  fixed number of queries) and their rows are replaced.
- A change to what every invitee's risks depend on (visa rules, travel settings, hotels,
  the program's times, the institute's dates) marks the institute's stored risks stale,
  and so does a new day; the next reader then checks every invitee again (``rebuild``, also
  ``flask rebuild-risks``).
- The dashboard reads the first N rows and the count, then words those N findings in the
  reader's language by running the checks on those few invitees.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import (
    Date,
    ForeignKey,
    String,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.orm import Session as OrmSession

from planner.agenda.models import Session
from planner.db import commit_keeping_loaded
from planner.extensions import db
from planner.institutes.models import Institute
from planner.institutes.versioning import note_touched
from planner.invitations.models import Invitee
from planner.travel import risks
from planner.travel.models import (
    Hotel,
    RoomAssignment,
    TravelLeg,
    TravelSettings,
    VisaCase,
    VisaRule,
)
from planner.travel.risks import Finding, TravelData

# The marker row of an institute (no invitee): when and on what basis risks were computed.
MARKER = "_basis"
# Invitees checked at once by rebuild(): all 3,000 of a large institute at once held about
# 13 MB in the web worker that served the first dashboard of the day.
REBUILD_BATCH = 500


class Risk(db.Model):
    """One finding of a travel check about one invitee, or an institute's marker row."""

    __tablename__ = "risk"

    id: Mapped[int] = mapped_column(primary_key=True)
    institute_id: Mapped[int] = mapped_column(
        ForeignKey("institute.id", ondelete="CASCADE"), index=True
    )
    invitee_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitee.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30))
    severity: Mapped[str] = mapped_column(String(10), default="warning")
    rank: Mapped[int] = mapped_column(default=0)  # the order of the dashboard's list
    computed_on: Mapped[date] = mapped_column(Date)
    basis: Mapped[str] = mapped_column(String(64), default="")


# --- computing and storing ----------------------------------------------------------------


def _rank(check_index: int, severity: str) -> int:
    """The dashboard's order: the most serious first, then in the order of the checks."""
    return (0 if severity == "danger" else 1000) + check_index


def _findings(data: TravelData) -> list[tuple[int, Finding]]:
    return [
        (_rank(n, finding.severity), finding)
        for n, check in enumerate(risks.CHECKS)
        for finding in check(data)
        if finding.invitee_id is not None
    ]


def rebuild(institute: Institute, today: date | None = None) -> int:
    """Check every invitee of the institute again and store what is found; returns the count.

    The checks run on ``REBUILD_BATCH`` invitees at a time (each check looks at one person):
    the memory used stays that of a batch whatever the size of the institute."""
    today = today or datetime.now(institute.zone).date()
    db.session.execute(delete(Risk).where(Risk.institute_id == institute.id))
    invitee_ids = db.session.scalars(
        select(Invitee.id).where(Invitee.institute_id == institute.id).order_by(Invitee.id)
    ).all()
    count = 0
    for start in range(0, len(invitee_ids), REBUILD_BATCH):
        batch = invitee_ids[start : start + REBUILD_BATCH]
        found = _findings(risks.load_travel_data(institute, today, invitee_ids=batch))
        _store(institute, found, today)
        count += len(found)
    db.session.add(
        Risk(
            institute_id=institute.id,
            invitee_id=None,
            kind=MARKER,
            severity="",
            rank=0,
            computed_on=today,
            basis="",
        )
    )
    db.session.flush()
    return count


def refresh(institute: Institute, invitee_ids) -> None:
    """Check these invitees again (their data changed) and replace their stored risks."""
    invitee_ids = sorted(set(invitee_ids))
    if not invitee_ids:
        return
    today = datetime.now(institute.zone).date()
    data = risks.load_travel_data(institute, today, invitee_ids=invitee_ids)
    db.session.execute(
        delete(Risk).where(Risk.institute_id == institute.id, Risk.invitee_id.in_(invitee_ids))
    )
    _store(institute, _findings(data), today)


def _store(institute: Institute, found: list[tuple[int, Finding]], today: date) -> None:
    if found:
        db.session.execute(
            insert(Risk),
            [
                {
                    "institute_id": institute.id,
                    "invitee_id": finding.invitee_id,
                    "kind": finding.kind,
                    "severity": finding.severity,
                    "rank": rank,
                    "computed_on": today,
                    "basis": "",
                }
                for rank, finding in found
            ],
        )


def _stored_state(institute: Institute) -> tuple[int, bool]:
    """(number of stored risks, whether they are current): one query."""
    today = datetime.now(institute.zone).date()
    count, current = db.session.execute(
        select(
            func.count(Risk.id).filter(Risk.invitee_id.is_not(None)),
            func.count(Risk.id).filter(
                Risk.kind == MARKER, Risk.basis == "", Risk.computed_on == today
            ),
        ).where(Risk.institute_id == institute.id)
    ).one()
    return count or 0, bool(current)


def ensure_current(institute: Institute) -> int:
    """The number of stored risks, rebuilt first when stale, from another day, or never
    computed."""
    count, current = _stored_state(institute)
    if not current:
        count = rebuild(institute)
        commit_keeping_loaded(db.session())  # stored for the next reader
    return count


@dataclass
class RiskPage:
    findings: list[Finding]  # the first ones, worded in the reader's language
    count: int


def first_risks(institute: Institute, limit: int) -> RiskPage:
    """The ``limit`` most serious stored risks and how many there are in all.

    Reads the stored rows (kept current by ``ensure_current``), then words only those
    findings by running the checks on their few invitees: a fixed number of queries
    whatever the number of invitees."""
    count = ensure_current(institute)
    rows = db.session.execute(
        select(Risk.invitee_id, Risk.kind)
        .join(Invitee, Invitee.id == Risk.invitee_id)
        .where(Risk.institute_id == institute.id)
        .order_by(Risk.rank, Invitee.full_name, Invitee.id, Risk.id)
        .limit(limit)
    ).all()
    if not rows:
        return RiskPage([], count or 0)
    data = risks.load_travel_data(institute, invitee_ids={row.invitee_id for row in rows})
    worded: dict[tuple[int, str], list[Finding]] = defaultdict(list)
    for _, finding in _findings(data):
        worded[(finding.invitee_id, finding.kind)].append(finding)
    findings = []
    for row in rows:
        matching = worded.get((row.invitee_id, row.kind))
        if matching:
            findings.append(matching.pop(0))
    return RiskPage(findings, count or 0)


# --- kept in step with the data -------------------------------------------------------------

# Changes to these mark their invitee's risks for checking again before the commit.
_WATCHED = (TravelLeg, VisaCase, RoomAssignment)
# Changes to these concern every invitee: the institute's stored risks become stale.
_INSTITUTE_WIDE = (VisaRule, TravelSettings, Hotel)
_PROGRAM_BOUNDS = ("starts_local", "ends_local", "status", "institute_id")
_INSTITUTE_FIELDS = ("start_date", "end_date", "timezone", "country")
# What the checks read of an invitee (and the dashboard counts by).
_INVITEE_FIELDS = tuple(column.key for column in risks.INVITEE_COLUMNS)


def _changed(obj, names) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


@event.listens_for(OrmSession, "after_flush")
def _note_changed_invitees(session: OrmSession, flush_context) -> None:
    """Marks the invitees and institutes whose risks change, and raises those institutes'
    data version: the dashboard's travel figures are stored per version
    (``travel.dashboard``), so they follow even a change a service did not ``touch()``."""
    marked, stale = set(), set()
    _mark(session, marked, stale)
    session.info.setdefault("risk_invitees", set()).update(marked)
    session.info.setdefault("risk_stale", set()).update(stale)
    for institute_id in {*stale, *(institute_id for institute_id, _ in marked)} - {None}:
        note_touched(session, institute_id)


def _mark(session: OrmSession, marked: set, stale: set) -> None:
    changed = {obj for obj in session.dirty if session.is_modified(obj)}  # a set: tested per object
    for obj in [*session.new, *changed, *session.deleted]:
        if isinstance(obj, _INSTITUTE_WIDE):
            stale.add(obj.institute_id)
        elif isinstance(obj, Session):
            if obj not in changed or _changed(obj, _PROGRAM_BOUNDS):
                stale.add(obj.institute_id)
        elif isinstance(obj, Institute):
            if obj in changed and _changed(obj, _INSTITUTE_FIELDS):
                stale.add(obj.id)
        elif isinstance(obj, Invitee):
            if obj not in changed or _changed(obj, _INVITEE_FIELDS):
                marked.add((obj.institute_id, obj.id))
        elif isinstance(obj, _WATCHED):
            invitee = session.get(Invitee, obj.invitee_id) if obj.invitee_id else None
            if invitee is not None:
                marked.add((invitee.institute_id, invitee.id))


@event.listens_for(OrmSession, "before_commit")
def _refresh_marked(session: OrmSession) -> None:
    """The risks of invitees whose data changed are checked again in the same transaction,
    for institutes whose risks are stored (others are computed when first read)."""
    session.flush()
    marked = session.info.pop("risk_invitees", None)
    stale = session.info.pop("risk_stale", None)
    if stale:
        session.execute(
            update(Risk)
            .where(Risk.institute_id.in_(list(stale)), Risk.kind == MARKER)
            .values(basis="stale")
        )
    if not marked:
        return
    by_institute: dict[int, set[int]] = defaultdict(set)
    for institute_id, invitee_id in marked:
        by_institute[institute_id].add(invitee_id)
    stored = set(
        session.scalars(
            select(Risk.institute_id).where(
                Risk.institute_id.in_(list(by_institute)), Risk.kind == MARKER, Risk.basis == ""
            )
        )
    )
    for institute_id in stored:
        institute = session.get(Institute, institute_id)
        if institute is not None:
            refresh(institute, by_institute[institute_id])
    session.flush()
    session.info.pop("risk_invitees", None)
    session.info.pop("risk_stale", None)
