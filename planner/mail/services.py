"""Writing messages to the outbox. Delivery is the sender's job (planner/mail/sender.py).

A message is queued in the same transaction as the change that caused it: if the change
rolls back, no mail goes out; if it commits, the mail will be sent, even after a crash.
"""

from flask import render_template
from flask_babel import force_locale

from planner.extensions import db
from planner.mail.models import OutboundEmail


def render_email(template: str, locale: str, **context) -> tuple[str, str, str]:
    """Render ``templates/<template>.subject.txt``, ``.txt`` and ``.html`` in ``locale``.

    Returns (subject, text body, HTML body). Templates get ``locale`` in their context.
    """
    with force_locale(locale):
        subject = render_template(f"{template}.subject.txt", locale=locale, **context)
        text = render_template(f"{template}.txt", locale=locale, **context)
        html = render_template(f"{template}.html", locale=locale, **context)
    return " ".join(subject.split()), text, html


def queue_email(
    *,
    recipient: str,
    kind: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    locale: str = "en",
    institute=None,
    invitee=None,
) -> OutboundEmail:
    """Add a message to the outbox in the caller's transaction (no commit here)."""
    message = OutboundEmail(
        recipient=recipient,
        kind=kind,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        locale=locale,
        institute_id=institute.id if institute is not None else None,
        invitee_id=invitee.id if invitee is not None else None,
    )
    db.session.add(message)
    return message
