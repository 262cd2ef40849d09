"""Shared fixtures: app, client, db, login, and the database of the test session.

Tests run on SQLite by default and on PostgreSQL when PLANNER_TEST_DATABASE_URL is set
(``make test`` does both). Each test session (each xdist worker) gets its own database,
so parallel runs never collide; tables are emptied after every test.

Fixtures of one package live in tests/<package>/conftest.py; fixtures several packages
share live in tests/plugins/<name>.py, loaded here.
"""

import contextvars
import os
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, exists, func, literal, select, text, union_all
from sqlalchemy.engine import make_url

from planner import create_app
from planner.extensions import db as _db
from planner.extensions import limiter
from tests import factories

pytest_plugins = sorted(
    f"tests.plugins.{path.stem}"
    for path in (Path(__file__).parent / "plugins").glob("*.py")
    if path.stem != "__init__"
)

TEST_ENCRYPTION_KEYS = (
    "test2:dGVzdC1rZXktdHdvLXRoaXJ0eS10d28tYnl0ZXMhISE=,"
    "test1:dGVzdC1rZXktb25lLXRoaXJ0eS10d28tYnl0ZXMhISE="
)


def _postgres_url() -> str | None:
    url = os.environ.get("PLANNER_TEST_DATABASE_URL")
    if url and url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id) -> str:
    """A database of this test session's own, created empty and dropped at the end."""
    server_url = _postgres_url()
    if not server_url:
        path = tmp_path_factory.mktemp("db") / "planner-test.sqlite"
        yield f"sqlite:///{path}"
        return
    with throwaway_postgres_database(server_url, f"planner_test_{worker_id}") as url:
        yield url


@contextmanager
def throwaway_postgres_database(server_url: str, prefix: str):
    """A new empty database on the server for the block; dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def worker_id(request) -> str:
    return getattr(request.config, "workerinput", {}).get("workerid", "main")


class IsolatedClient(FlaskClient):
    """A test client whose requests never share the test's app context.

    Flask reuses an app context that is already pushed, which would share ``g`` and the
    database session between the test and every request (hiding missing commits and leaking
    the signed-in user). Each request runs in an empty context instead, as in production.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)

    def session_transaction(self, *args, **kwargs):
        return _IsolatedContextManager(super().session_transaction, *args, **kwargs)


class _IsolatedContextManager:
    def __init__(self, factory, *args, **kwargs):
        self._context = contextvars.Context()
        self._manager = self._context.run(factory, *args, **kwargs)

    def __enter__(self):
        return self._context.run(self._manager.__enter__)

    def __exit__(self, *exc):
        return self._context.run(self._manager.__exit__, *exc)


def make_test_app(database_url: str, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "ENCRYPTION_KEYS": TEST_ENCRYPTION_KEYS,
        "BASE_URL": "http://planner.test",
        "SERVER_NAME": None,
        "PASSWORD_RESET_MIN_SECONDS": 0,  # tests/accounts/test_reset.py checks the wait
        # Argon2 at its cheapest: a sign-in costs microseconds, not 20 MiB and tens of ms.
        # tests/auth/test_passwords.py checks the production profile end to end.
        "PASSWORD_HASH_PROFILE": "cheapest",
        # PDFs are rendered in the request unless a test runs the render worker itself
        # (tests/documents/test_render_jobs.py): no test needs a background process.
        "RENDER_INLINE": True,
    }
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture(scope="session")
def _schema(database_url):
    """Create the schema once per session from the models."""
    app = make_test_app(database_url)
    with app.app_context():
        _db.create_all()
        _db.engine.dispose()
    return True


@pytest.fixture
def app_config() -> dict:
    """Override to change the test app's config (e.g. CSRF on) in a module or test."""
    return {}


class _AppPool:
    """Test apps reused between tests that ask for the same configuration.

    Creating the app compiles every URL rule and, on first use, every template again: about a
    quarter of a typical test's time. A test gets an app built for its configuration, with the
    configuration and extensions as they were right after creation (a test may change
    ``app.config``; that ends with the test), its own mail, upload and document folders, and
    empty tables. An app with rate limits on is always new: Flask-Limiter keeps its counters
    and on/off switch in the extension object, not in the app.
    """

    size = 8

    def __init__(self):
        self._apps: dict[str, tuple] = {}

    def get(self, database_url: str, overrides: dict, folders: dict):
        if overrides.get("RATELIMIT_ENABLED"):
            return make_test_app(database_url, **overrides, **folders)
        key = repr((database_url, sorted(overrides.items(), key=lambda item: item[0])))
        if key not in self._apps:
            if len(self._apps) >= self.size:
                self._apps.pop(next(iter(self._apps)))
            app = make_test_app(database_url, **overrides)
            self._apps[key] = (app, dict(app.config), dict(app.extensions))
        app, config, extensions = self._apps[key]
        app.config.clear()
        app.config.update(config, **folders)
        app.extensions.clear()
        app.extensions.update(extensions)
        limiter.enabled = False  # a rate-limited app made since may have switched it on
        return app


_apps = _AppPool()


@pytest.fixture
def app(database_url, _schema, app_config, tmp_path):
    folders = {
        "MAIL_FILE_DIR": str(tmp_path / "mail"),
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "DOCUMENT_CACHE_DIR": str(tmp_path / "documents"),
    }
    app = _apps.get(database_url, app_config, folders)
    with app.app_context():
        yield app
        _db.session.remove()
        _empty_tables()
        _db.engine.dispose()


def _empty_tables() -> None:
    """Empty the tables a test wrote to, ids starting again at 1 as on a new database.

    On PostgreSQL a TRUNCATE of every table costs 0.3 s or more (each table gets new files);
    one query finds the few tables with rows, which are emptied and their sequences reset.
    """
    tables = _db.metadata.sorted_tables
    with _db.engine.begin() as conn:
        if conn.dialect.name != "postgresql":
            for table in reversed(tables):
                conn.execute(table.delete())
            return
        probe = union_all(*(select(literal(t.name)).where(exists().select_from(t)) for t in tables))
        used = set(conn.execute(probe).scalars())
        for table in reversed(tables):
            if table.name in used:
                conn.execute(table.delete())
        restarts = [
            func.setval(
                func.pg_get_serial_sequence(f'"{t.name}"', t.autoincrement_column.name), 1, False
            )
            for t in tables
            if t.name in used and t.autoincrement_column is not None
        ]
        if restarts:
            conn.execute(select(*restarts))


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def login(client):
    """Sign an organizer in through the real login form; returns the client."""

    def sign_in(organizer, password: str = factories.DEFAULT_PASSWORD, on=None):
        target = on or client
        response = target.post("/login", data={"email": organizer.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return target

    return sign_in


@pytest.fixture
def organizer(db):
    return factories.make_organizer()


@pytest.fixture
def institute(db, organizer):
    return factories.make_institute(owner=organizer)
