"""The institute's data version, raised in SQL at commit so concurrent changes never lose one.

``Institute.touch()`` only notes the institute in the session. Just before the commit, after
the last flush, one ``UPDATE institute SET data_version = data_version + 1`` runs per touched
institute: the database adds, so two requests that both change data always give two versions
(a read-then-write in Python lost increments: two states shared one cached booklet). Running
it last also means every transaction locks invitee rows before the institute row, never the
other way round, so RSVP answers and organizer edits cannot deadlock on the two.
"""

from sqlalchemy import event, update
from sqlalchemy.orm import Session

_KEY = "planner_touched_institutes"
# Called in the same transaction, after the versions were raised, with the session and the
# ids of the changed institutes (the documents package queues its re-renders there).
_after_raise: list = []


def after_versions_raised(callback):
    """Register ``callback(session, institute_ids)``; returns it (usable as a decorator)."""
    if callback not in _after_raise:
        _after_raise.append(callback)
    return callback


def note_touched(session: Session, institute_id: int) -> None:
    session.info.setdefault(_KEY, set()).add(institute_id)


def touched(session: Session) -> bool:
    """Whether the session has changed an institute's data and not committed yet."""
    return bool(session.info.get(_KEY))


@event.listens_for(Session, "before_commit")
def _raise_versions(session: Session) -> None:
    # Flush first: listeners that run in the flush (the program's read model) touch too.
    session.flush()
    touched = session.info.get(_KEY)
    if not touched:
        return
    from planner.institutes.models import Institute

    ids = sorted(session.info.pop(_KEY))
    session.execute(
        update(Institute)
        .where(Institute.id.in_(ids))
        .values(data_version=Institute.data_version + 1)
        .execution_options(synchronize_session=False)
    )
    for institute in session.identity_map.values():
        if isinstance(institute, Institute) and institute.id in ids:
            session.expire(institute, ["data_version"])
    for callback in _after_raise:
        callback(session, ids)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended (rolled back or closed)
        session.info.pop(_KEY, None)
