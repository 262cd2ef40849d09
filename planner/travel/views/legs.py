"""Travel legs of invitees (organizers): the travel tab, risks, manifests and exports."""

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from planner.extensions import db
from planner.formatting import format_local
from planner.institutes.access import institute_view
from planner.institutes.forms import ConfirmForm
from planner.invitations.forms import STATUS_LABELS as RSVP_STATUS_LABELS
from planner.invitations.models import RsvpStatus
from planner.security import audit
from planner.security.csvsafe import csv_text
from planner.travel import overview, services
from planner.travel.labels import VISA_STATUS_LABELS
from planner.travel.manifests import build_manifest, pickup_text
from planner.travel.models import Pickup
from planner.travel.risks import all_findings, findings_for, load_travel_data
from planner.travel.views.common import (
    ORG,
    _invitee_of,
    _leg_form,
    _leg_of,
    _no_store,
    _of_nationality,
    _save_leg,
    csv_download,
)

legs_bp = Blueprint("legs", __name__)


@legs_bp.get(f"{ORG}/travel/", endpoint="index")
@institute_view()
def index(institute):
    data = load_travel_data(institute)
    nationality = request.args.get("nationality", "").upper()
    travel = request.args.get("travel", "")
    rsvp = request.args.get("rsvp", "confirmed")
    statuses = () if rsvp == "all" else (RsvpStatus.CONFIRMED,)
    rows = overview.travel_rows(data, statuses)
    if nationality:
        rows = _of_nationality(rows, nationality)
    if travel == "missing":
        rows = [r for r in rows if r.arrival is None]
    elif travel == "given":
        rows = [r for r in rows if r.arrival is not None]
    elif travel in ("pickup", "pickup_arranged"):
        wanted = Pickup.REQUESTED if travel == "pickup" else Pickup.ARRANGED
        rows = [r for r in rows if r.arrival is not None and r.arrival.pickup == wanted]
    return render_template(
        "travel/index.html",
        institute=institute,
        rows=rows,
        filters={"nationality": nationality, "travel": travel, "rsvp": rsvp},
        nationalities=sorted({i.nationality for i in data.present if i.nationality}),
    )


@legs_bp.get(f"{ORG}/travel/risks", endpoint="risks")
@institute_view()
def risk_list(institute):
    """Every finding of every check, the serious ones first."""
    findings = all_findings(load_travel_data(institute))
    kind = request.args.get("kind", "")
    kinds = sorted({f.kind for f in findings})
    return render_template(
        "travel/risks.html",
        institute=institute,
        findings=[f for f in findings if not kind or f.kind == kind],
        kinds=kinds,
        kind=kind,
        total=len(findings),
    )


@legs_bp.get(f"{ORG}/travel/invitees/<int:invitee_id>", endpoint="invitee")
@institute_view()
def invitee(institute, invitee_id: int):
    person = _invitee_of(institute, invitee_id)
    data = load_travel_data(institute)
    return render_template(
        "travel/invitee.html",
        institute=institute,
        invitee=person,
        legs=data.legs.get(person.id, []),
        case=data.cases.get(person.id),
        rule=data.rules.get(person.nationality or ""),
        rooms=[(a, overview.roommates(data, a)) for a in data.rooms.get(person.id, [])],
        hotels=data.hotels,
        findings=findings_for(data, person.id),
        history=services.visa_history(person),
        confirm=ConfirmForm(),
    )


@legs_bp.route(
    f"{ORG}/travel/invitees/<int:invitee_id>/legs/new", methods=["GET", "POST"], endpoint="new_leg"
)
@institute_view("editor")
def new_leg(institute, invitee_id: int):
    person = _invitee_of(institute, invitee_id)
    form = _leg_form(person, organizer=True)
    if _save_leg(form, person, None, organizer=current_user):
        flash(_("The travel leg is saved."), "success")
        return redirect(url_for("travel.legs.invitee", slug=institute.slug, invitee_id=person.id))
    return render_template(
        "travel/leg_form.html", institute=institute, invitee=person, form=form, leg=None
    ), (400 if form.errors else 200)


@legs_bp.route(f"{ORG}/travel/legs/<int:leg_id>/edit", methods=["GET", "POST"], endpoint="edit_leg")
@institute_view("editor")
def edit_leg(institute, leg_id: int):
    leg = _leg_of(institute, leg_id)
    form = _leg_form(leg.invitee, leg, organizer=True)
    if _save_leg(form, leg.invitee, leg, organizer=current_user):
        flash(_("The travel leg is saved."), "success")
        return redirect(
            url_for("travel.legs.invitee", slug=institute.slug, invitee_id=leg.invitee_id)
        )
    return render_template(
        "travel/leg_form.html", institute=institute, invitee=leg.invitee, form=form, leg=leg
    ), (400 if form.errors else 200)


