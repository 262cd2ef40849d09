"""The publish form: a short note, whether to tell facilitators, and the conflicts seen."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField
from wtforms.validators import Length, Optional


class PublishForm(FlaskForm):
    note = TextAreaField(
        _l("Note for this version (optional)"),
        validators=[Optional(), Length(max=1000)],
        description=_l("Shown with the version on the public page, e.g. “Room B for day 2”."),
    )
    notify_facilitators = BooleanField(
        _l("E-mail the facilitators whose sessions changed"), default=False
    )
    acknowledge_conflicts = BooleanField(_l("I have seen the warnings above; publish anyway"))
