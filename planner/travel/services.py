"""Travel operations: legs, visa rules and cases, hotels and rooms. Rules and writes, no request."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import uuid4

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from planner.db import utcnow
from planner.extensions import db
from planner.formatting import format_day, format_local, format_moment
from planner.institutes.models import Institute
from planner.invitations.models import Invitee, RsvpStatus, StatusChange
from planner.links import base_host
from planner.mail.services import queue_email, render_email
from planner.security import audit
from planner.travel.models import (
    Direction,
    Hotel,
    Pickup,
    RoomAssignment,
    TravelLeg,
    TravelMode,
    TravelSettings,
    VisaCase,
    VisaRequirement,
    VisaRule,
    VisaStatus,
)
from planner.travel.zones import is_known_zone, is_nonexistent, to_instant

# Travel dates further than this from the institute are almost surely typing mistakes.
TRAVEL_WINDOW = timedelta(days=30)
# No single leg (one flight, train or drive) takes longer than this.
MAX_LEG_DURATION = timedelta(days=3)


class InvalidInput(ValueError):
    """Input that breaks a rule; ``errors`` maps each form field to a message for people."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class VisaTransitionError(ValueError):
    """A visa case cannot move to the asked status (not in the transition table)."""


def _host() -> str:
    return base_host()


def new_uid(kind: str) -> str:
    """A stable calendar UID, generated once and never changed."""
    return f"{kind}-{uuid4()}@{_host()}"


def travel_window(institute: Institute) -> tuple[date, date]:
    return institute.start_date - TRAVEL_WINDOW, institute.end_date + TRAVEL_WINDOW


def _outside_window_message(institute: Institute) -> str:
    first, last = travel_window(institute)
    return _(
        "Enter a date between %(first)s and %(last)s (30 days around the institute).",
        first=format_day(first),
        last=format_day(last),
    )


# --- travel legs ---------------------------------------------------------------------------


@dataclass
class LegData:
    direction: Direction
    mode: TravelMode
    from_place: str
    to_place: str
    departs_local: datetime
    departs_tz: str
    arrives_local: datetime
    arrives_tz: str
    carrier: str = ""
    number: str = ""
    border_crossing: str = ""
    needs_pickup: bool = False
    # Set by organizers only; None (the traveller's own form) leaves an arrangement as it is.
    pickup_by: str | None = None
    pickup_at: datetime | None = None


def check_leg(institute: Institute, data: LegData) -> dict[str, str]:
    """Every reason the leg cannot be stored, by field (empty when it can).

    Both ends are read in their own zone; the arrival must come after the departure as
    absolute instants, wall-clock times skipped by a DST change are refused, and dates must
    lie within 30 days of the institute.
    """
    errors: dict[str, str] = {}
    first, last = travel_window(institute)
    for end in ("departs", "arrives"):
        local: datetime = getattr(data, f"{end}_local")
        zone: str = getattr(data, f"{end}_tz")
        if not is_known_zone(zone):
            errors[f"{end}_tz"] = _("Choose a time zone from the list.")
        elif not first <= local.date() <= last:
            errors[f"{end}_local"] = _outside_window_message(institute)
        elif is_nonexistent(local, zone):
            errors[f"{end}_local"] = _(
                "%(time)s does not exist in %(zone)s: the clocks are put forward that night. "
                "Check the time on the ticket.",
                time=format_moment(local),
                zone=zone,
            )
    if errors:
        return errors
    departs = to_instant(data.departs_local, data.departs_tz)
    arrives = to_instant(data.arrives_local, data.arrives_tz)
    if arrives <= departs:
        errors["arrives_local"] = _(
            "The arrival (%(arrival)s, %(arrival_zone)s) is not after the departure "
            "(%(departure)s, %(departure_zone)s). Check the dates and the time zone of each end.",
            arrival=format_moment(data.arrives_local),
            arrival_zone=data.arrives_tz,
            departure=format_moment(data.departs_local),
            departure_zone=data.departs_tz,
        )
    elif arrives - departs > MAX_LEG_DURATION:
        errors["arrives_local"] = _(
            "This leg would take more than three days. Check the dates; "
            "enter a long journey as several legs."
        )
    return errors


