"""Forms of two-factor sign-in."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=20)],
        description=_l("The 6 digits your authenticator app shows, or a recovery code."),
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True},
    )
    remember = BooleanField(_l("Remember this browser for 30 days"))


class SetupCodeForm(FlaskForm):
    code = StringField(
        _l("Code from the app"),
        validators=[DataRequired(), Length(max=20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class DisableForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired()])


class StartForm(FlaskForm):
    pass


class TeamRequirementForm(FlaskForm):
    required = BooleanField(_l("Require two-factor sign-in for everyone in the team"))
