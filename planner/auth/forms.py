"""Sign-in, password and team forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from planner.auth.addresses import OrganizerEmail
from planner.auth.models import TeamRole
from planner.auth.passwords import MIN_PASSWORD_LENGTH
from planner.i18n import INVITEE_LOCALES, autonym


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), OrganizerEmail()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)],
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords differ."))],
    )


ROLE_LABELS = {
    TeamRole.OWNER: _l("Owner"),
    TeamRole.EDITOR: _l("Editor"),
    TeamRole.VIEWER: _l("Viewer"),
}


class AddMemberForm(FlaskForm):
    email = EmailField(_l("Organizer's e-mail"), validators=[DataRequired(), OrganizerEmail()])
    role = SelectField(
        _l("Role"),
        choices=[(role.value, label) for role, label in ROLE_LABELS.items()],
        default=TeamRole.EDITOR.value,
    )


class ChangeRoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[(r.value, label) for r, label in ROLE_LABELS.items()])


class LanguageForm(FlaskForm):
    # Every language some page speaks: organizer pages then keep to English and Russian.
    lang = SelectField(_l("Language"), choices=[(code, autonym(code)) for code in INVITEE_LOCALES])
    next = StringField()
