"""Accommodation (organizers): hotels, room assignments and the rooming list."""

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from planner.extensions import db
from planner.institutes.access import institute_view
from planner.institutes.forms import ConfirmForm
from planner.invitations.models import Invitee, RsvpStatus
from planner.travel import overview, risks, services
from planner.travel.forms import HotelForm, RoomForm
from planner.travel.models import Hotel
from planner.travel.risks import load_travel_data
from planner.travel.views.common import (
    ORG,
    _assignment_of,
    _attach,
    _hotel_of,
    _invitee_of,
    _no_store,
)

rooms_bp = Blueprint("accommodation", __name__)


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
