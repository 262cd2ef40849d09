"""Serializing the answers of one invitee: two clicks, two tabs, one answer.

``lock_invitee`` re-reads the invitee under a lock held until the commit. PostgreSQL: ``SELECT
… FOR UPDATE`` of the row. SQLite has no row locks: a no-op UPDATE of the row takes the
database's write lock at once (what ``BEGIN IMMEDIATE`` does), so a second writer waits for
the first to commit and then reads what it wrote.
"""

from sqlalchemy import update

from planner.extensions import db
from planner.invitations.models import Invitee


def lock_invitee(invitee: Invitee) -> None:
    """Lock the invitee's row for this transaction and reload it (pending changes flushed)."""
    session = db.session
    session.flush()
    if session.get_bind().dialect.name != "postgresql":
        session.execute(
            update(Invitee)
            .where(Invitee.id == invitee.id)
            .values(rsvp_status=Invitee.rsvp_status)
            .execution_options(synchronize_session=False)
        )
    session.refresh(invitee, with_for_update=True)
