"""Forms of the agenda: rooms, sessions, moving, copying a day, breakouts."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from planner.agenda.models import SessionKind
from planner.formatting import language_choices, language_name

KIND_LABELS = {
    # i18n: invitee
    SessionKind.PLENARY: _l("Plenary"),
    # i18n: invitee
    SessionKind.BREAKOUT: _l("Breakout"),
    # i18n: invitee
    SessionKind.BREAK: _l("Break"),
    # i18n: invitee
    SessionKind.MEAL: _l("Meal"),
    # i18n: invitee
    SessionKind.EXCURSION: _l("Excursion"),
    # i18n: invitee
    SessionKind.OTHER: _l("Other"),
}


def optional_int(value):
    """'' and None mean no choice; anything else must be a whole number."""
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # never an id: the service answers with a clear message


def room_choices(rooms) -> list[tuple]:
    return [(None, _l("No room (whole venue)")), *((r.id, r.name) for r in rooms)]


class RoomForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    capacity = IntegerField(
        _l("Seats"),
        validators=[Optional(), NumberRange(min=1, max=10000)],
        description=_l("Leave empty when it does not matter."),
    )
    position = IntegerField(
        _l("Order"),
        validators=[Optional(), NumberRange(min=0, max=100000)],
        description=_l("Rooms appear as columns from the lowest number to the highest."),
    )


class SessionForm(FlaskForm):
    languages: list[str] = []  # working languages with their own title fields
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    kind = SelectField(
        _l("Kind"),
        choices=[(k.value, label) for k, label in KIND_LABELS.items()],
        default="plenary",
    )
    day = DateField(_l("Day"), validators=[InputRequired()])
    starts = TimeField(_l("Starts"), validators=[InputRequired()])
    ends = TimeField(_l("Ends"), validators=[InputRequired()])
    room_id = SelectField(_l("Room"), coerce=optional_int, validate_choice=False)
    spans_rooms = BooleanField(
        _l("For everyone: draw it across all room columns"),
        description=_l(
            "Otherwise a session in a room is drawn in that room's column only, "
            "so parallel sessions in other rooms stay visible."
        ),
    )
    track = StringField(
        _l("Parallel track"),
        validators=[Optional(), Length(max=50)],
        description=_l("For example A, B, C: parallel breakouts of one track follow each other."),
    )
    language = SelectField(_l("Working language"), validators=[Optional()])
    interpretation = StringField(
        _l("Interpretation"),
        validators=[Optional(), Length(max=100)],
        description=_l("For example “ru ↔ en”; leave empty when there is none."),
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    facilitators = SelectMultipleField(
        _l("Facilitators"), coerce=optional_int, validate_choice=False
    )

    def __init__(self, *args, rooms=(), candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.room_id.choices = room_choices(rooms)
        self.language.choices = [("", _l("Not set")), *language_choices()]
        self.facilitators.choices = [(i.id, i.full_name) for i in candidates]


def session_form_class(languages: list[str]) -> type[SessionForm]:
    """The session form with a title and a description field for each working language."""
    fields = {}
    for code in languages:
        name = language_name(code)
        fields[f"title_{code}"] = StringField(
            _l("Title in %(language)s", language=name), validators=[Optional(), Length(max=300)]
        )
        fields[f"description_{code}"] = TextAreaField(
            _l("Description in %(language)s", language=name),
            validators=[Optional(), Length(max=5000)],
        )
    form_class = type("SessionFormInLanguages", (SessionForm,), fields)
    form_class.languages = list(languages)
    return form_class


class MoveForm(FlaskForm):
    day = DateField(_l("Day"), validators=[InputRequired()])
    starts = TimeField(_l("Starts"), validators=[InputRequired()])
    room_id = SelectField(_l("Room"), coerce=optional_int, validate_choice=False)

    def __init__(self, *args, rooms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.room_id.choices = room_choices(rooms)


class DuplicateDayForm(FlaskForm):
    source = DateField(_l("Copy the sessions of"), validators=[InputRequired()])
    target = DateField(_l("Onto the day"), validators=[InputRequired()])
    add_to_existing = BooleanField(
        _l("That day already has sessions: add the ones not there yet"),
    )


class SplitForm(FlaskForm):
    redo = BooleanField(
        _l("Split everyone again"),
        description=_l("Otherwise people already in a breakout keep their place."),
    )


class ConfirmForm(FlaskForm):
    """An empty form for buttons that POST (duplicate, cancel, restore, delete): CSRF only."""
