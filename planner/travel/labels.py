"""Names for people of the travel package's statuses and kinds (translated, lazily)."""

from flask_babel import lazy_gettext as _l

from planner.travel.models import Direction, TravelMode, VisaRequirement, VisaStatus

VISA_STATUS_LABELS = {
    VisaStatus.NOT_NEEDED: _l("not needed"),
    VisaStatus.NEEDED: _l("needed"),
    VisaStatus.LETTER_REQUESTED: _l("letter requested"),
    VisaStatus.LETTER_SENT: _l("letter sent"),
    VisaStatus.APPLIED: _l("applied"),
    VisaStatus.APPROVED: _l("approved"),
    VisaStatus.REFUSED: _l("refused"),
}

VISA_REQUIREMENT_LABELS = {
    VisaRequirement.NOT_NEEDED: _l("not needed (visa-free)"),
    VisaRequirement.E_VISA: _l("e-visa"),
    VisaRequirement.REQUIRED: _l("visa required"),
    VisaRequirement.UNKNOWN: _l("unknown"),
}

MODE_LABELS = {
    TravelMode.AIR: _l("Air"),
    TravelMode.RAIL: _l("Rail"),
    TravelMode.ROAD: _l("Road"),
}

DIRECTION_LABELS = {
    Direction.ARRIVAL: _l("Arrival"),
    Direction.DEPARTURE: _l("Departure"),
}

RISK_KIND_LABELS = {
    "visa": _l("visa not approved in time"),
    "passport": _l("passport expires too soon"),
    "visa_free_days": _l("stay longer than the visa-free days"),
    "visa_rule": _l("visa need unknown"),
    "travel": _l("no travel details"),
    "arrival_late": _l("arrives after the start"),
    "departure_early": _l("leaves before the end"),
    "no_bed": _l("no bed"),
    "bed_held": _l("bed held for someone not coming"),
}


def _register_history() -> None:
    from planner.invitations.history import register_history_kind

    register_history_kind("visa", _l("Visa"), VISA_STATUS_LABELS)


_register_history()
