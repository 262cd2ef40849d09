"""Regression test of the security review: gunicorn's access log (its arguments are one dict
of atoms) is redacted and still written, not turned into a logging error."""

import logging

from planner import _RedactTokens

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

    assert _RedactTokens().filter(record)

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
    _RedactTokens().filter(record)
    assert TOKEN not in record.getMessage()