@legs_bp.post(f"{ORG}/travel/legs/<int:leg_id>/delete", endpoint="delete_leg")
@institute_view("editor")
def delete_leg(institute, leg_id: int):
    leg = _leg_of(institute, leg_id)
    invitee_id = leg.invitee_id
    if ConfirmForm().validate_on_submit():
        services.delete_leg(leg, organizer=current_user)
        db.session.commit()
        # i18n: invitee
        flash(_("The travel leg is deleted."), "success")
    return redirect(url_for("travel.legs.invitee", slug=institute.slug, invitee_id=invitee_id))


# --- manifests and exports -----------------------------------------------------------------


@legs_bp.get(f"{ORG}/travel/arrivals", endpoint="arrivals")
@institute_view()
def arrivals(institute):
    return _manifest_page(institute, "arrival")


@legs_bp.get(f"{ORG}/travel/departures", endpoint="departures")
@institute_view()
def departures(institute):
    return _manifest_page(institute, "departure")


def _manifest_page(institute, direction: str):
    manifest = build_manifest(load_travel_data(institute), direction)
    page = render_template(
        "travel/manifest.html", institute=institute, direction=direction, manifest=manifest
    )
    return _no_store(Response(page))


@legs_bp.get(f"{ORG}/travel/arrivals.csv", endpoint="arrivals_csv")
@institute_view("editor")
def arrivals_csv(institute):
    return _manifest_csv(institute, "arrival")


@legs_bp.get(f"{ORG}/travel/departures.csv", endpoint="departures_csv")
@institute_view("editor")
def departures_csv(institute):
    return _manifest_csv(institute, "departure")


def _manifest_csv(institute, direction: str) -> Response:
    header, rows = build_manifest(load_travel_data(institute), direction).table()
    audit.record(
        f"travel.{direction}_manifest_exported", institute=institute, organizer=current_user
    )
    db.session.commit()
    name = "arrivals" if direction == "arrival" else "departures"
    return csv_download(csv_text(header, rows), f"{institute.slug}-{name}.csv")


@legs_bp.get(f"{ORG}/travel/export.csv", endpoint="export_csv")
@institute_view("editor")
def export_csv(institute):
    """Invitees with their RSVP, visa, travel and room status; no passport data."""
    data = load_travel_data(institute)
    zone = institute.timezone
    findings = all_findings(data)
    risk_count: dict[int, int] = {}
    for finding in findings:
        if finding.invitee_id is not None:
            risk_count[finding.invitee_id] = risk_count.get(finding.invitee_id, 0) + 1
    header = [
        _("Name"),
        _("E-mail"),
        _("Phone"),
        _("Organization"),
        _("Country"),
        _("Nationality"),
        _("RSVP"),
        _("Visa"),
        _("Arrives"),
        _("Arrival point"),
        _("Pickup"),
        _("Leaves"),
        _("Hotel"),
        _("Room"),
        _("Check-in"),
        _("Check-out"),
        _("Risks"),
    ]
    rows = []
    for row in overview.travel_rows(data, statuses=()):
        person = row.invitee
        room = row.rooms[0] if row.rooms else None
        rows.append(
            [
                person.full_name,
                person.email,
                person.phone,
                person.organization,
                person.country or "",
                person.nationality or "",
                str(RSVP_STATUS_LABELS[person.rsvp_status]),
                str(VISA_STATUS_LABELS[row.case_status]) if row.case_status else "",
                format_local(row.arrival.arrives_at, zone, "yyyy-MM-dd HH:mm")
                if row.arrival
                else "",
                row.arrival.to_place if row.arrival else "",
                pickup_text(row.arrival, _) if row.arrival else "",
                format_local(row.departure.departs_at, zone, "yyyy-MM-dd HH:mm")
                if row.departure
                else "",
                data.hotels[room.hotel_id].name if room else "",
                room.room_label if room else "",
                room.check_in.isoformat() if room else "",
                room.check_out.isoformat() if room else "",
                risk_count.get(person.id, 0),
            ]
        )
    audit.record("travel.status_exported", institute=institute, organizer=current_user)
    db.session.commit()
    return csv_download(csv_text(header, rows), f"{institute.slug}-travel-status.csv")
