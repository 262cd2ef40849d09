"""Declarative base, common mixins and column types shared by every domain package."""

from datetime import UTC, datetime

from sqlalchemy import DateTime, Enum, MetaData, TypeDecorator, func, update
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Explicit constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on every backend.

    SQLite has no time zones: values are stored naive in UTC and handed back aware,
    so comparisons with ``utcnow()`` never mix naive and aware datetimes.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs an aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, server_default=func.now()
    )
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, server_default=func.now()
    )


def str_enum(enum_class, length: int = 20) -> Enum:
    """A StrEnum column stored as its values in a plain string column (same on every backend)."""
    return Enum(
        enum_class,
        native_enum=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
    )


def claim_rows(model, candidates, due, **stamp) -> None:
    """Stamp the rows ``candidates`` (a SELECT of ``model.id``) picks with ``stamp`` (a claim
    token and lease), so that two workers never claim the same row; the caller commits.

    PostgreSQL: lock the chosen rows, skipping those another worker holds, then stamp them (as a
    subquery of the UPDATE, PostgreSQL may run the locking SELECT more than once and claim more
    rows than it picked; two statements in one transaction cannot). SQLite has no row locks:
    one conditional UPDATE runs under its database write lock, and ``due`` repeated in it
    excludes what another worker claimed meanwhile.
    """
    from planner.extensions import db  # extensions builds on this module's base class

    if db.session.get_bind().dialect.name == "postgresql":
        chosen = list(db.session.scalars(candidates.with_for_update(skip_locked=True)))
        claim = model.id.in_(chosen)
    else:
        claim = model.id.in_(candidates.scalar_subquery()) & due
    db.session.execute(
        update(model).where(claim).values(**stamp).execution_options(synchronize_session=False)
    )


def commit_keeping_loaded(session) -> None:
    """Commit what a read has stored for the next reader (stored risks, dashboard figures)
    without expiring what this request has already loaded: the page goes on with it."""
    session.expire_on_commit, keep = False, session.expire_on_commit
    try:
        session.commit()
    finally:
        session.expire_on_commit = keep
