"""Fixtures of the messages tests: those of the invitations tests (clients, outbox)."""

from tests.invitations.conftest import (  # noqa: F401 - fixtures shared with this package
    member,
    outsider,
    owner_client,
    request_context,
)
