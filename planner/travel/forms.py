"""Forms of travel legs, visa rules and cases, hotels, rooms and the travel settings."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from planner.formatting import country_choices
from planner.travel.labels import (
    DIRECTION_LABELS,
    MODE_LABELS,
    VISA_REQUIREMENT_LABELS,
    VISA_STATUS_LABELS,
)
from planner.travel.zones import zone_names

_TIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


def _zone_choices(preferred: list[str]) -> list[tuple[str, str]]:
    first = [z for z in dict.fromkeys(preferred) if z]
    return [("", _l("Choose a time zone")), *((z, z) for z in first + zone_names())]


class LegForm(FlaskForm):
    direction = SelectField(_l("Direction"), validators=[DataRequired()])
    mode = SelectField(_l("Travel by"), validators=[DataRequired()])
    carrier = StringField(
        _l("Carrier"),
        validators=[Optional(), Length(max=100)],
        description=_l("Airline, railway or bus company; empty when driving."),
    )
    number = StringField(_l("Flight or train number"), validators=[Optional(), Length(max=30)])
    from_place = StringField(
        _l("From"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("City and airport or station, e.g. Amman (AMM)."),
    )
    departs_local = DateTimeLocalField(
        _l("Departure (local time)"),
        format=_TIME_FORMATS,
        validators=[InputRequired(message=_l("Enter the date and time of departure."))],
        description=_l("As on the ticket, in the local time of the place of departure."),
    )
    departs_tz = SelectField(_l("Time zone at departure"), validate_choice=False)
    to_place = StringField(_l("To"), validators=[DataRequired(), Length(max=200)])
    arrives_local = DateTimeLocalField(
        _l("Arrival (local time)"),
        format=_TIME_FORMATS,
        validators=[InputRequired(message=_l("Enter the date and time of arrival."))],
        description=_l("As on the ticket, in the local time of the place of arrival."),
    )
    arrives_tz = SelectField(_l("Time zone at arrival"), validate_choice=False)
    border_crossing = StringField(
        _l("Border crossing point"),
        validators=[Optional(), Length(max=200)],
        description=_l("For land journeys, e.g. Kordai."),
    )
    needs_pickup = BooleanField(
        _l("Needs a pickup on arrival"),
        description=_l("The organizers tell you who meets you once a pickup is arranged."),
    )

    def __init__(self, *args, preferred_zones: list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.direction.choices = [(d.value, label) for d, label in DIRECTION_LABELS.items()]
        self.mode.choices = [(m.value, label) for m, label in MODE_LABELS.items()]
        zones = _zone_choices(list(preferred_zones))
        self.departs_tz.choices = zones
        self.arrives_tz.choices = zones


class OrganizerLegForm(LegForm):
    """A leg as organizers edit it: also whether a pickup is arranged, by whom and when
    (the traveller's tick only asks for one)."""

    pickup_by = StringField(
        _l("Pickup arranged: who meets them"),
        validators=[Optional(), Length(max=200)],
        description=_l("Driver or colleague, with a phone. Leave empty while nothing is arranged."),
    )
    pickup_at = DateTimeLocalField(
        _l("Pickup time (local time of the institute)"),
        format=_TIME_FORMATS,
        validators=[Optional()],
    )


class VisaRuleForm(FlaskForm):
    nationality = SelectField(_l("Nationality"), validators=[DataRequired()])
    requirement = SelectField(_l("Visa"), validators=[DataRequired()])
    visa_free_days = IntegerField(
        _l("Visa-free days"),
        validators=[Optional(), NumberRange(min=1, max=365)],
        description=_l("For visa-free entry: how many days one may stay."),
    )
    lead_time_days = IntegerField(
        _l("Lead time in days"),
        validators=[Optional(), NumberRange(min=0, max=365)],
        description=_l("For a visa or e-visa: how long it usually takes to get one."),
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.nationality.choices = [("", _l("Choose a country")), *country_choices()]
        self.requirement.choices = [
            (r.value, label) for r, label in VISA_REQUIREMENT_LABELS.items()
        ]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.requirement.data == "not_needed" and not self.visa_free_days.data:
            self.visa_free_days.errors = [
                *self.visa_free_days.errors,
                _l("Enter how many days one may stay without a visa."),
            ]
            valid = False
        return valid


class VisaStatusForm(FlaskForm):
    status = SelectField(_l("New status"), validators=[DataRequired()])
    note = StringField(_l("Note for the history"), validators=[Optional(), Length(max=500)])

    def __init__(self, *args, allowed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = [(s.value, VISA_STATUS_LABELS[s]) for s in allowed]


class HotelForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    address = TextAreaField(_l("Address"), validators=[Optional(), Length(max=1000)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=50)])


class RoomForm(FlaskForm):
    invitee_id = SelectField(_l("Guest"), coerce=int, validators=[DataRequired()])
    hotel_id = SelectField(_l("Hotel"), coerce=int, validators=[DataRequired()])
    room_label = StringField(
        _l("Room"), validators=[DataRequired(), Length(max=50)], description=_l("e.g. 204")
    )
    room_capacity = IntegerField(
        _l("Beds in the room"),
        default=1,
        validators=[InputRequired(), NumberRange(min=1, max=20)],
        description=_l("People who can share the room; it applies to everyone in it."),
    )
    check_in = DateField(_l("Check-in (first night)"), validators=[InputRequired()])
    check_out = DateField(_l("Check-out (morning of leaving)"), validators=[InputRequired()])

    def __init__(self, *args, invitees=(), hotels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.invitee_id.choices = [(0, _l("Choose a guest")), *invitees]
        self.hotel_id.choices = [(0, _l("Choose a hotel")), *hotels]


class TravelSettingsForm(FlaskForm):
    passport_valid_months = IntegerField(
        _l("Passport valid after the institute (months)"),
        validators=[InputRequired(), NumberRange(min=0, max=24)],
    )
    travel_details_days = IntegerField(
        _l("Flag missing travel details from (days before the start)"),
        validators=[InputRequired(), NumberRange(min=0, max=180)],
    )
