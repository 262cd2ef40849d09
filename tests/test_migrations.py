"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from planner.cli import init_migrations
from planner.extensions import db
from tests.conftest import _postgres_url, make_test_app, throwaway_postgres_database


def migratable_app(database_url: str):
    """A test app with Flask-Migrate set up, as `flask db` sets it up."""
    app = make_test_app(database_url)
    init_migrations(app)
    return app


@pytest.fixture
def empty_database_url(tmp_path):
    server_url = _postgres_url()
    if not server_url:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    with throwaway_postgres_database(server_url, "planner_migrations") as url:
        yield url


def test_migrations_match_the_models(empty_database_url):
    app = migratable_app(empty_database_url)
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


def test_outbox_bodies_written_before_the_upgrade_are_encrypted_by_it(empty_database_url):
    from sqlalchemy import text

    from planner.mail.models import OutboundEmail

    link = "http://planner.test/r/Zx8Qd1m4Rk2Lw7Tt0Yp5Vb3Nc6Hs9Jf1Ae4Gu8Oi2Ke"
    app = migratable_app(empty_database_url)
    with app.app_context():
        upgrade(revision="0be0baef84ff")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO outbound_email (recipient, locale, kind, subject, body_text,"
                    " body_html, status, attempts, last_error, created_at, next_attempt_at,"
                    " message_id, delivered_file) VALUES ('a@example.org', 'en', 'invitation',"
                    " 'S', :body, '', 'failed', 6, '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP,"
                    " '', '')"
                ),
                {"body": f"Open {link}"},
            )
        upgrade()
        with db.engine.connect() as conn:
            stored = conn.execute(text("SELECT body_text, body_html FROM outbound_email")).one()
        assert link not in stored.body_text and stored.body_html == ""
        assert db.session.scalar(db.select(OutboundEmail.body_text)) == f"Open {link}"
        db.session.remove()

        downgrade(revision="0be0baef84ff")
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT body_text FROM outbound_email")).scalar() == (
                f"Open {link}"
            )
        downgrade(revision="base")
        db.engine.dispose()
