"""Visas (organizers): rules per nationality, cases, letter approval, the passport export."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from planner.extensions import db
from planner.institutes.access import institute_view
from planner.institutes.forms import ConfirmForm
from planner.invitations.models import Invitee
from planner.security import audit
from planner.security.csvsafe import csv_text
from planner.travel import overview, services
from planner.travel.forms import TravelSettingsForm, VisaRuleForm, VisaStatusForm
from planner.travel.labels import VISA_STATUS_LABELS
from planner.travel.models import VisaCase, VisaRequirement, VisaStatus
from planner.travel.risks import load_travel_data
from planner.travel.views.common import (
    ORG,
    _case_of,
    _invitee_of,
    _of_nationality,
    _rule_of,
    csv_download,
)

visas_bp = Blueprint("visas", __name__)


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