def _apply_leg(leg: TravelLeg, data: LegData) -> None:
    """Store the fields; the pickup arrangement only when an organizer's form gives one."""
    for name in LegData.__dataclass_fields__:
        if data.pickup_by is None and name in ("pickup_by", "pickup_at"):
            continue
        value = getattr(data, name)
        setattr(leg, name, value.strip() if isinstance(value, str) else value)


def _who(organizer, by_invitee: bool) -> dict:
    return {"organizer": organizer} if organizer is not None and not by_invitee else {}


def add_leg(
    invitee: Invitee, data: LegData, *, organizer=None, by_invitee: bool = False
) -> TravelLeg:
    errors = check_leg(invitee.institute, data)
    if errors:
        raise InvalidInput(errors)
    leg = TravelLeg(invitee=invitee, uid=new_uid("leg"), sequence=0)
    _apply_leg(leg, data)
    db.session.add(leg)
    db.session.flush()
    invitee.institute.touch()
    _tell_of_pickup(leg, ("", None))
    audit.record(
        "travel_leg.created",
        institute=invitee.institute,
        invitee=invitee,
        obj=leg,
        **_who(organizer, by_invitee),
    )
    return leg


def update_leg(
    leg: TravelLeg, data: LegData, *, organizer=None, by_invitee: bool = False
) -> TravelLeg:
    institute = leg.invitee.institute
    errors = check_leg(institute, data)
    if errors:
        raise InvalidInput(errors)
    arranged_before = (leg.pickup_by or "", leg.pickup_at)
    _apply_leg(leg, data)
    leg.sequence += 1
    institute.touch()
    _tell_of_pickup(leg, arranged_before)
    audit.record(
        "travel_leg.updated",
        institute=institute,
        invitee=leg.invitee,
        obj=leg,
        **_who(organizer, by_invitee),
    )
    return leg


def _tell_of_pickup(leg: TravelLeg, before: tuple[str, datetime | None]) -> None:
    """When an organizer arranges a pickup (or changes who or when), the traveller gets an
    e-mail saying who meets them; asking for one sends nothing, as nothing is arranged."""
    if leg.pickup != Pickup.ARRANGED or (leg.pickup_by, leg.pickup_at) == before:
        return
    invitee = leg.invitee
    institute = invitee.institute
    if not invitee.email:
        return
    locale = invitee.language if invitee.language in current_app.config["LANGUAGES"] else "en"
    with force_locale(locale):
        arrival = format_local(leg.arrives_at, leg.arrives_tz, "d MMMM y, HH:mm")
    subject, text, html = render_email(
        "travel/email/pickup_arranged",
        locale,
        invitee_name=invitee.full_name,
        city=institute.city,
        arrival=arrival,
        service=" ".join(part for part in (leg.carrier, leg.number) if part) or leg.from_place,
        place=leg.to_place,
        who=leg.pickup_by.strip(),
        pickup_time=leg.pickup_at.strftime("%H:%M") if leg.pickup_at else "",
        contact_email=institute.contact_email,
        page_url=current_app.config["BASE_URL"] + "/me/travel",
    )
    queue_email(
        recipient=invitee.email,
        kind="pickup_arranged",
        subject=subject,
        body_text=text,
        body_html=html,
        locale=locale,
        institute=institute,
        invitee=invitee,
    )


def delete_leg(leg: TravelLeg, *, organizer=None, by_invitee: bool = False) -> None:
    institute = leg.invitee.institute
    institute.touch()
    audit.record(
        "travel_leg.deleted",
        institute=institute,
        invitee=leg.invitee,
        obj=leg,
        **_who(organizer, by_invitee),
    )
    db.session.delete(leg)


def legs_of(invitee: Invitee) -> list[TravelLeg]:
    """The invitee's legs in travel order: arrivals first, each by departure instant."""
    legs = db.session.scalars(select(TravelLeg).where(TravelLeg.invitee_id == invitee.id)).all()
    return sorted(legs, key=lambda leg: (leg.direction != Direction.ARRIVAL, leg.departs_at))


