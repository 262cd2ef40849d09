"""The invitee's own travel pages (/me/travel): legs, room, visa letter request."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from planner.extensions import db
from planner.institutes.forms import ConfirmForm
from planner.invitations.access import invitee_view
from planner.travel import services
from planner.travel.models import RoomAssignment, VisaCase
from planner.travel.views.common import _leg_form, _my_leg, _save_leg

me_bp = Blueprint("me", __name__)


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
