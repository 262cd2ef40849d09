"""Forms of organizers (invitee, status, import) and of invitees (answer, details)."""

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from planner.formatting import country_choices, language_choices
from planner.invitations import profile_columns
from planner.invitations.models import InviteeRole, RsvpStatus

ROLE_LABELS = {
    InviteeRole.PARTICIPANT: _l("Participant"),
    InviteeRole.FACILITATOR: _l("Facilitator"),
    InviteeRole.TRAINER: _l("Trainer"),
    InviteeRole.OBSERVER: _l("Observer"),
    InviteeRole.STAFF: _l("Staff"),
}
STATUS_LABELS = {
    RsvpStatus.DRAFT: _l("Not invited yet"),
    RsvpStatus.INVITED: _l("Invited"),
    RsvpStatus.CONFIRMED: _l("Confirmed"),
    RsvpStatus.DECLINED: _l("Declined"),
    RsvpStatus.WAITLISTED: _l("Waiting list"),
    RsvpStatus.WITHDRAWN: _l("Withdrawn"),
}

# The invitee's own answer, as the invitee reads it on their pages ("you", not "they").
OWN_STATUS_LABELS = {
    RsvpStatus.DRAFT: _l("No answer yet"),
    RsvpStatus.INVITED: _l("No answer yet"),
    RsvpStatus.CONFIRMED: _l("You are coming"),
    RsvpStatus.DECLINED: _l("You are not coming"),
    RsvpStatus.WAITLISTED: _l("Waiting list"),
    RsvpStatus.WITHDRAWN: _l("Withdrawn"),
}

LATIN_NAME = re.compile(r"^[A-Za-z][A-Za-z' .\-]*$")
PASSPORT_NUMBER = re.compile(r"^[A-Z0-9]{5,20}$")


def _validate_latin(form, field) -> None:
    if field.data and not LATIN_NAME.match(field.data.strip()):
        raise ValidationError(
            _l("Write the name exactly as in the passport, in Latin letters (A–Z).")
        )


def _validate_passport_number(form, field) -> None:
    if field.data:
        compact = re.sub(r"[\s-]", "", field.data).upper()
        if not PASSPORT_NUMBER.match(compact):
            raise ValidationError(_l("Use 5 to 20 Latin letters and digits, as in the passport."))
        field.data = compact


def _validate_birth_date(form, field) -> None:
    if field.data and not date(1900, 1, 1) <= field.data <= date.today().replace(
        year=date.today().year - 14
    ):
        raise ValidationError(_l("Enter a real date of birth."))


def _date_or_none(value):
    # With obj=invitee, a field missing from the posted form keeps the stored value, which
    # for the date of birth is its encrypted column's ISO text: never a date the form can use.
    return value if isinstance(value, date) else None


def _no_formula(form, field) -> None:
    if field.data and field.data.strip().startswith(("=", "+", "-", "@")):
        raise ValidationError(_l("A name cannot start with =, +, - or @."))


class InviteeForm(FlaskForm):
    """Organizers add or edit an invitee."""

    full_name = StringField(
        _l("Full name"),
        validators=[DataRequired(), Length(max=200), _no_formula],
        description=_l("As the person writes it, in any script."),
    )
    passport_name = StringField(
        _l("Name in passport (Latin)"), validators=[Optional(), Length(max=200), _validate_latin]
    )
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=50)])
    organization = StringField(_l("Organization"), validators=[Optional(), Length(max=300)])
    country = SelectField(_l("Country of residence"), validators=[Optional()])
    nationality = SelectField(_l("Nationality"), validators=[Optional()])
    role = SelectField(
        _l("Role"),
        choices=[(r.value, label) for r, label in ROLE_LABELS.items()],
        default=InviteeRole.PARTICIPANT.value,
    )
    language = SelectField(_l("Preferred language"), validators=[DataRequired()])
    consent_to_list = BooleanField(_l("Agrees to appear in the participant list"))
    consent_named_facilitator = BooleanField(
        _l("Agrees to be named as a facilitator in the public program, booklet and feed")
    )
    dietary_needs = TextAreaField(_l("Dietary needs"), validators=[Optional(), Length(max=1000)])
    access_needs = TextAreaField(_l("Access needs"), validators=[Optional(), Length(max=1000)])
    passport_number = StringField(
        _l("Passport number"),
        validators=[Optional(), _validate_passport_number],
        description=_l("Stored encrypted. Leave empty to keep the number already stored."),
    )
    passport_expiry = DateField(_l("Passport valid until"), validators=[Optional()])
    date_of_birth = DateField(
        _l("Date of birth"),
        validators=[Optional(), _validate_birth_date],
        filters=[_date_or_none],
        description=_l("Stored encrypted. Leave empty to keep the date already stored."),
    )
    organizer_notes = TextAreaField(
        _l("Notes of the organizers"),
        validators=[Optional(), Length(max=5000)],
        description=_l("Never shown to the invitee."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        countries = country_choices()
        self.country.choices = [("", _l("Not known")), *countries]
        self.nationality.choices = [("", _l("Not known")), *countries]
        self.language.choices = language_choices()


class StatusForm(FlaskForm):
    """Organizers set any RSVP status, with a reason for the history."""

    status = SelectField(
        _l("New status"), choices=[(s.value, label) for s, label in STATUS_LABELS.items()]
    )
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])


