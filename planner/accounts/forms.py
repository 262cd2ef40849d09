"""Forms of the password reset and of accepting a team invitation."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from planner.auth.addresses import OrganizerEmail
from planner.auth.passwords import MIN_PASSWORD_LENGTH


def _new_password_fields():
    password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=_l(
                    "The password must be at least %(count)d characters.",
                    count=MIN_PASSWORD_LENGTH,
                ),
            ),
        ],
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    return password, confirm


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254), OrganizerEmail()])


class ResetPasswordForm(FlaskForm):
    password, confirm = _new_password_fields()


class JoinWithNewAccountForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    password, confirm = _new_password_fields()


class JoinWithAccountForm(FlaskForm):
    """An existing account accepts; unless already signed in, it proves itself."""

    password = PasswordField(_l("Your password"), validators=[DataRequired()])


class AcceptForm(FlaskForm):
    """Signed in as the invited account: one button."""
