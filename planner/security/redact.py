"""Removing secret link tokens (and, from logs, personal data) from anything written down.

``redact`` takes the tokens out of secret links: /r/<token> and /feeds/<token>.ics, also when
some characters of the token are percent-encoded. ``redact_log`` is stricter, for log lines:
it also decodes percent-encoding first (a client or mail scanner may encode the whole path,
even the ``r``), and removes e-mail addresses and the DETAIL of database errors, which can
quote a whole row (names, phones, passport names).
"""

import re
from urllib.parse import unquote

# /r/ and /feeds/: invitee links; /join/ and /password/reset/: organizers' single-use links.
# A token character, or a percent-encoded byte (a client may encode any of them).
_TOKEN_PATH = re.compile(
    r"(/+(?:r|feeds|join|password/+reset)/+)(?:[A-Za-z0-9_\-]|%[0-9A-Fa-f]{2}){16,}"
)
_EMAIL = re.compile(r"[^\s@<>()\[\]{}\"',;:=/\\]+@[^\s@<>()\[\]{}\"',;:=/\\]+")
# PostgreSQL's DETAIL of a constraint error quotes values ("Key (email)=(…)", "Failing row
# contains (…)"); the message before it says what went wrong, which is enough for a log.
_DETAIL = re.compile(r"DETAIL:[^\n]*")
REDACTED = "[redacted]"


def redact(text: str) -> str:
    return _TOKEN_PATH.sub(r"\1" + REDACTED, text)


def _decoded(text: str) -> str:
    """Percent-decoding applied until nothing changes (double encoding decodes too)."""
    for _ in range(5):
        decoded = unquote(text, errors="replace")
        if decoded == text:
            break
        text = decoded
    return text


def redact_log(text: str) -> str:
    """A log line without secret links, e-mail addresses or quoted database values."""
    text = redact(text)
    if "%" in text:
        decoded = _decoded(text)
        if redact(decoded) != decoded or _EMAIL.search(decoded):
            # A secret (or an address) hid behind the encoding: log the decoded, clean form.
            text = redact(decoded)
    text = _EMAIL.sub("[email]", text)
    return _DETAIL.sub("DETAIL: " + REDACTED, text)
