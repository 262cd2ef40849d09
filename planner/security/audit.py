"""Recording audit events inside the caller's transaction."""

from planner.extensions import db
from planner.security.models import AuditEvent


def record(
    action: str,
    *,
    institute=None,
    organizer=None,
    invitee=None,
    obj=None,
) -> AuditEvent:
    """Add an audit event to the session; it commits with the change it describes."""
    event = AuditEvent(
        action=action,
        institute_id=institute.id if institute is not None else None,
        organizer_id=organizer.id if organizer is not None else None,
        invitee_id=invitee.id if invitee is not None else None,
        object_type=type(obj).__name__ if obj is not None else None,
        object_id=getattr(obj, "id", None),
    )
    db.session.add(event)
    return event
