"""Pages of travel: legs, visas, accommodation, manifests, exports and /me/travel."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from planner.extensions import db
from planner.formatting import format_local
from planner.institutes.access import institute_view
from planner.institutes.forms import ConfirmForm
from planner.invitations.access import invitee_view
from planner.invitations.forms import STATUS_LABELS as RSVP_STATUS_LABELS
from planner.invitations.models import Invitee, RsvpStatus
from planner.sections import add_section, panel
from planner.security import audit
from planner.security.csvsafe import csv_filename, csv_text
from planner.travel import overview, risks, services
from planner.travel.forms import (
    HotelForm,
    LegForm,
    OrganizerLegForm,
    RoomForm,
    TravelSettingsForm,
    VisaRuleForm,
    VisaStatusForm,
)
from planner.travel.labels import (
    DIRECTION_LABELS,
    MODE_LABELS,
    RISK_KIND_LABELS,
    VISA_REQUIREMENT_LABELS,
    VISA_STATUS_LABELS,
)
from planner.travel.manifests import build_manifest, pickup_text
from planner.travel.models import (
    Direction,
    Hotel,
    Pickup,
    RoomAssignment,
    TravelLeg,
    TravelMode,
    VisaCase,
    VisaRequirement,
    VisaRule,
    VisaStatus,
)
from planner.travel.risks import all_findings, findings_for, load_travel_data
from planner.travel.zones import country_zone

bp = Blueprint("travel", __name__, cli_group=None)
# One child per institute tab (the tab of the current endpoint's group is highlighted),
# and one for the invitee's own pages: endpoints read travel.legs.*, travel.visas.*, ...
legs_bp = Blueprint("legs", __name__)
visas_bp = Blueprint("visas", __name__)
rooms_bp = Blueprint("accommodation", __name__)
me_bp = Blueprint("me", __name__)

add_section("travel.legs.index", _l("Travel"), 20)
add_section("travel.visas.index", _l("Visas"), 25)
add_section("travel.accommodation.index", _l("Accommodation"), 30)

ORG = "/institutes/<slug>"


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


def invitee_list_url(institute, **params) -> str:
    """The invitations package's list, filtered by ``params`` (status, nationality, ...)."""
    return url_for(
        "invitations.index", slug=institute.slug, **{k: v for k, v in params.items() if v}
    )


# --- scoped loaders: another institute's (or another invitee's) object is 404 ---------------


def _of_nationality(rows, nationality: str) -> list:
    """Rows of one nationality; "NONE" picks those whose nationality is not recorded."""
    wanted = "" if nationality == "NONE" else nationality
    return [r for r in rows if (r.invitee.nationality or "") == wanted]


def _invitee_of(institute, invitee_id: int) -> Invitee:
    invitee = db.session.get(Invitee, invitee_id)
    if invitee is None or invitee.institute_id != institute.id or invitee.removed_at is not None:
        abort(404)
    return invitee


def _leg_of(institute, leg_id: int) -> TravelLeg:
    leg = db.session.get(TravelLeg, leg_id)
    if leg is None or leg.invitee.institute_id != institute.id or leg.invitee.removed_at:
        abort(404)
    return leg


def _case_of(institute, case_id: int) -> VisaCase:
    case = db.session.get(VisaCase, case_id)
    if case is None or case.invitee.institute_id != institute.id or case.invitee.removed_at:
        abort(404)
    return case


def _rule_of(institute, rule_id: int) -> VisaRule:
    rule = db.session.get(VisaRule, rule_id)
    if rule is None or rule.institute_id != institute.id:
        abort(404)
    return rule


def _hotel_of(institute, hotel_id: int) -> Hotel:
    hotel = db.session.get(Hotel, hotel_id)
    if hotel is None or hotel.institute_id != institute.id:
        abort(404)
    return hotel


def _assignment_of(institute, assignment_id: int) -> RoomAssignment:
    assignment = db.session.get(RoomAssignment, assignment_id)
    if assignment is None or assignment.hotel.institute_id != institute.id:
        abort(404)
    return assignment


