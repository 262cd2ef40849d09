"""The organizer's organizations: who belongs to each, and (owners) adding members.

An organization is visible only to its members (404 for anyone else, as institutes are); only
its owners add members (403 for a member). Its institutes stay visible only to their teams."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from planner.auth import services as accounts
from planner.auth.models import Membership, Organizer
from planner.extensions import db
from planner.institutes.models import Institute
from planner.organizations import services
from planner.organizations.forms import AddOrganizationMemberForm
from planner.organizations.models import Organization, OrganizationMember, OrganizationRole
from planner.security import audit

bp = Blueprint("organizations", __name__, url_prefix="/organizations")


def _load(organization_id: int, owner: bool = False) -> tuple[Organization, OrganizationRole]:
    organization = db.session.get(Organization, organization_id)
    role = services.role_in(organization, current_user) if organization is not None else None
    if role is None:
        abort(404)
    if owner and role != OrganizationRole.OWNER:
        abort(403)
    return organization, role


@bp.get("/")
@login_required
def index():
    return render_template(
        "organizations/index.html", organizations=services.organizations_of(current_user)
    )


@bp.get("/<int:organization_id>")
@login_required
def detail(organization_id: int):
    organization, role = _load(organization_id)
    return _render(organization, role, AddOrganizationMemberForm())


def _render(organization, role, form, status: int = 200):
    members = db.session.execute(
        select(Organizer, OrganizationMember.role)
        .join(OrganizationMember, OrganizationMember.organizer_id == Organizer.id)
        .where(OrganizationMember.organization_id == organization.id)
        .order_by(Organizer.name, Organizer.id)
    ).all()
    institutes = db.session.scalars(
        select(Institute)
        .join(Membership, Membership.institute_id == Institute.id)
        .where(
            Institute.organization_id == organization.id,
            Membership.organizer_id == current_user.id,
        )
        .order_by(Institute.start_date.desc())
    ).all()
    return render_template(
        "organizations/detail.html",
        organization=organization,
        role=role,
        members=members,
        institutes=institutes,
        form=form,
        role_labels=services.ROLE_LABELS,
    ), status


@bp.post("/<int:organization_id>/members")
@login_required
def add_member(organization_id: int):
    organization, role = _load(organization_id, owner=True)
    form = AddOrganizationMemberForm()
    if form.validate_on_submit():
        organizer = accounts.find_organizer(form.email.data)
        if organizer is None:
            form.email.errors.append(
                _("No organizer account has this e-mail. Ask them to sign up first.")
            )
        else:
            services.add_member(organization, organizer, OrganizationRole(form.role.data))
            audit.record("organization.member_added", organizer=current_user)
            db.session.commit()
            flash(_("%(name)s is a member of the organization.", name=organizer.name), "success")
            return redirect(url_for("organizations.detail", organization_id=organization.id))
    return _render(organization, role, form, 400)
