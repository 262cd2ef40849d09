"""The institute form: dates, IANA zone, ISO country and working languages, validated."""

import re
from datetime import date
from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from planner.formatting import country_choices, language_choices

_ZONES = sorted(
    z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/"))
)
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class InstituteForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    slug = StringField(
        _l("Short name in addresses"),
        validators=[Optional(), Length(min=3, max=80)],
        description=_l(
            "Lower-case letters, digits and hyphens; left empty, it is made from the title."
        ),
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    host_organization = StringField(
        _l("Host organization"), validators=[Optional(), Length(max=300)]
    )
    city = StringField(_l("City"), validators=[DataRequired(), Length(max=120)])
    country = SelectField(_l("Country"), validators=[DataRequired()], validate_choice=True)
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=300)])
    address = TextAreaField(_l("Address"), validators=[Optional(), Length(max=1000)])
    timezone = SelectField(
        _l("Time zone"),
        validators=[DataRequired()],
        description=_l("Session times are local times in this zone."),
    )
    start_date = DateField(_l("First day"), validators=[InputRequired()])
    end_date = DateField(_l("Last day"), validators=[InputRequired()])
    working_languages = SelectMultipleField(_l("Working languages"), validators=[DataRequired()])
    rsvp_deadline = DateField(_l("RSVP deadline"), validators=[Optional()])
    contact_email = EmailField(_l("Contact e-mail"), validators=[Optional(), Email()])
    emergency_phone = StringField(_l("Emergency phone"), validators=[Optional(), Length(max=50)])
    retention_date = DateField(
        _l("Delete personal data after"),
        validators=[Optional()],
        description=_l("Passport data and personal details are removed after this date."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = [("", _l("Choose a country")), *country_choices()]
        self.timezone.choices = [("", _l("Choose a time zone")), *((z, z) for z in _ZONES)]
        self.working_languages.choices = language_choices()

    def validate_slug(self, field):
        if field.data and not SLUG_RE.match(field.data):
            raise ValidationError(_l("Use lower-case Latin letters, digits and single hyphens."))

    def validate_timezone(self, field):
        if field.data not in available_timezones():
            raise ValidationError(_l("Choose a time zone from the list."))

    def validate_end_date(self, field):
        if self.start_date.data and field.data and field.data < self.start_date.data:
            raise ValidationError(_l("The last day cannot be before the first day."))
        if self.start_date.data and field.data and (field.data - self.start_date.data).days > 60:
            raise ValidationError(_l("An institute can last at most 60 days."))

    def validate_start_date(self, field):
        if field.data and not date(2000, 1, 1) <= field.data <= date(2100, 12, 31):
            raise ValidationError(_l("Enter a date between 2000 and 2100."))

    def validate_rsvp_deadline(self, field):
        if field.data and self.end_date.data and field.data > self.end_date.data:
            raise ValidationError(_l("The RSVP deadline cannot be after the institute ends."))

    def validate_retention_date(self, field):
        if field.data and self.end_date.data and field.data < self.end_date.data:
            raise ValidationError(_l("Personal data is needed until the institute ends."))


NEW_ORGANIZATION = "new"


class NewInstituteForm(InstituteForm):
    """The institute form with the organization that will own it: one of the organizer's
    organizations, or a new one (their first, when they have none)."""

    organization = SelectField(
        _l("Organization"),
        validate_choice=False,  # checked below: a form without the field takes the first
        description=_l(
            "The network or organization that runs it. Its institutes share their "
            "participants' history; other organizations never see them."
        ),
    )
    new_organization = StringField(
        _l("Name of the new organization"),
        validators=[Optional(), Length(max=300)],
        description=_l("Left empty: the host organization above, or your name."),
    )

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organization.choices = [
            *((str(o.id), o.name) for o in organizations),
            (NEW_ORGANIZATION, _l("A new organization")),
        ]

    def validate_organization(self, field):
        if field.data and field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose one of your organizations."))


class ConfirmForm(FlaskForm):
    """An empty form for buttons that POST (archive, remove): CSRF only."""