# --- visa rules ----------------------------------------------------------------------------


@dataclass
class VisaRuleData:
    nationality: str
    requirement: VisaRequirement
    visa_free_days: int | None = None
    lead_time_days: int | None = None
    notes: str = ""


def save_visa_rule(institute: Institute, data: VisaRuleData, organizer) -> VisaRule:
    """Add the rule of a nationality, or replace the one the institute has."""
    nationality = data.nationality.upper()
    rule = db.session.scalar(
        select(VisaRule).where(
            VisaRule.institute_id == institute.id, VisaRule.nationality == nationality
        )
    )
    created = rule is None
    if created:
        rule = VisaRule(institute_id=institute.id, nationality=nationality)
        db.session.add(rule)
    rule.requirement = data.requirement
    rule.visa_free_days = (
        data.visa_free_days if data.requirement == VisaRequirement.NOT_NEEDED else None
    )
    rule.lead_time_days = (
        data.lead_time_days
        if data.requirement in (VisaRequirement.REQUIRED, VisaRequirement.E_VISA)
        else None
    )
    rule.notes = data.notes.strip()
    db.session.flush()
    audit.record(
        "visa_rule.created" if created else "visa_rule.updated",
        institute=institute,
        organizer=organizer,
        obj=rule,
    )
    return rule


def delete_visa_rule(rule: VisaRule, institute: Institute, organizer) -> None:
    audit.record("visa_rule.deleted", institute=institute, organizer=organizer, obj=rule)
    db.session.delete(rule)


def rule_for(invitee: Invitee) -> VisaRule | None:
    if not invitee.nationality:
        return None
    return db.session.scalar(
        select(VisaRule).where(
            VisaRule.institute_id == invitee.institute_id,
            VisaRule.nationality == invitee.nationality,
        )
    )


# --- visa cases ----------------------------------------------------------------------------

S = VisaStatus
# The one table of visa case steps: from each status, where an organizer may move the case.
# Back-steps are the ones organizers need: a refused visa is applied for again or needs a new
# letter; a letter is re-issued; an approval or a letter request entered by mistake is undone.
VISA_TRANSITIONS: dict[VisaStatus, frozenset[VisaStatus]] = {
    S.NOT_NEEDED: frozenset({S.NEEDED}),
    S.NEEDED: frozenset({S.NOT_NEEDED, S.LETTER_REQUESTED, S.APPLIED}),
    S.LETTER_REQUESTED: frozenset({S.LETTER_SENT, S.NEEDED, S.NOT_NEEDED}),
    S.LETTER_SENT: frozenset({S.APPLIED, S.LETTER_REQUESTED}),
    S.APPLIED: frozenset({S.APPROVED, S.REFUSED, S.LETTER_SENT}),
    S.APPROVED: frozenset({S.APPLIED}),
    S.REFUSED: frozenset({S.APPLIED, S.LETTER_REQUESTED}),
}
# The only step an invitee takes themself, by link: asking for an invitation letter.
INVITEE_TRANSITIONS: frozenset[tuple[VisaStatus, VisaStatus]] = frozenset(
    {(S.NEEDED, S.LETTER_REQUESTED), (S.REFUSED, S.LETTER_REQUESTED)}
)
# Statuses of a case in which the person still needs a visa they do not have.
OPEN_VISA_STATUSES = frozenset({S.NEEDED, S.LETTER_REQUESTED, S.LETTER_SENT, S.APPLIED, S.REFUSED})


def allowed_transitions(case: VisaCase) -> list[VisaStatus]:
    """The statuses an organizer may move the case to, in the order of the flow."""
    return [status for status in VisaStatus if status in VISA_TRANSITIONS[case.status]]