class ImportForm(FlaskForm):
    file = FileField(
        _l("CSV or Excel file"),
        validators=[FileRequired(_l("Choose a CSV or Excel file."))],
        description=_l(
            "CSV (UTF-8 or Windows-1251, separated by ; or ,) or an Excel workbook (.xlsx), "
            "at most 2 MB. The first row names the columns (English or Russian)."
        ),
    )


# Organizer-only labels, kept out of this invitee-facing module's catalog.
PROFILE_LABELS = profile_columns.LABELS
CELL = [Optional(), Length(max=400)]


class ImportCorrectionForm(FlaskForm):
    """One row of an import corrected (or skipped, or taken back) in the preview."""

    row = IntegerField(
        validators=[
            DataRequired(_l("Choose a row of the file.")),
            NumberRange(min=2, max=100_000, message=_l("Choose a row of the file.")),
        ]
    )
    action = SelectField(
        choices=[("correct", "correct"), ("skip", "skip"), ("include", "include")],
        default="correct",
    )
    full_name = StringField(_l("Full name"), validators=[Optional(), Length(max=400)])
    passport_name = StringField(_l("Name in passport"), validators=[Optional(), Length(max=400)])
    email = StringField(_l("E-mail"), validators=[Optional(), Length(max=400)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=400)])
    organization = StringField(_l("Organization"), validators=[Optional(), Length(max=400)])
    country = StringField(_l("Country"), validators=[Optional(), Length(max=400)])
    nationality = StringField(_l("Nationality"), validators=[Optional(), Length(max=400)])
    role = StringField(_l("Role"), validators=[Optional(), Length(max=400)])
    language = StringField(_l("Language"), validators=[Optional(), Length(max=400)])
    passport_expiry = StringField(_l("Passport expiry"), validators=[Optional(), Length(max=400)])
    gender = StringField(PROFILE_LABELS["gender"], validators=CELL)
    age_group = StringField(PROFILE_LABELS["age_group"], validators=CELL)
    date_of_birth = StringField(
        PROFILE_LABELS["date_of_birth"], validators=[Optional(), Length(max=400)]
    )
    setting = StringField(PROFILE_LABELS["setting"], validators=CELL)
    sector = StringField(PROFILE_LABELS["sector"], validators=CELL)


class RsvpForm(FlaskForm):
    """The invitee's answer: the button pressed gives it."""

    answer = StringField(
        validators=[AnyOf([RsvpStatus.CONFIRMED.value, RsvpStatus.DECLINED.value])]
    )
    reason = TextAreaField(
        _l("Reason (optional)"),
        validators=[Optional(), Length(max=1000)],
        description=_l("Only the organizers see it."),
    )


class DetailsForm(FlaskForm):
    """What a confirmed invitee tells us for travel, visa letters and the venue."""

    passport_name = StringField(
        _l("Name in passport (Latin letters)"),
        validators=[DataRequired(), Length(max=200), _validate_latin],
        description=_l("Exactly as in your passport, e.g. SAIDOVA ZARINA."),
    )
    nationality = SelectField(_l("Nationality"), validators=[DataRequired()])
    phone = StringField(_l("Phone"), validators=[DataRequired(), Length(max=50)])
    organization = StringField(_l("Organization"), validators=[Optional(), Length(max=300)])
    dietary_needs = TextAreaField(_l("Dietary needs"), validators=[Optional(), Length(max=1000)])
    access_needs = TextAreaField(
        _l("Access needs"),
        validators=[Optional(), Length(max=1000)],
        description=_l("Anything that would make the venue or the program easier for you."),
    )
    consent_to_list = BooleanField(
        _l("I agree that my name and organization appear in the participant list.")
    )
    consent_named_facilitator = BooleanField(
        _l(
            "I agree to be named as a facilitator of my sessions in the public program, "
            "the program booklet and the calendar feed."
        )
    )
    passport_number = StringField(
        _l("Passport number"),
        validators=[Optional(), _validate_passport_number],
        description=_l("For the visa invitation letter. Stored encrypted."),
    )
    passport_expiry = DateField(_l("Passport valid until"), validators=[Optional()])
    date_of_birth = DateField(
        _l("Date of birth"),
        validators=[Optional(), _validate_birth_date],
        filters=[_date_or_none],
        description=_l("For the visa invitation letter. Stored encrypted."),
    )

    def __init__(self, *args, institute=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.institute = institute
        self.nationality.choices = [("", _l("Choose a country")), *country_choices()]

    def validate_nationality(self, field):
        if field.data not in {code for code, _ in field.choices if code}:
            raise ValidationError(_l("Choose a country from the list."))

    def validate_passport_expiry(self, field):
        if field.data and self.institute and field.data < self.institute.end_date:
            raise ValidationError(_l("Your passport must be valid until the institute ends."))
