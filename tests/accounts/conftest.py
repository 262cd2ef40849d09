"""Helpers of the accounts tests: the secret link of the last message to an address."""

import re

from sqlalchemy import select

from planner.extensions import db
from planner.mail.models import OutboundEmail


def link_in_outbox(recipient: str, prefix: str) -> str:
    """The path of the newest queued link ``prefix<token>`` to ``recipient`` (e.g. /join/)."""
    message = db.session.scalars(
        select(OutboundEmail)
        .where(OutboundEmail.recipient == recipient)
        .order_by(OutboundEmail.id.desc())
    ).first()
    assert message is not None, f"no message to {recipient}"
    found = re.search(
        rf"http://planner\.test({re.escape(prefix)}[A-Za-z0-9_\-]{{40,}})", message.body_text
    )
    assert found, message.body_text
    return found.group(1)
