"""How an entry of an invitee's history reads: every kind of change has a name, and every
status it records a label. Packages register their kinds (travel registers "visa"), so no
stored value ever reaches a page."""

from flask_babel import lazy_gettext as _l

HISTORY_KINDS: dict[str, tuple[object, dict[str, object]]] = {}


def register_history_kind(kind: str, name, labels: dict) -> None:
    """``labels`` maps each status (an enum member or its value) to its label."""
    HISTORY_KINDS[kind] = (name, {getattr(k, "value", k): v for k, v in labels.items()})


def history_kind_name(kind: str) -> str:
    name, _labels = HISTORY_KINDS.get(kind, (_l("Other change"), {}))
    return str(name)


def history_status(kind: str, value: str | None) -> str:
    if not value:
        return "—"
    _name, labels = HISTORY_KINDS.get(kind, (None, {}))
    return str(labels.get(value, _l("another status")))
