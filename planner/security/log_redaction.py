"""Every log record is cleaned of secret links and personal data when it is made.

The cleaning runs in the log record factory, so it covers every logger and every handler,
whoever configures them later (gunicorn, Flask's exception log, the root logger, a library):
a filter on one logger would miss records that only pass through its handlers. The filter is
also attached to the loggers that carry requests and exceptions, for configurations that
replace the record factory.
"""

import logging
from collections.abc import Mapping

from planner.security.redact import redact_log

_MARK = "_planner_redacting"


def _clean(value):
    """A string cleaned; any other value kept unless its text form carries a secret."""
    if isinstance(value, str):
        return redact_log(value)
    if isinstance(value, int | float | bool | type(None)):
        return value
    text = str(value)
    cleaned = redact_log(text)
    return value if cleaned == text else cleaned


def scrub(record: logging.LogRecord) -> None:
    """Clean a record in place: message, arguments, exception and stack text."""
    if isinstance(record.msg, str):
        record.msg = redact_log(record.msg)
    elif record.msg is not None:
        record.msg = _clean(record.msg)
    args = record.args
    if isinstance(args, Mapping):  # gunicorn's access log: one dict of atoms
        if isinstance(args, dict):
            for key, value in list(args.items()):
                args[key] = _clean(value)
        else:
            record.args = {key: _clean(value) for key, value in args.items()}
    elif args:
        record.args = tuple(_clean(a) for a in args)
    if record.args:
        # A secret may be split between the message and its arguments ("/r/%s", token).
        try:
            message = record.getMessage()
        except Exception:  # a malformed record stays as it is; logging reports it
            message = None
        if message is not None and redact_log(message) != message:
            record.msg, record.args = redact_log(message), ()
    if record.exc_info:
        # Formatters append exc_text as it is; the exception itself (its message can quote a
        # request path or a database value) is not handed on.
        text = record.exc_text or logging.Formatter().formatException(record.exc_info)
        record.exc_text = redact_log(text)
        record.exc_info = None
    elif record.exc_text:
        record.exc_text = redact_log(record.exc_text)
    if record.stack_info:
        record.stack_info = redact_log(record.stack_info)


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        scrub(record)
        return True


# Loggers that carry request lines and exceptions; "" is the root logger.
LOGGERS = ("", "werkzeug", "gunicorn.access", "gunicorn.error", "sqlalchemy")


def install(app=None) -> None:
    """Clean every record from now on (once per process) and filter the request loggers."""
    factory = logging.getLogRecordFactory()
    if not getattr(factory, _MARK, False):

        def redacting_factory(*args, **kwargs):
            record = factory(*args, **kwargs)
            scrub(record)
            return record

        setattr(redacting_factory, _MARK, True)
        logging.setLogRecordFactory(redacting_factory)
    names = list(LOGGERS)
    if app is not None:
        names.append(app.logger.name)  # Flask's "Exception on <path>" is logged here
    for name in names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(RedactingFilter())
        for handler in logger.handlers:
            if not any(isinstance(f, RedactingFilter) for f in handler.filters):
                handler.addFilter(RedactingFilter())
