"""Forms of the outbox page: the filter (GET) and the confirmation of a retry (POST)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SearchField, SelectField
from wtforms.validators import Length, NumberRange, Optional

from planner.mail.models import MailStatus

STATUS_LABELS = {
    MailStatus.QUEUED: _l("Queued"),
    MailStatus.SENT: _l("Sent"),
    MailStatus.FAILED: _l("Failed"),
}

KIND_LABELS = {
    "invitation": _l("Invitation"),
    "reminder": _l("Reminder"),
    "confirmation": _l("Confirmation"),
    "notice": _l("Notice"),
    "test": _l("Test message"),
    "pickup_arranged": _l("Pickup arranged"),
    "visa_letter_ready": _l("Visa letter ready"),
}


def kind_label(kind: str):
    """A kind's label; a kind no package has named yet reads "Other message", never its value."""
    return KIND_LABELS.get(kind, _l("Other message"))


class OutboxFilterForm(FlaskForm):
    """Read from the query string: a bookmarkable list, no CSRF needed for a GET."""

    class Meta:
        csrf = False

    status = SelectField(
        _l("Status"),
        choices=[("", _l("All"))] + [(s.value, label) for s, label in STATUS_LABELS.items()],
        default="",
        validators=[Optional()],
    )
    kind = SelectField(_l("Kind"), default="", validators=[Optional()])
    q = SearchField(
        _l("Recipient or subject"), validators=[Optional(), Length(max=100)], default=""
    )
    page = IntegerField(_l("Page"), default=1, validators=[Optional(), NumberRange(min=1)])

    def set_kinds(self, kinds: list[str]) -> None:
        self.kind.choices = [("", _l("All"))] + [(k, kind_label(k)) for k in kinds]


class ConfirmForm(FlaskForm):
    """An empty form: the CSRF token of a POST button."""
