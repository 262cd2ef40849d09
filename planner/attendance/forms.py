"""Forms of the attendance package: a check-in mark, certificate settings."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class MarkForm(FlaskForm):
    invitee = IntegerField(validators=[Optional()])
    code = StringField(validators=[Optional(), Length(max=32)])
    day = DateField(validators=[DataRequired()])
    session = IntegerField(validators=[Optional()])
    present = HiddenField(default="1")
    q = StringField(validators=[Optional(), Length(max=200)])


class CertificateSettingsForm(FlaskForm):
    min_days = IntegerField(
        _l("Days present needed for a certificate"),
        validators=[DataRequired(), NumberRange(min=1, max=60)],
    )
    signatory_name = StringField(_l("Signatory"), validators=[Optional(), Length(max=200)])
    signatory_title = StringField(
        _l("Signatory's position"), validators=[Optional(), Length(max=200)]
    )
    serial_prefix = StringField(
        _l("Serial number prefix"),
        validators=[Optional(), Length(max=20)],
        description=_l("Printed before each certificate's number, e.g. TOT26."),
    )
