"""Organizer pages of institutes: list, create, edit, archive, dashboard and team."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from planner.accounts import team_invites
from planner.auth import services as accounts
from planner.auth.forms import AddMemberForm, ChangeRoleForm
from planner.auth.models import Membership, TeamRole
from planner.extensions import db
from planner.institutes import services
from planner.institutes.access import InstituteArchived, institute_view
from planner.institutes.forms import (
    NEW_ORGANIZATION,
    ConfirmForm,
    InstituteForm,
    NewInstituteForm,
)
from planner.sections import SECTIONS, add_section, render_panels

bp = Blueprint("institutes", __name__, url_prefix="/institutes")

add_section("institutes.dashboard", _l("Dashboard"), 0)
add_section("institutes.team", _l("Team"), 90)
add_section("institutes.settings", _l("Settings"), 100)


@bp.app_errorhandler(InstituteArchived)
def archived_is_read_only(error: InstituteArchived):
    db.session.rollback()
    return render_template(
        "errors/error.html", code=403, title=error.title, message=error.description
    ), 403


@bp.app_context_processor
def institute_navigation():
    return {"institute_sections": SECTIONS}


@bp.get("/")
@login_required
def index():
    return render_template(
        "institutes/index.html",
        rows=services.institutes_of(current_user),
        archived=[r for r in services.institutes_of(current_user, True) if r[0].is_archived],
    )


def _form_data(form: InstituteForm) -> services.InstituteData:
    fields = services.InstituteData.__dataclass_fields__
    return services.InstituteData(**{name: getattr(form, name).data for name in fields})


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    from planner.organizations import services as organizations

    mine = organizations.organizations_of(current_user)
    form = NewInstituteForm(organizations=mine)
    if not form.is_submitted():
        form.working_languages.data = ["en", "ru"]
        form.organization.data = str(mine[0].id) if mine else NEW_ORGANIZATION
    if form.validate_on_submit():
        try:
            chosen = form.organization.data or (str(mine[0].id) if mine else NEW_ORGANIZATION)
            if chosen == NEW_ORGANIZATION:
                name = (form.new_organization.data or "").strip()
                organization = organizations.create_organization(
                    name or form.host_organization.data or current_user.name, current_user
                )
            else:
                organization = next(o for o in mine if str(o.id) == chosen)
            institute = services.create_institute(
                _form_data(form), current_user, organization=organization
            )
        except services.SlugTaken:
            db.session.rollback()  # nor the new organization
            form.slug.errors.append(_("Another institute already uses this short name."))
        else:
            db.session.commit()
            flash(_("The institute is created."), "success")
            return redirect(url_for("institutes.dashboard", slug=institute.slug))
    return render_template("institutes/new.html", form=form), (400 if form.errors else 200)


@bp.get("/<slug>/")
@institute_view()
def dashboard(institute):
    return render_template(
        "institutes/dashboard.html",
        institute=institute,
        panels=render_panels("dashboard", institute),
    )


@bp.route("/<slug>/settings", methods=["GET", "POST"])
@institute_view("editor")
def settings(institute):
    form = InstituteForm(obj=institute)
    if not form.is_submitted():
        form.working_languages.data = institute.languages
    if form.validate_on_submit():
        try:
            services.update_institute(institute, _form_data(form), current_user)
        except services.SlugTaken:
            form.slug.errors.append(_("Another institute already uses this short name."))
        else:
            db.session.commit()
            flash(_("The changes are saved."), "success")
            return redirect(url_for("institutes.settings", slug=institute.slug))
    return render_template("institutes/settings.html", form=form, institute=institute), (
        400 if form.errors else 200
    )


@bp.post("/<slug>/archive")
@institute_view("owner")
def archive(institute):
    if ConfirmForm().validate_on_submit():
        services.archive_institute(institute, current_user)
        db.session.commit()
        flash(_("The institute is archived."), "success")
    return redirect(url_for("institutes.index"))


@bp.get("/<slug>/team")
@institute_view()
def team(institute):
    return _render_team(institute, AddMemberForm())


@bp.post("/<slug>/team")
@institute_view("owner")
def add_member(institute):
    form = AddMemberForm()
    if form.validate_on_submit():
        try:
            team_invites.invite_colleague(
                institute,
                form.email.data,
                TeamRole(form.role.data),
                current_user,
                current_app.config["BASE_URL"],
            )
        except accounts.AccountError as error:
            form.email.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The invitation is sent. The link in it works for 7 days."), "success")
            return redirect(url_for("institutes.team", slug=institute.slug))
    return _render_team(institute, form), 400


def _render_team(institute, form: AddMemberForm) -> str:
    return render_template(
        "institutes/team.html",
        institute=institute,
        members=services.team_of(institute),
        invitations=team_invites.pending_invitations(institute),
        form=form,
        role_form=ChangeRoleForm(),
        confirm=ConfirmForm(),
    )


def _member_of(institute, membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.institute_id != institute.id:
        abort(404)
    return membership


@bp.post("/<slug>/team/<int:membership_id>/role")
@institute_view("owner")
def change_role(institute, membership_id: int):
    membership = _member_of(institute, membership_id)
    form = ChangeRoleForm()
    if form.validate_on_submit():
        try:
            accounts.change_member_role(membership, TeamRole(form.role.data), current_user)
        except accounts.AccountError as error:
            flash(str(error), "danger")
        else:
            db.session.commit()
            flash(_("The role is changed."), "success")
    return redirect(url_for("institutes.team", slug=institute.slug))


@bp.post("/<slug>/team/<int:membership_id>/remove")
@institute_view("owner")
def remove_member(institute, membership_id: int):
    membership = _member_of(institute, membership_id)
    if ConfirmForm().validate_on_submit():
        try:
            accounts.remove_member(membership, current_user)
        except accounts.AccountError as error:
            flash(str(error), "danger")
        else:
            db.session.commit()
            flash(_("The organizer is removed from the team."), "success")
    return redirect(url_for("institutes.team", slug=institute.slug))
