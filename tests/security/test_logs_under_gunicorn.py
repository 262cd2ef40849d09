"""Nothing secret reaches a log: a whole flow under a real gunicorn, database errors included.

The test serves the test database with gunicorn (two workers), walks the organizer's and the
invitee's flow over HTTP (sign-in, a search by e-mail, invitation, the secret link plain and
percent-encoded, RSVP, details, the calendar feed), then forces database errors while a
token is in the path and while personal data is written. Every line of the access and error
logs is then searched for every token, e-mail, phone, passport number and name it made.
"""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from sqlalchemy import select, text

from planner.calendar.services import feed_token, issue_feed_link
from planner.extensions import db
from planner.invitations.models import RsvpStatus
from planner.mail.models import OutboundEmail
from tests import factories
from tests.conftest import TEST_ENCRYPTION_KEYS

GUNICORN = Path(sys.executable).parent / "gunicorn"
LINK = re.compile(r"/r/([A-Za-z0-9_\-]{40,})")

WSGI = """
from planner import create_app

app = create_app({{
    "SECRET_KEY": "test-secret-key",
    "SQLALCHEMY_DATABASE_URI": {database_url!r},
    "ENCRYPTION_KEYS": {keys!r},
    "BASE_URL": "http://planner.test",
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
    "MAIL_FILE_DIR": {mail_dir!r},
    "UPLOAD_DIR": {upload_dir!r},
    "DOCUMENT_CACHE_DIR": {cache_dir!r},
}})
"""
ACCESS_FORMAT = '%(h)s "%(r)s" %(s)s "%(f)s" "%(a)s" path=%(U)s query=%(q)s'


class Browser:
    """A minimal HTTP client with a cookie jar and no redirects followed."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Host": "planner.test", "User-Agent": "log-test"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        connection.close()
        return response.status

    def get(self, path: str) -> int:
        return self.request("GET", path)

    def post(self, path: str, form: dict) -> int:
        return self.request("POST", path, form)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def gunicorn(database_url, tmp_path, app):
    """A gunicorn with two workers serving the test database; yields (port, log files)."""
    (tmp_path / "serve").mkdir()
    (tmp_path / "serve" / "logtest_wsgi.py").write_text(
        WSGI.format(
            database_url=database_url,
            keys=TEST_ENCRYPTION_KEYS,
            mail_dir=str(tmp_path / "mail"),
            upload_dir=str(tmp_path / "uploads"),
            cache_dir=str(tmp_path / "documents"),
        )
    )
    port = _free_port()
    logs = {"access": tmp_path / "access.log", "error": tmp_path / "error.log"}
    process = subprocess.Popen(
        [
            str(GUNICORN),
            "--workers=2",
            f"--bind=127.0.0.1:{port}",
            f"--pythonpath={tmp_path / 'serve'},{Path(__file__).parents[2]}",
            f"--access-logfile={logs['access']}",
            f"--access-logformat={ACCESS_FORMAT}",
            f"--error-logfile={logs['error']}",
            "--capture-output",
            "--log-level=info",
            "logtest_wsgi:app",
        ],
        env={**os.environ, "PLANNER_ENV": "development"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):  # until it answers (bounded)
            try:
                if Browser(port).get("/healthz") == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not start")
        yield port, logs
    finally:
        process.terminate()
        process.wait(timeout=30)


def _fail_on_update(table: str) -> None:
    """Make every UPDATE of the table fail in the database (a forced database error)."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(
            text(
                "CREATE OR REPLACE FUNCTION forced_failure() RETURNS trigger AS "
                "$$ BEGIN RAISE EXCEPTION 'forced failure'; END $$ LANGUAGE plpgsql"
            )
        )
        db.session.execute(
            text(
                f"CREATE TRIGGER fail_{table} BEFORE UPDATE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION forced_failure()"
            )
        )
    else:
        db.session.execute(
            text(
                f"CREATE TRIGGER fail_{table} BEFORE UPDATE ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'forced failure'); END"
            )
        )
    db.session.commit()


def _allow_updates(table: str) -> None:
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"DROP TRIGGER fail_{table} ON {table}"))
    else:
        db.session.execute(text(f"DROP TRIGGER fail_{table}"))
    db.session.commit()


