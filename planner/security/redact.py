"""Removing secret link tokens from anything that is logged."""

import re

# /r/ and /feeds/: invitee links; /join/ and /password/reset/: organizers' single-use links.
_TOKEN_PATH = re.compile(r"(/(?:r|feeds|join|password/reset)/)[A-Za-z0-9_\-]{16,}")


def redact(text: str) -> str:
    return _TOKEN_PATH.sub(r"\1[redacted]", text)
