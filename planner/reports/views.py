"""Pages of the reports package: the reporting profile (/me/ and organizers), the donor report."""

from datetime import date, datetime

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from planner.documents import render
from planner.extensions import db, limiter
from planner.institutes.access import institute_view
from planner.invitations.access import invitee_view
from planner.invitations.models import RsvpStatus
from planner.invitations.services import get_invitee, mail_locale
from planner.reports import building, followup, profiles, returning
from planner.reports.forms import FollowUpForm, FollowUpSettingsForm, ProfileForm, RangeForm
from planner.sections import add_section, panel
from planner.security import audit
from planner.security.csvsafe import csv_filename, csv_text

bp = Blueprint("reports", __name__)

add_section("reports.report", _l("Report"), 58)

ORG = "/institutes/<slug>"


def _answers(form: ProfileForm) -> profiles.ProfileAnswers:
    return profiles.ProfileAnswers(
        gender=form.gender.data or None,
        gender_text=form.gender_text.data or "",
        age_group=(form.age_group.data or None) if "age_group" in form else None,
        setting=form.setting.data or None,
        sector=form.sector.data or None,
    )


def _profile_form(invitee) -> ProfileForm:
    profile = profiles.profile_of(invitee)
    form = ProfileForm(obj=profile)
    if invitee.birth_date is not None:
        del form.age_group  # derived from the date of birth; never asked twice
    for name in ("gender", "age_group", "setting", "sector"):
        if name in form and form[name].data is None:
            form[name].data = ""
    return form


# --- panels on shared pages ----------------------------------------------------------------


@panel("me", "reports/_me_panel.html", 60)
def me_panel(invitee):
    if invitee.rsvp_status != RsvpStatus.CONFIRMED:
        return None
    return {"profile": profiles.profile_of(invitee), "invitee": invitee}


@panel("invitee", "reports/_invitee_panel.html", 60)
def invitee_panel(invitee):
    from planner.invitations.forms import ROLE_LABELS, STATUS_LABELS

    profile = profiles.profile_of(invitee)
    return {
        "invitee": invitee,
        "history": returning.history_of(invitee),
        "role_labels": ROLE_LABELS,
        "rsvp_labels": STATUS_LABELS,
        "profile": profile,
        "age_group": profiles.age_group_of(invitee, profile),
        "labels": _labels(),
    }


def _labels() -> dict:
    return {
        "gender": profiles.GENDER_LABELS,
        "age_group": profiles.AGE_GROUP_LABELS,
        "setting": profiles.SETTING_LABELS,
        "sector": profiles.SECTOR_LABELS,
    }


# --- the invitee's own answers -------------------------------------------------------------


@bp.route("/me/profile", methods=["GET", "POST"])
@invitee_view
def my_profile(invitee):
    if invitee.rsvp_status != RsvpStatus.CONFIRMED:
        # i18n: invitee
        flash(_("Please confirm your participation first."), "info")
        return redirect(url_for("invitations.me"))
    form = _profile_form(invitee)
    if form.validate_on_submit():
        profiles.save_profile(invitee, _answers(form))
        db.session.commit()
        # i18n: invitee
        flash(_("Thank you, your answers are saved."), "success")
        return redirect(url_for("invitations.me"))
    return render_template(
        "reports/me_profile.html", invitee=invitee, institute=invitee.institute, form=form
    ), (400 if form.errors else 200)


# --- organizers ----------------------------------------------------------------------------


@bp.route(f"{ORG}/invitees/<int:invitee_id>/profile", methods=["GET", "POST"])
@institute_view("editor")
def edit_profile(institute, invitee_id: int):
    invitee = get_invitee(institute, invitee_id) or abort(404)
    form = _profile_form(invitee)
    if form.validate_on_submit():
        profiles.save_profile(invitee, _answers(form), organizer=current_user)
        db.session.commit()
        flash(_("The reporting answers are saved."), "success")
        return redirect(url_for("invitations.detail", slug=institute.slug, invitee_id=invitee.id))
    return render_template(
        "reports/edit_profile.html", institute=institute, invitee=invitee, form=form
    ), (400 if form.errors else 200)


