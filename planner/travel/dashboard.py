"""The travel panel of the dashboard from SQL aggregates and stored risks.

Counts by nationality, RSVP status, visa state and travel completeness come from one
``GROUP BY``; each group is then sorted into its bar segment by the same rules the lists use
(``overview.segment_of``, ``risks.needs_visa``), called once per group, not once per invitee.
The risks come from the ``risk`` table (``riskstore.first_risks``).

Both are figures of the institute's data: they are computed once per data version and day
(the risks also per reader's language, as they are worded) and stored
(``institutes.derived``), so a dashboard view reads each with one query.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, replace
from datetime import date, datetime
from types import SimpleNamespace

from sqlalchemy import exists, func, select

from planner.extensions import db
from planner.formatting import country_name, current_locale
from planner.institutes import derived
from planner.institutes.models import Institute
from planner.invitations.models import Invitee, InviteeRole, RsvpStatus
from planner.travel import overview, riskstore
from planner.travel.models import Direction, TravelLeg, VisaCase, VisaRule
from planner.travel.risks import Finding, InviteeRow, TravelData, final_arrival

# A stand-in for the invitees of one group: the rules read only the grouped fields.
_GROUP_MEMBER = InviteeRow(
    id=-1,
    institute_id=0,
    full_name="",
    passport_name="",
    email="",
    phone="",
    organization="",
    country=None,
    nationality=None,
    role=InviteeRole.PARTICIPANT,
    language="",
    rsvp_status=RsvpStatus.INVITED,
    passport_expiry=None,
    removed_at=None,
)
_ARRIVAL = SimpleNamespace(direction=Direction.ARRIVAL, arrives_at=datetime.min)


def status_by_nationality(institute: Institute) -> list[overview.CountryRow]:
    """One row per nationality (unknown last) with the count of each segment."""
    today = datetime.now(institute.zone).date()
    stored = derived.stored(
        institute, "travel_by_nationality", lambda: _counts(institute, today), today.isoformat()
    )
    rows = [
        overview.CountryRow(
            code,
            country_name(code) if code else "",
            defaultdict(int, counts),
            defaultdict(int, rsvp),
            no_arrival,
        )
        for code, counts, rsvp, no_arrival in stored
    ]
    return sorted(rows, key=lambda r: (not r.code, r.name.casefold()))


def _counts(institute: Institute, today: date) -> list:
    """[code, counts by segment, counts by RSVP status, confirmed without arrival] per
    nationality: one query."""
    arrives = (
        exists()
        .where(TravelLeg.invitee_id == Invitee.id, TravelLeg.direction == Direction.ARRIVAL)
        .label("arrives")
    )
    groups = db.session.execute(
        select(
            Invitee.nationality,
            Invitee.rsvp_status,
            VisaCase.status,
            VisaRule.requirement,
            arrives,
            func.count(),
        )
        .outerjoin(VisaCase, VisaCase.invitee_id == Invitee.id)
        .outerjoin(
            VisaRule,
            (VisaRule.institute_id == institute.id) & (VisaRule.nationality == Invitee.nationality),
        )
        .where(Invitee.institute_id == institute.id, Invitee.removed_at.is_(None))
        .group_by(
            Invitee.nationality, Invitee.rsvp_status, VisaCase.status, VisaRule.requirement, arrives
        )
    ).all()
    rows: dict[str, overview.CountryRow] = {}
    for nationality, rsvp_status, case_status, requirement, has_arrival, count in groups:
        member = replace(
            _GROUP_MEMBER,
            institute_id=institute.id,
            nationality=nationality,
            rsvp_status=RsvpStatus(rsvp_status),
        )
        data = TravelData(
            institute=institute,
            today=today,
            settings=None,
            invitees=[member],
            legs={member.id: [_ARRIVAL]} if has_arrival else {},
            cases={member.id: SimpleNamespace(status=case_status)} if case_status else {},
            rules={
                nationality or "": SimpleNamespace(nationality=nationality, requirement=requirement)
            }
            if requirement
            else {},
        )
        code = nationality or ""
        if code not in rows:
            rows[code] = overview.CountryRow(code, "")
        row = rows[code]
        row.counts[overview.segment_of(member, data)] += count
        row.rsvp[member.rsvp_status.value] += count
        if (
            member.rsvp_status == RsvpStatus.CONFIRMED
            and final_arrival(data.legs.get(-1, [])) is None
        ):
            row.no_arrival += count
    return [[r.code, dict(r.counts), dict(r.rsvp), r.no_arrival] for r in rows.values()]


def first_risks(institute: Institute, limit: int) -> riskstore.RiskPage:
    """The most serious risks, worded in the reader's language, and how many there are."""

    def compute():
        page = riskstore.first_risks(institute, limit)
        return {"count": page.count, "findings": [asdict(f) for f in page.findings]}

    today = datetime.now(institute.zone).date()
    basis = f"{today.isoformat()} {limit}"
    page = derived.stored(institute, f"travel_risks_{current_locale()}", compute, basis)
    return riskstore.RiskPage([Finding(**f) for f in page["findings"]], page["count"])
