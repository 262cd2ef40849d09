"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from planner.extensions import db
from tests.conftest import _postgres_url, make_test_app, throwaway_postgres_database


@pytest.fixture
def empty_database_url(tmp_path):
    server_url = _postgres_url()
    if not server_url:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    with throwaway_postgres_database(server_url, "planner_migrations") as url:
        yield url


def test_migrations_match_the_models(empty_database_url):
    app = make_test_app(empty_database_url)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "render_as_batch": True}
            )
            differences = compare_metadata(context, db.metadata)
        assert differences == []
        downgrade(revision="base")
        with db.engine.connect() as conn:
            tables = set(db.inspect(conn).get_table_names()) - {"alembic_version"}
        assert tables == set()
        db.engine.dispose()
