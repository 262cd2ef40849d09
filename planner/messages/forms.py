"""Forms of the messages pages: the group and the text, a standard e-mail's wording."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from planner.invitations.forms import ROLE_LABELS, STATUS_LABELS
from planner.messages import services
from planner.messages.models import TemplateKind
from planner.travel.labels import VISA_STATUS_LABELS

TEMPLATE_LABELS = {
    TemplateKind.INVITATION: _l("Invitation"),
    TemplateKind.REMINDER: _l("Reminder"),
    TemplateKind.CONFIRMATION: _l("Confirmation of attendance"),
    TemplateKind.LETTER_READY: _l("Visa letter ready"),
}


def _placeholders_known(form, field) -> None:
    unknown = services.unknown_placeholders(field.data or "")
    if unknown:
        raise ValidationError(
            _l(
                "Unknown placeholder %(names)s. Use {name}, {link} or {sessions}.",
                names=", ".join(unknown),
            )
        )


class AudienceForm(FlaskForm):
    """Who gets the message; read from the query string or with the message (POST)."""

    status = SelectField(_l("Status"), validators=[Optional()])
    country = SelectField(_l("Country"), validators=[Optional()])
    role = SelectField(_l("Role"), validators=[Optional()])
    visa = SelectField(_l("Visa"), validators=[Optional()])
    not_answered = BooleanField(_l("Invited and not answered yet"))
    no_travel = BooleanField(_l("No travel details yet"))
    no_passport = BooleanField(_l("No passport details yet"))

    def fill_choices(self, countries: list[tuple[str, str]]) -> None:
        everyone = [("", _l("Any"))]
        self.status.choices = everyone + [(s.value, label) for s, label in STATUS_LABELS.items()]
        self.country.choices = everyone + countries
        self.role.choices = everyone + [(r.value, label) for r, label in ROLE_LABELS.items()]
        self.visa.choices = (
            everyone
            + [("none", _l("no visa case"))]
            + [(s.value, label) for s, label in VISA_STATUS_LABELS.items()]
        )

    def audience(self) -> services.Audience:
        return services.Audience(
            status=self.status.data or "",
            country=self.country.data or "",
            role=self.role.data or "",
            visa=self.visa.data or "",
            no_travel=bool(self.no_travel.data),
            no_passport=bool(self.no_passport.data),
            not_answered=bool(self.not_answered.data),
        )


class ComposeForm(AudienceForm):
    """The group, when to send, and what was pressed; the texts per language are read by the
    view (one subject and body for each language of the group)."""

    send_at = DateTimeLocalField(
        _l("Send later, at (local time of the institute)"),
        validators=[Optional()],
        description=_l("Leave empty to send now."),
    )
    action = SelectField(
        choices=[("refresh", "refresh"), ("preview", "preview"), ("send", "send")],
        default="refresh",
    )


class TemplateForm(FlaskForm):
    subject = StringField(
        _l("Subject"), validators=[DataRequired(), Length(max=services.MAX_SUBJECT)]
    )
    body = TextAreaField(
        _l("Text"),
        validators=[DataRequired(), Length(max=services.MAX_BODY), _placeholders_known],
        render_kw={"rows": 14},
        description=_l(
            "Placeholders: {name} the person's name, {link} their personal link, "
            "{sessions} their own sessions."
        ),
    )
