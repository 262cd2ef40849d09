"""Forms of the reports package: the reporting profile and the report's date range."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from planner.reports.models import Gender
from planner.reports.profiles import AGE_GROUP_LABELS, GENDER_LABELS, SECTOR_LABELS, SETTING_LABELS


def _choices(labels: dict) -> list[tuple[str, object]]:
    return [("", _l("Not answered")), *((key.value, label) for key, label in labels.items())]


class ProfileForm(FlaskForm):
    gender = SelectField(_l("Gender"), choices=_choices(GENDER_LABELS), validate_choice=True)
    gender_text = StringField(
        _l("In your own words"),
        validators=[Optional(), Length(max=60)],
        description=_l("Only if you chose “Self-described”."),
    )
    age_group = SelectField(_l("Age group"), choices=_choices(AGE_GROUP_LABELS))
    setting = SelectField(
        _l("Where you live and work"), choices=_choices(SETTING_LABELS), validate_choice=True
    )
    sector = SelectField(
        _l("Profession or sector"), choices=_choices(SECTOR_LABELS), validate_choice=True
    )

    def validate_gender_text(self, field) -> None:
        if field.data and self.gender.data != Gender.SELF_DESCRIBED:
            raise ValidationError(_l("Choose “Self-described” to describe it in your own words."))


class RangeForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form: it only filters what is shown

    organization = SelectField(
        _l("Organization"), validators=[Optional()], validate_choice=True, default=""
    )
    start = DateField(_l("Institutes starting from"), validators=[Optional()])
    end = DateField(_l("until"), validators=[Optional()])

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organization.choices = [(str(o.id), o.name) for o in organizations]

    def validate_end(self, field) -> None:
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("The end must not be before the start."))


class FollowUpSettingsForm(FlaskForm):
    months = IntegerField(
        _l("Months after the institute"), validators=[DataRequired(), NumberRange(min=1, max=36)]
    )


class FollowUpForm(FlaskForm):
    ran_training = RadioField(
        _l("Did you give a training since the institute?"),
        choices=[("yes", _l("Yes")), ("no", _l("No"))],
        validators=[InputRequired(_l("Please answer yes or no."))],
    )
    trainings = IntegerField(
        _l("How many trainings?"), validators=[Optional(), NumberRange(min=1, max=1000)]
    )
    people_reached = IntegerField(
        _l("How many people took part in them, about?"),
        validators=[Optional(), NumberRange(min=0, max=100000)],
    )
    countries = SelectMultipleField(_l("Where?"), validate_choice=True)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Not an inline validator: Optional() ends the field's chain when it is empty.
        if (
            self.ran_training.data == "yes"
            and not self.trainings.data
            and not self.trainings.errors
        ):
            self.trainings.errors = [
                *self.trainings.errors,
                _l("Please say how many trainings you gave."),
            ]
            valid = False
        return valid