def test_no_secret_or_personal_value_reaches_any_log_line(app, gunicorn):
    port, logs = gunicorn
    organizer = factories.make_organizer(email="olga.log@example.org")
    institute = factories.make_institute(owner=organizer)
    invitee = factories.make_invitee(
        institute,
        full_name="Дилноза Юсупова",
        email="dilnoza.log@example.org",
        phone="+998 90 123 45 67",
        rsvp_status=RsvpStatus.DRAFT,
    )
    db.session.commit()
    secrets = {organizer.email, invitee.email, invitee.phone}

    staff = Browser(port)
    assert staff.post("/login", {"email": organizer.email, "password": "wrong password"}) == 400
    assert (
        staff.post("/login", {"email": organizer.email, "password": factories.DEFAULT_PASSWORD})
        == 302
    )
    base = f"/institutes/{institute.slug}"
    assert staff.get(f"{base}/invitees/?q={quote(invitee.email)}") == 200
    assert staff.post(f"{base}/invitees/send", {"invitee": [invitee.id]}) == 302
    db.session.expire_all()
    body = db.session.scalar(
        select(OutboundEmail.body_text).where(OutboundEmail.kind == "invitation")
    )
    token = LINK.search(body).group(1)
    encoded = "".join(f"%{b:02X}" for b in token.encode())
    secrets |= {token, encoded}

    person = Browser(port)
    assert person.get(f"/r/{token}") == 200
    assert person.get(f"/r/{encoded}") == 200  # the whole token percent-encoded (F2)
    assert person.get(f"/r/{token[:5]}%{ord(token[5]):02X}{token[6:]}") == 200
    assert person.get(f"/%72/{token}?next=/r/{token}") in (200, 404)
    assert person.post(f"/r/{token}", {"answer": "confirmed"}) == 302
    details = {
        "passport_name": "YUSUPOVA DILNOZA",
        "nationality": "UZ",
        "phone": "+998 71 555 01 02",
        "passport_number": "FA7654321",
        "passport_expiry": "2031-05-05",
        "date_of_birth": "1991-02-03",
        "consent_to_list": "y",
    }
    assert person.post("/me/details", details) == 302
    secrets |= {details["phone"], details["passport_number"], details["passport_name"]}

    db.session.expire_all()
    feed = issue_feed_link(invitee)
    db.session.commit()
    feed_secret = feed_token(feed, app.config["SECRET_KEY"])
    secrets.add(feed_secret)

    # Forced database errors: a token in the path (F1) and a write of personal data (F3).
    _fail_on_update("access_link")
    _fail_on_update("feed_link")
    _fail_on_update("invitee")
    try:
        assert Browser(port).post(f"/r/{token}", {"answer": "declined"}) == 500
        assert Browser(port).get(f"/feeds/{feed_secret}.ics") == 500
        changed = {**details, "phone": "+998 71 999 88 77", "passport_number": "FA1112223"}
        secrets |= {changed["phone"], changed["passport_number"]}
        assert person.post("/me/details", changed) == 500
    finally:
        _allow_updates("access_link")
        _allow_updates("feed_link")
        _allow_updates("invitee")
    assert Browser(port).get(f"/feeds/{feed_secret}.ics") == 200

    for _ in range(100):  # gunicorn writes the access line just after the response
        if ".ics" in logs["access"].read_text().splitlines()[-1]:
            break
        time.sleep(0.1)
    lines = [
        line
        for path in logs.values()
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
    ]
    error_log = logs["error"].read_text(encoding="utf-8", errors="replace")
    assert error_log.count("Exception on /r/[redacted] [POST]") == 1
    assert "Exception on /feeds/[redacted].ics [GET]" in error_log
    assert "Exception on /me/details [POST]" in error_log
    assert "forced failure" in error_log
    assert "[SQL parameters hidden due to hide_parameters=True]" in error_log
    assert sum("/r/[redacted]" in line for line in logs["access"].read_text().splitlines()) >= 5
    leaks = [(value, line) for line in lines for value in secrets if value.lower() in line.lower()]
    assert leaks == []
