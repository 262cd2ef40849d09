"""Adding an organizer to an organization."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField
from wtforms.validators import DataRequired, Email, Length

from planner.organizations.models import OrganizationRole
from planner.organizations.services import ROLE_LABELS


class AddOrganizationMemberForm(FlaskForm):
    email = EmailField(
        _l("Organizer's e-mail"), validators=[DataRequired(), Email(), Length(max=254)]
    )
    role = SelectField(
        _l("Role"),
        choices=[(role.value, label) for role, label in ROLE_LABELS.items()],
        default=OrganizationRole.MEMBER.value,
        validate_choice=True,
    )