def transition_visa_case(
    case: VisaCase,
    new_status: VisaStatus | str,
    *,
    organizer=None,
    by_invitee: bool = False,
    note: str = "",
) -> VisaCase:
    """Move a visa case along the transition table, date the step, keep it in the history."""
    new_status = VisaStatus(new_status)
    old_status = case.status
    allowed = (
        (old_status, new_status) in INVITEE_TRANSITIONS
        if by_invitee
        else new_status in VISA_TRANSITIONS[old_status]
    )
    if not allowed:
        raise VisaTransitionError(
            _(
                "A visa case cannot go from “%(old)s” to “%(new)s”.",
                old=visa_status_label(old_status),
                new=visa_status_label(new_status),
            )
        )
    now = utcnow()
    if new_status == S.LETTER_REQUESTED:
        case.letter_requested_at = now
        case.letter_approved_at = None  # a new request needs a new approval
    elif new_status == S.LETTER_SENT:
        case.letter_sent_at = now
    elif new_status == S.APPLIED:
        case.applied_at = now
        case.decided_at = None
    elif new_status in (S.APPROVED, S.REFUSED):
        case.decided_at = now
    case.status = new_status
    invitee = case.invitee
    db.session.add(
        StatusChange(
            invitee_id=invitee.id,
            kind="visa",
            old_status=old_status.value,
            new_status=new_status.value,
            organizer_id=None if by_invitee or organizer is None else organizer.id,
            by_invitee=by_invitee,
            note=note.strip(),
        )
    )
    invitee.institute.touch()
    audit.record(
        f"visa_case.{new_status.value}",
        institute=invitee.institute,
        invitee=invitee,
        obj=case,
        **_who(organizer, by_invitee),
    )
    return case


def initial_visa_status(rule: VisaRule | None) -> VisaStatus:
    """A new case starts as not needed only when the rule says visa-free; else as needed."""
    if rule is not None and rule.requirement == VisaRequirement.NOT_NEEDED:
        return S.NOT_NEEDED
    return S.NEEDED


def open_visa_case(
    invitee: Invitee, *, organizer=None, by_invitee: bool = False, status: VisaStatus | None = None
) -> VisaCase:
    """The invitee's case, created (with its first history entry) when missing."""
    case = db.session.scalar(select(VisaCase).where(VisaCase.invitee_id == invitee.id))
    if case is not None:
        return case
    case = VisaCase(invitee=invitee, status=status or initial_visa_status(rule_for(invitee)))
    db.session.add(case)
    db.session.flush()
    db.session.add(
        StatusChange(
            invitee_id=invitee.id,
            kind="visa",
            old_status=None,
            new_status=case.status.value,
            organizer_id=None if by_invitee or organizer is None else organizer.id,
            by_invitee=by_invitee,
        )
    )
    audit.record(
        "visa_case.opened",
        institute=invitee.institute,
        invitee=invitee,
        obj=case,
        **_who(organizer, by_invitee),
    )
    return case


def open_visa_cases(institute: Institute, organizer) -> int:
    """Open a case for every confirmed invitee whose nationality's rule asks for a visa."""
    needing = db.session.scalars(
        select(Invitee)
        .join(
            VisaRule,
            (VisaRule.institute_id == Invitee.institute_id)
            & (VisaRule.nationality == Invitee.nationality),
        )
        .outerjoin(VisaCase, VisaCase.invitee_id == Invitee.id)
        .where(
            Invitee.institute_id == institute.id,
            Invitee.removed_at.is_(None),
            Invitee.rsvp_status == RsvpStatus.CONFIRMED,
            VisaRule.requirement.in_([VisaRequirement.REQUIRED, VisaRequirement.E_VISA]),
            VisaCase.id.is_(None),
        )
        .order_by(Invitee.id)
    ).all()
    for invitee in needing:
        open_visa_case(invitee, organizer=organizer, status=S.NEEDED)
    if needing:
        institute.touch()
    return len(needing)


