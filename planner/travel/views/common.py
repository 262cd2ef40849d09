"""What the travel pages share: URL prefix, scoped loaders, the leg form, CSV responses."""

from flask import Response, abort, request, url_for

from planner.extensions import db
from planner.invitations.models import Invitee
from planner.security.csvsafe import csv_filename
from planner.travel import services
from planner.travel.forms import LegForm, OrganizerLegForm
from planner.travel.models import (
    Direction,
    Hotel,
    RoomAssignment,
    TravelLeg,
    TravelMode,
    VisaCase,
    VisaRule,
)
from planner.travel.zones import country_zone

ORG = "/institutes/<slug>"


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


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def csv_download(text: str, filename: str) -> Response:
    """A CSV attachment that no cache keeps."""
    response = Response(text.encode("utf-8"), content_type="text/csv; charset=utf-8")
    filename = csv_filename(filename.removesuffix(".csv"))  # states the one separator
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _no_store(response)
