"""Pages of travel, one module per blueprint: legs, visas, accommodation, and /me/travel.

This module holds the parent blueprint, the shared labels and the panels on shared pages."""

import click
from flask import Blueprint
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from planner.extensions import db
from planner.institutes.models import Institute
from planner.invitations.models import RsvpStatus
from planner.sections import add_section, panel
from planner.travel import dashboard, overview, riskstore, services
from planner.travel.labels import (
    DIRECTION_LABELS,
    MODE_LABELS,
    RISK_KIND_LABELS,
    VISA_REQUIREMENT_LABELS,
    VISA_STATUS_LABELS,
)
from planner.travel.manifests import pickup_text
from planner.travel.models import VisaCase
from planner.travel.risks import findings_for, load_travel_data
from planner.travel.views.common import invitee_list_url

bp = Blueprint("travel", __name__, cli_group=None)
# One child per institute tab (the tab of the current endpoint's group is highlighted),
# and one for the invitee's own pages: endpoints read travel.legs.*, travel.visas.*, ...

add_section("travel.legs.index", _l("Travel"), 20)
add_section("travel.visas.index", _l("Visas"), 25)
add_section("travel.accommodation.index", _l("Accommodation"), 30)


@bp.app_context_processor
def travel_labels():
    return {
        "visa_status_labels": VISA_STATUS_LABELS,
        "visa_requirement_labels": VISA_REQUIREMENT_LABELS,
        "mode_labels": MODE_LABELS,
        "direction_labels": DIRECTION_LABELS,
        "risk_kind_labels": RISK_KIND_LABELS,
        "pickup_text": lambda leg: pickup_text(leg, _),
    }


# The dashboard shows the most serious risks first; the rest are one click away.
DASHBOARD_RISKS = 8


@panel("dashboard", "travel/_dashboard_panel.html", 20)
def dashboard_panel(institute):
    # SQL aggregates and stored risks: the cost does not grow with the invitees.
    rows = dashboard.status_by_nationality(institute)
    if not rows:
        return None
    page = dashboard.first_risks(institute, DASHBOARD_RISKS)
    return {
        "rows": rows,
        "chart": overview.stacked_chart(rows),
        "segments": overview.SEGMENTS,
        "colours": overview.SEGMENT_COLOURS,
        "findings": page.findings,
        "risk_count": page.count,
        "invitee_list_url": invitee_list_url,
    }


@panel("invitee", "travel/_invitee_panel.html", 20)
def invitee_panel(invitee):
    data = load_travel_data(invitee.institute)
    return {
        "invitee": invitee,
        "legs": data.legs.get(invitee.id, []),
        "case": data.cases.get(invitee.id),
        "rule": data.rules.get(invitee.nationality or ""),
        "rooms": data.rooms.get(invitee.id, []),
        "hotels": data.hotels,
        "findings": findings_for(data, invitee.id),
    }


@panel("me", "travel/_me_panel.html", 20)
def me_panel(invitee):
    if invitee.rsvp_status != RsvpStatus.CONFIRMED:
        return None
    case = db.session.scalar(select(VisaCase).where(VisaCase.invitee_id == invitee.id))
    return {"invitee": invitee, "legs": services.legs_of(invitee), "case": case}


@bp.cli.command("rebuild-risks")
@click.option("--slug", default=None, help="Only this institute.")
def rebuild_risks_command(slug: str | None) -> None:
    """Check every invitee again and store the travel risks (all institutes, or one)."""
    query = select(Institute).order_by(Institute.id)
    if slug:
        query = query.where(Institute.slug == slug)
    for institute in db.session.scalars(query).all():
        count = riskstore.rebuild(institute)
        db.session.commit()
        click.echo(f"{institute.slug}: {count} risks")


# The child blueprints import from this package's common module, not from here.
from planner.travel.views.accommodation import rooms_bp  # noqa: E402
from planner.travel.views.legs import legs_bp  # noqa: E402
from planner.travel.views.me import me_bp  # noqa: E402
from planner.travel.views.visas import visas_bp  # noqa: E402

for child in (legs_bp, visas_bp, rooms_bp, me_bp):
    bp.register_blueprint(child)