@bp.post(f"{ORG}/invitees/<int:invitee_id>/returning/<int:earlier_id>/confirm")
@institute_view("editor")
def confirm_match(institute, invitee_id: int, earlier_id: int):
    return _decide(institute, invitee_id, earlier_id, same=True)


@bp.post(f"{ORG}/invitees/<int:invitee_id>/returning/<int:earlier_id>/reject")
@institute_view("editor")
def reject_match(institute, invitee_id: int, earlier_id: int):
    return _decide(institute, invitee_id, earlier_id, same=False)


@bp.post(f"{ORG}/invitees/<int:invitee_id>/returning/<int:earlier_id>/reuse")
@institute_view("editor")
def reuse_details(institute, invitee_id: int, earlier_id: int):
    invitee = get_invitee(institute, invitee_id) or abort(404)
    if not returning.reuse_details(invitee, earlier_id, organizer=current_user):
        abort(404)
    db.session.commit()
    flash(
        _(
            "The organization, country of residence and reporting answers of the earlier "
            "record are copied where this record had none."
        ),
        "success",
    )
    return redirect(url_for("invitations.detail", slug=institute.slug, invitee_id=invitee.id))


def _decide(institute, invitee_id: int, earlier_id: int, *, same: bool):
    invitee = get_invitee(institute, invitee_id) or abort(404)
    if not returning.decide(invitee, earlier_id, same=same, organizer=current_user):
        abort(404)
    db.session.commit()
    flash(
        _("Marked as the same person.") if same else _("Marked as a different person."),
        "success",
    )
    return redirect(url_for("invitations.detail", slug=institute.slug, invitee_id=invitee.id))


# --- the donor report ----------------------------------------------------------------------