def _my_leg(invitee, leg_id: int) -> TravelLeg:
    leg = db.session.get(TravelLeg, leg_id)
    if leg is None or leg.invitee_id != invitee.id:
        abort(404)
    return leg


# --- panels on shared pages ----------------------------------------------------------------


# The dashboard shows the most serious risks first; the rest are one click away.
DASHBOARD_RISKS = 8


@panel("dashboard", "travel/_dashboard_panel.html", 20)
def dashboard_panel(institute):
    data = load_travel_data(institute)
    rows = overview.by_nationality(data)
    if not rows:
        return None
    findings = all_findings(data)
    return {
        "rows": rows,
        "chart": overview.stacked_chart(rows),
        "segments": overview.SEGMENTS,
        "colours": overview.SEGMENT_COLOURS,
        "findings": findings[:DASHBOARD_RISKS],
        "risk_count": len(findings),
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


# --- travel legs (organizers) --------------------------------------------------------------


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


def _leg_form(invitee, leg: TravelLeg | None = None, *, organizer: bool = False) -> LegForm:
    home = country_zone(invitee.country) or country_zone(invitee.nationality)
    institute_zone = invitee.institute.timezone
    form_class = OrganizerLegForm if organizer else LegForm
    form = form_class(obj=leg, preferred_zones=[institute_zone, home or ""])
    if leg is None and not form.is_submitted():
        direction = request.args.get("direction", "arrival")
        if direction not in ("arrival", "departure"):
            direction = "arrival"
        form.direction.data = direction
        form.mode.data = TravelMode.AIR.value
        here, there = (home or "", institute_zone)
        form.departs_tz.data, form.arrives_tz.data = (
            (here, there) if direction == "arrival" else (there, here)
        )
    elif leg is not None and not form.is_submitted():
        form.direction.data = leg.direction.value
        form.mode.data = leg.mode.value
    return form


def _leg_data(form: LegForm) -> services.LegData:
    return services.LegData(
        direction=Direction(form.direction.data),
        mode=TravelMode(form.mode.data),
        carrier=form.carrier.data or "",
        number=form.number.data or "",
        from_place=form.from_place.data,
        to_place=form.to_place.data,
        departs_local=form.departs_local.data,
        departs_tz=form.departs_tz.data or "",
        arrives_local=form.arrives_local.data,
        arrives_tz=form.arrives_tz.data or "",
        border_crossing=form.border_crossing.data or "",
        needs_pickup=form.needs_pickup.data,
        **(
            {"pickup_by": form.pickup_by.data or "", "pickup_at": form.pickup_at.data}
            if isinstance(form, OrganizerLegForm)
            else {}
        ),
    )


def _attach(form, errors: dict[str, str]) -> None:
    for name, message in errors.items():
        getattr(form, name).errors = [*getattr(form, name).errors, message]


def _save_leg(form: LegForm, invitee, leg: TravelLeg | None, **who) -> bool:
    """Validate and store; on a rule's error the messages go next to the fields."""
    if not form.validate_on_submit():
        return False
    try:
        if leg is None:
            services.add_leg(invitee, _leg_data(form), **who)
        else:
            services.update_leg(leg, _leg_data(form), **who)
    except services.InvalidInput as error:
        db.session.rollback()
        _attach(form, error.errors)
        return False
    db.session.commit()
    return True


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


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


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


def csv_download(text: str, filename: str) -> Response:
    """A CSV attachment that no cache keeps."""
    response = Response(text.encode("utf-8"), content_type="text/csv; charset=utf-8")
    filename = csv_filename(filename.removesuffix(".csv"))  # states the one separator
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _no_store(response)


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


@visas_bp.get(f"{ORG}/visas/export.csv", endpoint="export_csv")
@institute_view("owner")
def visa_export_csv(institute):
    """The one export with passport numbers: invitees with a visa case; owners only."""
    cases = db.session.execute(
        select(Invitee, VisaCase)
        .join(VisaCase, VisaCase.invitee_id == Invitee.id)
        .where(Invitee.institute_id == institute.id, Invitee.removed_at.is_(None))
        .order_by(Invitee.passport_name, Invitee.id)
    ).all()
    header = [
        _("Passport name"),
        _("Name"),
        _("Nationality"),
        _("Passport number"),
        _("Passport valid until"),
        _("Date of birth"),
        _("Visa"),
        _("Letter requested"),
        _("Letter sent"),
        _("Applied"),
        _("Decided"),
    ]

    def day(value):
        return value.date().isoformat() if value else ""

    rows = [
        [
            person.passport_name,
            person.full_name,
            person.nationality or "",
            person.passport_number or "",
            person.passport_expiry.isoformat() if person.passport_expiry else "",
            person.date_of_birth or "",
            str(VISA_STATUS_LABELS[case.status]),
            day(case.letter_requested_at),
            day(case.letter_sent_at),
            day(case.applied_at),
            day(case.decided_at),
        ]
        for person, case in cases
    ]
    audit.record("travel.visa_exported", institute=institute, organizer=current_user)
    db.session.commit()
    return csv_download(csv_text(header, rows), f"{institute.slug}-visas.csv")


# --- visas ---------------------------------------------------------------------------------


@visas_bp.get(f"{ORG}/visas/", endpoint="index")
@institute_view()
def visas(institute):
    return _render_visas(institute, VisaRuleForm(), _settings_form(institute))


def _settings_form(institute) -> TravelSettingsForm:
    return TravelSettingsForm(formdata=None, obj=services.settings_of(institute))


def _render_visas(institute, rule_form, settings_form):
    data = load_travel_data(institute)
    status_filter = request.args.get("status", "")
    nationality = request.args.get("nationality", "").upper()
    rows = overview.travel_rows(data)
    if nationality:
        rows = _of_nationality(rows, nationality)
    if status_filter == "open":
        rows = [r for r in rows if r.needs_visa]
    elif status_filter == "none":
        rows = [r for r in rows if r.case_status is None]
    elif status_filter in {s.value for s in VisaStatus}:
        rows = [r for r in rows if r.case_status == status_filter]
    used = {i.nationality for i in data.present if i.nationality} - {institute.country}
    page = render_template(
        "travel/visas.html",
        institute=institute,
        rules=sorted(data.rules.values(), key=lambda r: r.nationality),
        missing_rules=sorted(used - set(data.rules)),
        rows=rows,
        cases=data.cases,
        filters={"status": status_filter, "nationality": nationality},
        rule_form=rule_form,
        settings_form=settings_form,
        confirm=ConfirmForm(),
    )
    return page, (400 if rule_form.errors or settings_form.errors else 200)


@visas_bp.post(f"{ORG}/visas/rules", endpoint="save_rule")
@institute_view("editor")
def save_visa_rule(institute):
    form = VisaRuleForm()
    if form.validate_on_submit():
        services.save_visa_rule(
            institute,
            services.VisaRuleData(
                nationality=form.nationality.data,
                requirement=VisaRequirement(form.requirement.data),
                visa_free_days=form.visa_free_days.data,
                lead_time_days=form.lead_time_days.data,
                notes=form.notes.data or "",
            ),
            current_user,
        )
        db.session.commit()
        flash(_("The visa rule is saved."), "success")
        return redirect(url_for("travel.visas.index", slug=institute.slug))
    return _render_visas(institute, form, _settings_form(institute))


@visas_bp.post(f"{ORG}/visas/rules/<int:rule_id>/delete", endpoint="delete_rule")
@institute_view("editor")
def delete_visa_rule(institute, rule_id: int):
    rule = _rule_of(institute, rule_id)
    if ConfirmForm().validate_on_submit():
        services.delete_visa_rule(rule, institute, current_user)
        db.session.commit()
        flash(_("The visa rule is deleted."), "success")
    return redirect(url_for("travel.visas.index", slug=institute.slug))


@visas_bp.post(f"{ORG}/visas/settings", endpoint="save_settings")
@institute_view("editor")
def save_settings(institute):
    form = TravelSettingsForm()
    if form.validate_on_submit():
        services.save_settings(
            institute, form.passport_valid_months.data, form.travel_details_days.data, current_user
        )
        db.session.commit()
        flash(_("The settings of the checks are saved."), "success")
        return redirect(url_for("travel.visas.index", slug=institute.slug))
    return _render_visas(institute, VisaRuleForm(formdata=None), form)


@visas_bp.post(f"{ORG}/visas/cases/open", endpoint="open_cases")
@institute_view("editor")
def open_visa_cases(institute):
    if ConfirmForm().validate_on_submit():
        count = services.open_visa_cases(institute, current_user)
        db.session.commit()
        flash(
            _("Visa cases opened: %(count)d.", count=count) if count else _("No case to open."),
            "success",
        )
    return redirect(url_for("travel.visas.index", slug=institute.slug))


@visas_bp.post(f"{ORG}/visas/invitees/<int:invitee_id>/case", endpoint="open_case")
@institute_view("editor")
def open_visa_case(institute, invitee_id: int):
    person = _invitee_of(institute, invitee_id)
    if ConfirmForm().validate_on_submit():
        case = services.open_visa_case(person, organizer=current_user)
        db.session.commit()
        return redirect(url_for("travel.visas.case", slug=institute.slug, case_id=case.id))
    return redirect(url_for("travel.legs.invitee", slug=institute.slug, invitee_id=person.id))


@visas_bp.get(f"{ORG}/visas/cases/<int:case_id>", endpoint="case")
@institute_view()
def visa_case(institute, case_id: int):
    case = _case_of(institute, case_id)
    return _render_case(institute, case, VisaStatusForm(allowed=services.allowed_transitions(case)))


def _render_case(institute, case, form, status=200):
    return render_template(
        "travel/visa_case.html",
        institute=institute,
        case=case,
        invitee=case.invitee,
        rule=services.rule_for(case.invitee),
        history=services.visa_history(case.invitee),
        form=form,
        confirm=ConfirmForm(),
    ), status


@visas_bp.post(f"{ORG}/visas/cases/<int:case_id>/status", endpoint="move_case")
@institute_view("editor")
def move_visa_case(institute, case_id: int):
    case = _case_of(institute, case_id)
    form = VisaStatusForm(allowed=services.allowed_transitions(case))
    if form.validate_on_submit():
        try:
            services.transition_visa_case(
                case, form.status.data, organizer=current_user, note=form.note.data or ""
            )
        except services.VisaTransitionError as error:
            form.status.errors = [*form.status.errors, str(error)]
        else:
            db.session.commit()
            flash(_("The visa status is changed."), "success")
            return redirect(url_for("travel.visas.case", slug=institute.slug, case_id=case.id))
    return _render_case(institute, case, form, 400)


@visas_bp.post(f"{ORG}/visas/cases/<int:case_id>/approve-letter", endpoint="approve_letter")
@institute_view("editor")
def approve_letter(institute, case_id: int):
    case = _case_of(institute, case_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.approve_letter_request(case, current_user)
        except services.VisaTransitionError as error:
            flash(str(error), "danger")
        else:
            db.session.commit()
            flash(_("The letter request is approved."), "success")
    return redirect(url_for("travel.visas.case", slug=institute.slug, case_id=case.id))


# --- accommodation -------------------------------------------------------------------------


@rooms_bp.get(f"{ORG}/accommodation/", endpoint="index")
@institute_view()
def accommodation(institute):
    data = load_travel_data(institute)
    assignments = sorted(
        (a for rooms in data.rooms.values() for a in rooms),
        key=lambda a: (data.hotels[a.hotel_id].name.casefold(), a.room_label, a.check_in),
    )
    invitees = {i.id: i for i in data.invitees}
    return render_template(
        "travel/accommodation.html",
        institute=institute,
        hotels=list(data.hotels.values()),
        assignments=[(a, invitees[a.invitee_id], data.hotels[a.hotel_id]) for a in assignments],
        warnings=risks.missing_beds(data) + risks.beds_held_for_absent(data),
        confirm=ConfirmForm(),
    )


@rooms_bp.get(f"{ORG}/accommodation/rooming", endpoint="rooming")
@institute_view()
def rooming(institute):
    data = load_travel_data(institute)
    page = render_template(
        "travel/rooming.html", institute=institute, nights=overview.rooming_by_night(data)
    )
    return _no_store(Response(page))


@rooms_bp.route(f"{ORG}/accommodation/hotels/new", methods=["GET", "POST"], endpoint="new_hotel")
@institute_view("editor")
def new_hotel(institute):
    return _hotel_page(institute, None)


@rooms_bp.route(
    f"{ORG}/accommodation/hotels/<int:hotel_id>/edit",
    methods=["GET", "POST"],
    endpoint="edit_hotel",
)
@institute_view("editor")
def edit_hotel(institute, hotel_id: int):
    return _hotel_page(institute, _hotel_of(institute, hotel_id))


def _hotel_page(institute, hotel):
    form = HotelForm(obj=hotel)
    if form.validate_on_submit():
        services.save_hotel(
            institute,
            form.name.data,
            form.address.data or "",
            form.phone.data or "",
            current_user,
            hotel,
        )
        db.session.commit()
        flash(_("The hotel is saved."), "success")
        return redirect(url_for("travel.accommodation.index", slug=institute.slug))
    return render_template("travel/hotel_form.html", institute=institute, form=form, hotel=hotel), (
        400 if form.errors else 200
    )


@rooms_bp.post(f"{ORG}/accommodation/hotels/<int:hotel_id>/delete", endpoint="delete_hotel")
@institute_view("editor")
def delete_hotel(institute, hotel_id: int):
    hotel = _hotel_of(institute, hotel_id)
    if ConfirmForm().validate_on_submit():
        services.delete_hotel(hotel, institute, current_user)
        db.session.commit()
        flash(_("The hotel and its room assignments are deleted."), "success")
    return redirect(url_for("travel.accommodation.index", slug=institute.slug))


def _room_form(institute, assignment=None) -> RoomForm:
    invitees = db.session.scalars(
        select(Invitee)
        .where(
            Invitee.institute_id == institute.id,
            Invitee.removed_at.is_(None),
            Invitee.rsvp_status.in_(
                [RsvpStatus.CONFIRMED, RsvpStatus.INVITED, RsvpStatus.WAITLISTED]
            ),
        )
        .order_by(Invitee.full_name)
    ).all()
    if assignment is not None and assignment.invitee not in invitees:
        invitees = [assignment.invitee, *invitees]
    hotels = db.session.scalars(
        select(Hotel).where(Hotel.institute_id == institute.id).order_by(Hotel.name)
    ).all()
    form = RoomForm(
        obj=assignment,
        invitees=[(i.id, i.full_name) for i in invitees],
        hotels=[(h.id, h.name) for h in hotels],
    )
    if assignment is None and not form.is_submitted():
        form.invitee_id.data = request.args.get("invitee_id", 0, type=int)
        form.check_in.data = institute.start_date
        form.check_out.data = institute.end_date
        if len(hotels) == 1:
            form.hotel_id.data = hotels[0].id
    return form


@rooms_bp.route(
    f"{ORG}/accommodation/rooms/new", methods=["GET", "POST"], endpoint="new_assignment"
)
@institute_view("editor")
def new_assignment(institute):
    return _room_page(institute, None)


@rooms_bp.route(
    f"{ORG}/accommodation/rooms/<int:assignment_id>/edit",
    methods=["GET", "POST"],
    endpoint="edit_assignment",
)
@institute_view("editor")
def edit_assignment(institute, assignment_id: int):
    return _room_page(institute, _assignment_of(institute, assignment_id))


def _room_page(institute, assignment):
    form = _room_form(institute, assignment)
    if form.validate_on_submit():
        data = services.RoomData(
            invitee=_invitee_of(institute, form.invitee_id.data),
            hotel=_hotel_of(institute, form.hotel_id.data),
            room_label=form.room_label.data,
            room_capacity=form.room_capacity.data,
            check_in=form.check_in.data,
            check_out=form.check_out.data,
        )
        try:
            services.assign_room(institute, data, current_user, assignment)
        except services.InvalidInput as error:
            db.session.rollback()
            _attach(form, error.errors)
        else:
            db.session.commit()
            flash(_("The room assignment is saved."), "success")
            return redirect(url_for("travel.accommodation.index", slug=institute.slug))
    return render_template(
        "travel/room_form.html", institute=institute, form=form, assignment=assignment
    ), (400 if form.errors else 200)


@rooms_bp.post(
    f"{ORG}/accommodation/rooms/<int:assignment_id>/delete", endpoint="delete_assignment"
)
@institute_view("editor")
def delete_assignment(institute, assignment_id: int):
    assignment = _assignment_of(institute, assignment_id)
    if ConfirmForm().validate_on_submit():
        services.delete_assignment(assignment, institute, current_user)
        db.session.commit()
        flash(_("The room assignment is deleted."), "success")
    return redirect(url_for("travel.accommodation.index", slug=institute.slug))


# --- the invitee's own pages (/me/travel) --------------------------------------------------


@me_bp.get("/me/travel", endpoint="index")
@invitee_view
def me_travel(invitee):
    case = db.session.scalar(select(VisaCase).where(VisaCase.invitee_id == invitee.id))
    rooms = db.session.scalars(
        select(RoomAssignment)
        .where(RoomAssignment.invitee_id == invitee.id)
        .order_by(RoomAssignment.check_in)
    ).all()
    return render_template(
        "travel/me.html",
        invitee=invitee,
        institute=invitee.institute,
        legs=services.legs_of(invitee),
        case=case,
        rooms=rooms,
        history=services.visa_history(invitee) if case else [],
        confirm=ConfirmForm(),
    )


@me_bp.route("/me/travel/legs/new", methods=["GET", "POST"], endpoint="new_leg")
@invitee_view
def me_new_leg(invitee):
    form = _leg_form(invitee)
    if _save_leg(form, invitee, None, by_invitee=True):
        # i18n: invitee
        flash(_("Thank you: your travel leg is saved."), "success")
        return redirect(url_for("travel.me.index"))
    return render_template(
        "travel/me_leg_form.html", invitee=invitee, institute=invitee.institute, form=form, leg=None
    ), (400 if form.errors else 200)


@me_bp.route("/me/travel/legs/<int:leg_id>/edit", methods=["GET", "POST"], endpoint="edit_leg")
@invitee_view
def me_edit_leg(invitee, leg_id: int):
    leg = _my_leg(invitee, leg_id)
    form = _leg_form(invitee, leg)
    if _save_leg(form, invitee, leg, by_invitee=True):
        # i18n: invitee
        flash(_("Thank you: your travel leg is saved."), "success")
        return redirect(url_for("travel.me.index"))
    return render_template(
        "travel/me_leg_form.html", invitee=invitee, institute=invitee.institute, form=form, leg=leg
    ), (400 if form.errors else 200)


@me_bp.post("/me/travel/legs/<int:leg_id>/delete", endpoint="delete_leg")
@invitee_view
def me_delete_leg(invitee, leg_id: int):
    leg = _my_leg(invitee, leg_id)
    if ConfirmForm().validate_on_submit():
        services.delete_leg(leg, by_invitee=True)
        db.session.commit()
        # i18n: invitee
        flash(_("The travel leg is deleted."), "success")
    return redirect(url_for("travel.me.index"))


@me_bp.post("/me/travel/visa-letter", endpoint="request_letter")
@invitee_view
def me_request_letter(invitee):
    if ConfirmForm().validate_on_submit():
        try:
            services.request_visa_letter(invitee)
        except services.VisaTransitionError as error:
            db.session.rollback()
            flash(str(error), "warning")
        else:
            db.session.commit()
            # i18n: invitee
            flash(_("Your request for an invitation letter is sent to the organizers."), "success")
    return redirect(url_for("travel.me.index"))


for child in (legs_bp, visas_bp, rooms_bp, me_bp):
    bp.register_blueprint(child)