def request_visa_letter(invitee: Invitee) -> VisaCase:
    """The invitee asks for an invitation letter: needs a confirmed RSVP; opens the case."""
    if invitee.rsvp_status != RsvpStatus.CONFIRMED:
        raise VisaTransitionError(_("Please confirm your participation first."))
    case = db.session.scalar(select(VisaCase).where(VisaCase.invitee_id == invitee.id))
    if case is None:
        case = open_visa_case(invitee, by_invitee=True, status=S.NEEDED)
    if case.status == S.LETTER_REQUESTED:
        raise VisaTransitionError(_("Your request for a letter has already reached us."))
    if (case.status, S.LETTER_REQUESTED) not in INVITEE_TRANSITIONS:
        raise VisaTransitionError(
            _(
                "Your visa case is at “%(status)s”; please write to the organizers "
                "if you need a letter.",
                status=visa_status_label(case.status),
            )
        )
    return transition_visa_case(case, S.LETTER_REQUESTED, by_invitee=True)


def approve_letter_request(case: VisaCase, organizer) -> VisaCase:
    """Approve a requested letter: the invitee may then download it (status stays requested)."""
    if case.status != S.LETTER_REQUESTED:
        raise VisaTransitionError(_("Only a requested letter can be approved."))
    if case.letter_approved_at is not None:
        raise VisaTransitionError(_("This letter request is already approved."))
    case.letter_approved_at = utcnow()
    case.invitee.institute.touch()
    audit.record(
        "visa_case.letter_approved",
        institute=case.invitee.institute,
        organizer=organizer,
        invitee=case.invitee,
        obj=case,
    )
    return case


def visa_history(invitee: Invitee) -> list[StatusChange]:
    return list(
        db.session.scalars(
            select(StatusChange)
            .where(StatusChange.invitee_id == invitee.id, StatusChange.kind == "visa")
            .order_by(StatusChange.at, StatusChange.id)
        )
    )


def visa_status_label(status: VisaStatus | str | None) -> str:
    from planner.travel.labels import VISA_STATUS_LABELS

    if status is None:
        return _("no case")
    return str(VISA_STATUS_LABELS[VisaStatus(status)])


# --- settings ------------------------------------------------------------------------------


def settings_of(institute: Institute) -> TravelSettings:
    """The institute's thresholds; an unsaved row with the defaults when none is stored."""
    settings = db.session.scalar(
        select(TravelSettings).where(TravelSettings.institute_id == institute.id)
    )
    return settings or TravelSettings(
        institute_id=institute.id, passport_valid_months=6, travel_details_days=21
    )


def save_settings(
    institute: Institute, passport_valid_months: int, travel_details_days: int, organizer
) -> TravelSettings:
    settings = settings_of(institute)
    settings.passport_valid_months = passport_valid_months
    settings.travel_details_days = travel_details_days
    db.session.add(settings)
    db.session.flush()
    audit.record("travel_settings.updated", institute=institute, organizer=organizer, obj=settings)
    return settings


# --- hotels and rooms ----------------------------------------------------------------------


def save_hotel(
    institute: Institute, name: str, address: str, phone: str, organizer, hotel: Hotel | None = None
) -> Hotel:
    created = hotel is None
    if created:
        hotel = Hotel(institute_id=institute.id)
        db.session.add(hotel)
    hotel.name, hotel.address, hotel.phone = name.strip(), address.strip(), phone.strip()
    db.session.flush()
    institute.touch()
    audit.record(
        "hotel.created" if created else "hotel.updated",
        institute=institute,
        organizer=organizer,
        obj=hotel,
    )
    return hotel


def delete_hotel(hotel: Hotel, institute: Institute, organizer) -> None:
    audit.record("hotel.deleted", institute=institute, organizer=organizer, obj=hotel)
    for assignment in db.session.scalars(
        select(RoomAssignment).where(RoomAssignment.hotel_id == hotel.id)
    ):
        db.session.delete(assignment)
    db.session.delete(hotel)
    institute.touch()


@dataclass
class RoomData:
    invitee: Invitee
    hotel: Hotel
    room_label: str
    room_capacity: int
    check_in: date  # the first night
    check_out: date  # the morning of leaving


def nights(check_in: date, check_out: date) -> list[date]:
    """The nights of a stay: from the check-in date up to the night before check-out."""
    return [check_in + timedelta(days=n) for n in range((check_out - check_in).days)]


