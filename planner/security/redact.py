"""Removing secret link tokens from anything that is logged."""

import re

_TOKEN_PATH = re.compile(r"(/(?:r|feeds)/)[A-Za-z0-9_\-]{16,}")


def redact(text: str) -> str:
    return _TOKEN_PATH.sub(r"\1[redacted]", text)
