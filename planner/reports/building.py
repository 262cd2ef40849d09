"""The donor report: anonymous counts of who took part, with small cells suppressed.

One function (``build_report``) makes the rows that the page, the PDF and the CSV all show,
so they cannot disagree. Nothing that names a person (name, e-mail, passport, phone,
organization) is read into the report's rows at all.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from planner.attendance.services import days_present
from planner.auth.models import Membership
from planner.extensions import db
from planner.formatting import country_name
from planner.institutes.models import Institute
from planner.invitations.forms import ROLE_LABELS
from planner.invitations.models import Invitee, RsvpStatus
from planner.reports import profiles

# Cells counting 1 to 4 people are suppressed: a person could be recognised in them.
SMALL_CELL = 5
UNKNOWN = "unknown"

DIMENSIONS = (
    ("country", _l("Country of residence")),
    ("gender", _l("Gender")),
    ("age_group", _l("Age group")),
    ("setting", _l("Urban or rural")),
    ("sector", _l("Profession or sector")),
    ("role", _l("Role")),
    ("returning", _l("New or returning")),
    ("days", _l("Days attended")),
)
RETURNING_LABELS = {"new": _l("New"), "returning": _l("Returning")}


@dataclass(frozen=True)
class Cell:
    key: str
    label: str
    count: int
    suppressed: bool

    @property
    def shown(self) -> str:
        return f"<{SMALL_CELL}" if self.suppressed else str(self.count)


@dataclass(frozen=True)
class Breakdown:
    key: str
    title: str
    cells: tuple[Cell, ...]


@dataclass
class Report:
    institutes: list[Institute]
    total: int
    total_suppressed: bool
    breakdowns: list[Breakdown] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    follow_up: Breakdown | None = None
    follow_up_where: Breakdown | None = None

    @property
    def total_shown(self) -> str:
        return f"<{SMALL_CELL}" if self.total_suppressed else str(self.total)


def suppress(counts: dict[str, int]) -> dict[str, bool]:
    """Which cells to hide: every count from 1 to 4, and, when only one cell of a breakdown
    would be hidden, also the next smallest non-zero one, so the hidden count cannot be
    worked out from the total and the others."""
    hidden = {key: 0 < n < SMALL_CELL for key, n in counts.items()}
    if sum(hidden.values()) == 1:
        others = sorted((n, key) for key, n in counts.items() if n and not hidden[key])
        if others:
            hidden[others[0][1]] = True
    return hidden


def _label(dimension: str, key: str) -> str:
    if key == UNKNOWN:
        return str(_l("Not known"))
    labels = {
        "gender": profiles.GENDER_LABELS,
        "age_group": profiles.AGE_GROUP_LABELS,
        "setting": profiles.SETTING_LABELS,
        "sector": profiles.SECTOR_LABELS,
        "returning": RETURNING_LABELS,
    }
    if dimension == "country":
        return country_name(key) or key
    if dimension == "role":
        return str({r.value: label for r, label in ROLE_LABELS.items()}.get(key, key))
    if dimension == "days":
        return key
    return str(labels[dimension].get(key, key))


def institutes_in_range(
    organizer, start: date | None, end: date | None, organization_id: int | None = None
) -> list[Institute]:
    """The organizer's institutes (those whose team they are on) starting within the range
    (both ends included), of one organization when given."""
    query = (
        select(Institute)
        .join(Membership, Membership.institute_id == Institute.id)
        .where(Membership.organizer_id == organizer.id)
        .order_by(Institute.start_date, Institute.id)
    )
    if organization_id is not None:
        query = query.where(Institute.organization_id == organization_id)
    if start:
        query = query.where(Institute.start_date >= start)
    if end:
        query = query.where(Institute.start_date <= end)
    return list(db.session.scalars(query))


def returning_ids(institute: Institute, earlier: list[Institute] | None = None) -> set[int]:
    """Invitees of ``institute`` whose person took part (was confirmed) in an earlier
    institute of the same organization (or in one of ``earlier``, when given; other
    organizations' institutes never count). The person link is made by e-mail, or by a name
    and nationality match an organizer confirmed (``planner.reports.returning``)."""
    query = select(Invitee.id).where(Invitee.institute_id == institute.id)
    Earlier = db.aliased(Invitee)
    EarlierInstitute = db.aliased(Institute)
    took_part = (
        select(Earlier.id)
        .join(EarlierInstitute, EarlierInstitute.id == Earlier.institute_id)
        .where(
            Earlier.person_id == Invitee.person_id,
            Earlier.rsvp_status == RsvpStatus.CONFIRMED,
            Earlier.removed_at.is_(None),
            EarlierInstitute.organization_id == institute.organization_id,
            EarlierInstitute.start_date < institute.start_date,
        )
    )
    if earlier is not None:
        took_part = took_part.where(EarlierInstitute.id.in_([i.id for i in earlier]))
    return set(db.session.scalars(query.where(Invitee.person_id.isnot(None), took_part.exists())))


def build_report(institutes: list[Institute], earlier: list[Institute] | None = None) -> Report:
    """Counts of the confirmed people of the institutes (one per person per institute) by
    each dimension. Someone is returning when their person took part in an earlier institute
    of the same organization (or of ``earlier``, when given)."""
    counters = {key: Counter() for key, _title in DIMENSIONS}
    total = 0
    for institute in institutes:
        people = list(
            db.session.scalars(
                select(Invitee).where(
                    Invitee.institute_id == institute.id,
                    Invitee.rsvp_status == RsvpStatus.CONFIRMED,
                    Invitee.removed_at.is_(None),
                )
            )
        )
        answers = profiles.profiles_by_invitee([p.id for p in people])
        present = days_present(institute)
        back = returning_ids(institute, earlier)
        for person in people:
            profile = answers.get(person.id)
            age = profiles.age_group_of(person, profile)
            values = {
                "country": person.country or UNKNOWN,
                "gender": (profile.gender if profile and profile.gender else UNKNOWN),
                "age_group": age.value if age else UNKNOWN,
                "setting": (profile.setting if profile and profile.setting else UNKNOWN),
                "sector": (profile.sector if profile and profile.sector else UNKNOWN),
                "role": person.role.value,
                "returning": "returning" if person.id in back else "new",
                "days": str(len(present.get(person.id, ()))),
            }
            for key, value in values.items():
                counters[key][value] += 1
            total += 1
    report = Report(institutes=institutes, total=total, total_suppressed=0 < total < SMALL_CELL)
    for key, title in DIMENSIONS:
        counts = dict(counters[key])
        hidden = suppress(counts)
        if report.total_suppressed:
            hidden = dict.fromkeys(counts, True)
        order = (
            sorted(counts, key=int)
            if key == "days"
            else sorted(counts, key=lambda k: (k == UNKNOWN, -counts[k], k))
        )
        cells = tuple(Cell(k, _label(key, k), counts[k], hidden[k]) for k in order)
        report.breakdowns.append(Breakdown(key, str(title), cells))
    _add_follow_up(report, institutes)
    report.missing = [
        str(
            _l(
                "Returning people are recognised among the earlier institutes of the same "
                "organization, by e-mail or by a name and nationality match an organizer "
                "confirmed; a possible match not yet confirmed counts as new."
            )
        ),
    ]
    return report


def _add_follow_up(report: Report, institutes: list[Institute]) -> None:
    """The follow-up answers: numbers only. With fewer than five answers nothing but the
    number asked is shown, since a sum of one or two answers is someone's answer."""
    from planner.reports.followup import OTHER, figures

    found = figures(institutes)
    if not found.asked:
        report.missing.insert(
            0, str(_l("No follow-up questions were sent for these institutes yet."))
        )
        return
    few = found.answered < SMALL_CELL
    # Sums of fewer than five people's answers would be their answers: hidden with the count.
    few_trainers = few or 0 < found.ran_training < SMALL_CELL
    rows = [
        ("asked", _l("Asked"), found.asked, False),
        ("answered", _l("Answered"), found.answered, few),
        ("ran_training", _l("Gave a training since"), found.ran_training, few_trainers),
        ("trainings", _l("Trainings given"), found.trainings, few_trainers),
        ("people_reached", _l("People reached by them"), found.people_reached, few_trainers),
    ]
    report.follow_up = Breakdown(
        "follow_up",
        str(_l("Follow-up after the institute")),
        tuple(Cell(key, str(label), n, hidden) for key, label, n, hidden in rows),
    )
    hidden = suppress(found.countries)
    report.follow_up_where = Breakdown(
        "follow_up_where",
        str(_l("Where they trained (people answering)")),
        tuple(
            Cell(
                code,
                str(_l("Another country")) if code == OTHER else (country_name(code) or code),
                n,
                few or hidden[code],
            )
            for code, n in sorted(found.countries.items(), key=lambda kv: -kv[1])
        ),
    )


@dataclass(frozen=True)
class ChartBar:
    label: str
    shown: str
    y: int
    width: float


def chart(breakdown: Breakdown, width: int = 520, bar_height: int = 18) -> dict:
    """Geometry of a horizontal bar chart in SVG user units; suppressed cells get no bar."""
    label_width, gap, top = 170, 6, 4
    plot = width - label_width - 50
    largest = max((c.count for c in breakdown.cells if not c.suppressed), default=0) or 1
    bars = [
        ChartBar(
            cell.label,
            cell.shown,
            top + n * (bar_height + gap),
            0.0 if cell.suppressed else round(plot * cell.count / largest, 1),
        )
        for n, cell in enumerate(breakdown.cells)
    ]
    height = top + len(bars) * (bar_height + gap) + 4
    return {
        "width": width,
        "height": height,
        "label_width": label_width,
        "bar_height": bar_height,
        "bars": bars,
    }


def csv_rows(report: Report) -> tuple[list[str], list[list[str]]]:
    """The CSV's header and rows: one row per cell, the same numbers as the page."""
    header = [str(_l("Breakdown")), str(_l("Category")), str(_l("People"))]
    rows = [[str(_l("Total")), "", report.total_shown]]
    extra = [b for b in (report.follow_up, report.follow_up_where) if b is not None]
    for breakdown in [*report.breakdowns, *extra]:
        rows.extend([breakdown.title, cell.label, cell.shown] for cell in breakdown.cells)
    return header, rows