def check_room(
    institute: Institute, data: RoomData, editing: RoomAssignment | None = None
) -> dict[str, str]:
    """Every reason the bed cannot be given, by field (empty when it can).

    Check-out comes after check-in, within 30 days of the institute; the invitee holds no
    other bed on those nights; the room never holds more people than its capacity.
    """
    errors: dict[str, str] = {}
    first, last = travel_window(institute)
    label = data.room_label.strip()
    if not first <= data.check_in <= last:
        errors["check_in"] = _outside_window_message(institute)
    if not first <= data.check_out <= last:
        errors["check_out"] = _outside_window_message(institute)
    elif data.check_out <= data.check_in:
        errors["check_out"] = _("Check-out must be at least one day after check-in.")
    if data.room_capacity < 1:
        errors["room_capacity"] = _("A room holds at least one person.")
    if errors:
        return errors
    wanted = set(nights(data.check_in, data.check_out))
    editing_id = editing.id if editing is not None else None
    own = db.session.scalars(
        select(RoomAssignment).where(
            RoomAssignment.invitee_id == data.invitee.id, RoomAssignment.id != (editing_id or 0)
        )
    ).all()
    clash = sorted(wanted & {n for a in own for n in nights(a.check_in, a.check_out)})
    if clash:
        errors["check_in"] = _(
            "%(name)s already has a bed on the night of %(night)s.",
            name=data.invitee.full_name,
            night=format_day(clash[0]),
        )
        return errors
    roommates = db.session.scalars(
        select(RoomAssignment).where(
            RoomAssignment.hotel_id == data.hotel.id,
            RoomAssignment.room_label == label,
            RoomAssignment.id != (editing_id or 0),
        )
    ).all()
    occupancy: dict[date, list[str]] = defaultdict(list)
    for other in roommates:
        for night in nights(other.check_in, other.check_out):
            occupancy[night].append(other.invitee.full_name)
    # The capacity belongs to the room: it applies to everyone in it, so check every night.
    for night in sorted(occupancy):
        count = len(occupancy[night]) + (1 if night in wanted else 0)
        if count > data.room_capacity:
            errors["room_label"] = _(
                "Room %(room)s at %(hotel)s holds %(capacity)d; on the night of %(night)s "
                "it already has %(names)s.",
                room=label,
                hotel=data.hotel.name,
                capacity=data.room_capacity,
                night=format_day(night),
                names=", ".join(sorted(occupancy[night])),
            )
            break
    return errors


def assign_room(
    institute: Institute, data: RoomData, organizer, assignment: RoomAssignment | None = None
) -> RoomAssignment:
    errors = check_room(institute, data, editing=assignment)
    if errors:
        raise InvalidInput(errors)
    created = assignment is None
    label = data.room_label.strip()
    if created:
        assignment = RoomAssignment(uid=new_uid("room"), sequence=0)
        db.session.add(assignment)
    else:
        assignment.sequence += 1
    assignment.invitee = data.invitee
    assignment.hotel = data.hotel
    assignment.room_label = label
    assignment.room_capacity = data.room_capacity
    assignment.check_in = data.check_in
    assignment.check_out = data.check_out
    for roommate in db.session.scalars(
        select(RoomAssignment).where(
            RoomAssignment.hotel_id == data.hotel.id,
            RoomAssignment.room_label == label,
            RoomAssignment.room_capacity != data.room_capacity,
        )
    ):
        roommate.room_capacity = data.room_capacity
    db.session.flush()
    institute.touch()
    audit.record(
        "room_assignment.created" if created else "room_assignment.updated",
        institute=institute,
        organizer=organizer,
        invitee=data.invitee,
        obj=assignment,
    )
    return assignment


def delete_assignment(assignment: RoomAssignment, institute: Institute, organizer) -> None:
    audit.record(
        "room_assignment.deleted",
        institute=institute,
        organizer=organizer,
        invitee=assignment.invitee,
        obj=assignment,
    )
    db.session.delete(assignment)
    institute.touch()
