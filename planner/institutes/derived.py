"""Figures derived from an institute's data, stored with the data version they were computed at.

Some dashboard figures need a whole-program computation (the agenda's conflicts run every rule
over every session, facilitator, assignment and leg). They only change when the data does, and
every change raises ``Institute.data_version`` (``institutes.versioning``), so each figure is
computed at most once per version, by the first reader, and stored; every later reader gets it
with one query by primary key, whatever the size of the institute.

The version is read before the data the figure is computed from, so a stored figure is never
older than its label: at worst it is newer, and the next reader computes it again. Two readers
computing at once both write the same value; the later write wins.

Stored values are JSON (numbers, strings, lists, dicts). The dashboard's first risks name
people, so a purge of the institute's personal data deletes its stored figures (``forget``);
a backup leaves them out (a restored institute computes them again).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import g, has_request_context
from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from planner.db import commit_keeping_loaded
from planner.extensions import db
from planner.institutes.models import Institute
from planner.institutes.versioning import touched


class DerivedValue(db.Model):
    __tablename__ = "derived_value"

    institute_id: Mapped[int] = mapped_column(
        ForeignKey("institute.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    data_version: Mapped[int]
    # What else the figure depends on, when not only the data: the day, the reader's language.
    basis: Mapped[str] = mapped_column(String(64), default="")
    value: Mapped[object] = mapped_column(JSON)


def stored(institute: Institute, name: str, compute: Callable[[], object], basis: str = ""):
    """The figure ``name`` of the institute at its current data version (and ``basis``): read
    back when it was computed for them, else computed now and stored for the next reader."""
    version = institute.data_version
    rows = _rows(institute.id)
    if rows.get(name, (None, None, None))[:2] == (version, basis):
        return rows[name][2]
    value = compute()
    if not _pending(db.session()):
        _store(
            {
                "institute_id": institute.id,
                "name": name,
                "data_version": version,
                "basis": basis,
                "value": value,
            }
        )
        rows[name] = (version, basis, value)
    return value


def _rows(institute_id: int) -> dict[str, tuple]:
    """name -> (version, basis, value) of every stored figure of the institute: one query,
    once per request (a dashboard reads several)."""
    cache = g.setdefault("_derived_values", {}) if has_request_context() else {}
    if institute_id not in cache:
        cache[institute_id] = {
            row.name: (row.data_version, row.basis, row.value)
            for row in db.session.execute(
                db.select(
                    DerivedValue.name,
                    DerivedValue.data_version,
                    DerivedValue.basis,
                    DerivedValue.value,
                ).where(DerivedValue.institute_id == institute_id)
            )
        }
    return cache[institute_id]


def forget(institute_id: int) -> None:
    """Delete the institute's stored figures (when its personal data are purged)."""
    if has_request_context():
        g.pop("_derived_values", None)
    db.session.execute(db.delete(DerivedValue).where(DerivedValue.institute_id == institute_id))


def _pending(session) -> bool:
    """Changes not yet committed: a figure computed from them is not stored (and the
    request's own changes are never committed here)."""
    return bool(session.new or session.dirty or session.deleted or touched(session))


def _store(values: dict) -> None:
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    db.session.execute(
        dialect.insert(DerivedValue)
        .values(values)
        .on_conflict_do_update(
            index_elements=[DerivedValue.institute_id, DerivedValue.name],
            set_={key: values[key] for key in ("data_version", "basis", "value")},
        )
    )
    commit_keeping_loaded(db.session())  # kept for the next reader
