"""Counting SQL statements, for tests that assert a page uses a constant number of queries."""

from contextlib import contextmanager

from sqlalchemy import event

from planner.extensions import db


class QueryLog(list):
    """The statements sent inside a ``count_queries()`` block, in order."""

    @property
    def count(self) -> int:
        return len(self)


@contextmanager
def count_queries():
    """``with count_queries() as queries: ...`` then ``len(queries)`` or ``queries.count``."""
    statements = QueryLog()

    def before_cursor_execute(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)