def _report_response(report, fmt: str, filename: str, **page):
    if fmt == "csv":
        header, rows = building.csv_rows(report)
        response = Response(
            csv_text(header, rows).encode("utf-8"), content_type="text/csv; charset=utf-8"
        )
        # One separator for every export, named in the file name (planner/security/csvsafe.py).
        response.headers["Content-Disposition"] = f'attachment; filename="{csv_filename(filename)}"'
        response.headers["Cache-Control"] = "private, no-store"
        return response
    charts = {b.key: building.chart(b) for b in report.breakdowns}
    if fmt == "pdf":
        pdf = render.render_pdf(
            "donor_report.html",
            paper=render.paper_of(request.args.get("paper")),
            report=report,
            charts=charts,
            data={"institute": {"title": page.get("heading", ""), "host_organization": ""}},
            heading=page.get("heading", ""),
            small=building.SMALL_CELL,
        )
        response = Response(pdf, mimetype="application/pdf")
        response.headers["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
        response.headers["Cache-Control"] = "private, no-store"
        return response
    return render_template(
        page.pop("template"), report=report, charts=charts, small=building.SMALL_CELL, **page
    )


def _institute_report(institute, fmt: str):
    report = building.build_report([institute])
    if fmt != "html":
        audit.record(f"report.{fmt}", institute=institute, organizer=current_user)
        db.session.commit()
    return _report_response(
        report,
        fmt,
        f"report-{institute.slug}",
        template="reports/institute.html",
        institute=institute,
        heading=institute.title,
        follow_up_form=FollowUpSettingsForm(obj=followup.settings_of(institute)),
        follow_up_due=followup.due_on(institute),
    )


@bp.get(f"{ORG}/report/")
@institute_view()
def report(institute):
    return _institute_report(institute, "html")


@bp.get(f"{ORG}/report.pdf")
@institute_view()
def report_pdf(institute):
    return _institute_report(institute, "pdf")


@bp.get(f"{ORG}/report.csv")
@institute_view()
def report_csv(institute):
    return _institute_report(institute, "csv")


def _range_report(fmt: str):
    """The report across a date range of the organizer's institutes of one organization
    (picked when they work with several; never two organizations mixed in one report)."""
    from planner.organizations.services import report_organizations

    organizations = report_organizations(current_user)
    form = RangeForm(request.args, organizations=organizations)
    if not form.organization.data and organizations:
        form.organization.data = str(organizations[0].id)
    valid = form.validate()
    start = form.start.data if valid else None
    end = form.end.data if valid else None
    chosen = next(
        (o for o in organizations if str(o.id) == form.organization.data),
        organizations[0] if organizations else None,
    )
    institutes = building.institutes_in_range(current_user, start, end, chosen.id) if chosen else []
    report = building.build_report(institutes)
    heading = _("Institutes from %(start)s to %(end)s", start=start or "…", end=end or "…")
    if chosen is not None:
        heading = f"{chosen.name}: {heading}"
    return _report_response(
        report,
        fmt,
        "report",
        template="reports/range.html",
        form=form,
        organizations=organizations,
        heading=heading,
        query=request.query_string.decode()[:200],
    ), (400 if form.errors else 200)


@bp.get("/reports/")
@login_required
def range_report():
    return _range_report("html")


@bp.get("/reports/report.pdf")
@login_required
def range_report_pdf():
    return _range_report("pdf")


@bp.get("/reports/report.csv")
@login_required
def range_report_csv():
    return _range_report("csv")


# --- follow-up -----------------------------------------------------------------------------


@bp.post(f"{ORG}/report/follow-up")
@institute_view("editor")
def follow_up_settings(institute):
    form = FollowUpSettingsForm()
    if form.validate_on_submit():
        settings = followup.settings_of(institute)
        settings.months = form.months.data
        db.session.add(settings)
        audit.record("follow_up.settings_saved", institute=institute, organizer=current_user)
        db.session.commit()
        flash(_("The follow-up setting is saved."), "success")
    else:
        flash(_("The number of months must be from 1 to 36."), "danger")
    return redirect(url_for("reports.report", slug=institute.slug))


@bp.post(f"{ORG}/report/follow-up/send")
@institute_view("editor")
def send_follow_ups(institute):
    today = datetime.now(institute.zone).date()
    count = followup.send(institute, today=today, organizer=current_user)
    db.session.commit()
    if count:
        flash(_("%(n)s follow-up messages are in the outbox.", n=count), "success")
    else:
        flash(_("Nothing to send: not due yet, or everyone was asked already."), "info")
    return redirect(url_for("reports.report", slug=institute.slug))


def _where_choices():
    from planner.formatting import country_name

    return [
        *((code, country_name(code)) for code in followup.WHERE_CHOICES),
        # i18n: invitee
        (followup.OTHER, _("Another country")),
    ]


@bp.route("/r/<token>/follow-up", methods=["GET", "POST"])
@limiter.limit("30 per minute")
def follow_up(token: str):
    """The personal follow-up form. A GET changes nothing (mail scanners follow links)."""
    found = followup.find(token)
    if found is None:
        abort(404)
    invitee = found.invitee
    if "lang" not in session:
        g.locale = mail_locale(invitee.language)
    form = FollowUpForm()
    form.countries.choices = _where_choices()
    if request.method == "GET" and found.answered_at is not None:
        form.ran_training.data = "yes" if found.ran_training else "no"
        form.trainings.data = found.trainings
        form.people_reached.data = found.people_reached
        form.countries.data = [c for c in found.countries.split(",") if c]
    if form.validate_on_submit():
        followup.answer(
            found,
            followup.Answers(
                ran_training=form.ran_training.data == "yes",
                trainings=form.trainings.data,
                people_reached=form.people_reached.data,
                countries=form.countries.data or [],
            ),
        )
        db.session.commit()
        return render_template("reports/follow_up_thanks.html", institute=invitee.institute)
    return render_template("reports/follow_up.html", form=form, institute=invitee.institute), (
        400 if form.errors else 200
    )


@bp.cli.command("send-follow-ups")
def send_follow_ups_command():
    """Queue the follow-up questions of every institute whose follow-up is due."""
    import click

    count = followup.send_all_due(date.today())
    db.session.commit()
    click.echo(f"{count} follow-up messages queued.")
