"""Regression test of the security review: gunicorn's access log (its arguments are one dict
of atoms) is redacted and still written, not turned into a logging error."""

import logging

from planner.security.log_redaction import RedactingFilter
from planner.security.redact import redact_log
from tests.conftest import make_test_app

TOKEN = "A" * 43


def test_gunicorn_style_access_record_is_redacted_and_still_formats():
    atoms = {
        "h": "203.0.113.9",
        "r": f"GET /r/{TOKEN} HTTP/1.1",
        "U": f"/feeds/{TOKEN}.ics",
        "s": "200",
        "b": 512,
    }
    record = logging.LogRecord(
        "gunicorn.access",
        logging.INFO,
        __file__,
        1,
        '%(h)s "%(r)s" %(s)s %(U)s %(b)s',
        (atoms,),
        None,
    )

    assert RedactingFilter().filter(record)

    message = record.getMessage()
    assert TOKEN not in message
    assert message == '203.0.113.9 "GET /r/[redacted] HTTP/1.1" 200 /feeds/[redacted].ics 512'


def test_werkzeug_style_record_is_redacted():
    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        '%s - - "%s" %s',
        ("127.0.0.1", f"GET /r/{TOKEN}", "200"),
        None,
    )
    RedactingFilter().filter(record)
    assert TOKEN not in record.getMessage()


def test_percent_encoded_paths_are_decoded_before_redaction():
    encoded = "".join(f"%{b:02X}" for b in TOKEN.encode())
    for line in (
        f"GET /r/{encoded} HTTP/1.1",
        f"GET /r/AAAA%41{TOKEN[5:]} HTTP/1.1",
        f"GET /%72/{TOKEN} HTTP/1.1",
        f"GET /r/{TOKEN.replace('A', '%2541')} HTTP/1.1",  # encoded twice
    ):
        cleaned = redact_log(line)
        assert "[redacted]" in cleaned
        assert "%41" not in cleaned and "AAAA" not in cleaned


def test_e_mails_and_database_details_leave_log_lines():
    line = (
        'duplicate key value violates unique constraint "uq_invitee_institute_id"\n'
        "DETAIL:  Key (institute_id, email)=(1, zarina@example.org) already exists.\n"
        "GET /institutes/x/invitees/?q=zarina%40example.org"
    )
    cleaned = redact_log(line)
    assert "zarina" not in cleaned
    assert "DETAIL: [redacted]" in cleaned
    assert "violates unique constraint" in cleaned


def test_every_logger_cleans_its_records_even_without_a_filter(app, caplog):
    logger = logging.getLogger("some.library.without.filters")
    with caplog.at_level(logging.INFO):
        try:
            raise ValueError(f"could not load /feeds/{TOKEN}.ics for ayla@example.org")
        except ValueError:
            logger.exception("failed on /r/%s", TOKEN)
    text = caplog.text
    assert TOKEN not in text and "ayla@" not in text
    assert "failed on /r/[redacted]" in text
    assert "ValueError: could not load /feeds/[redacted].ics for [email]" in text


def test_flask_exception_log_is_redacted(database_url, _schema, caplog):
    app = make_test_app(database_url)  # its own app: it gets a route no other test should see

    @app.get("/boom/r/<token>")
    def boom(token):
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    with caplog.at_level(logging.ERROR):
        assert app.test_client().get(f"/boom/r/{TOKEN}").status_code == 500
    assert "Exception on /boom/r/[redacted] [GET]" in caplog.text
    assert TOKEN not in caplog.text


def test_the_engine_hides_statement_parameters(app):
    from planner.extensions import db

    assert db.engine.hide_parameters is True
