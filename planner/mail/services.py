"""Writing messages to the outbox. Delivery is the sender's job (planner/mail/sender.py).

A message is queued in the same transaction as the change that caused it: if the change
rolls back, no mail goes out; if it commits, the mail will be sent, even after a crash.
"""

from dataclasses import dataclass
from email import policy
from email.parser import BytesParser
from pathlib import Path

from flask import render_template
from flask_babel import force_locale
from sqlalchemy import func, or_, select

from planner.db import utcnow
from planner.extensions import db
from planner.institutes.models import Institute
from planner.mail.models import MailStatus, OutboundEmail
from planner.security import audit
from planner.security.redact import redact


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


# --- The organizer's outbox -------------------------------------------------------------

PAGE_SIZE = 50


@dataclass(frozen=True)
class OutboxPage:
    messages: list[OutboundEmail]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def status_counts(institute: Institute) -> dict[MailStatus, int]:
    """How many messages of the institute are queued, sent and failed (every status present)."""
    rows = db.session.execute(
        select(OutboundEmail.status, func.count())
        .where(OutboundEmail.institute_id == institute.id)
        .group_by(OutboundEmail.status)
    ).all()
    counts = dict.fromkeys(MailStatus, 0)
    counts.update({MailStatus(status): count for status, count in rows})
    return counts


def kinds_of(institute: Institute) -> list[str]:
    """The kinds of message the institute's outbox holds, for the filter."""
    return list(
        db.session.scalars(
            select(OutboundEmail.kind)
            .where(OutboundEmail.institute_id == institute.id)
            .distinct()
            .order_by(OutboundEmail.kind)
        )
    )


def outbox_page(
    institute: Institute,
    *,
    status: MailStatus | None = None,
    kind: str | None = None,
    search: str = "",
    page: int = 1,
    per_page: int = PAGE_SIZE,
) -> OutboxPage:
    """One page of the institute's messages, newest first, filtered by status, kind and a
    piece of the recipient's address or the subject."""
    query = select(OutboundEmail).where(OutboundEmail.institute_id == institute.id)
    if status is not None:
        query = query.where(OutboundEmail.status == status)
    if kind:
        query = query.where(OutboundEmail.kind == kind)
    search = search.strip()
    if search:
        pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(
                OutboundEmail.recipient.ilike(pattern, escape="\\"),
                OutboundEmail.subject.ilike(pattern, escape="\\"),
            )
        )
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    messages = list(
        db.session.scalars(
            query.order_by(OutboundEmail.created_at.desc(), OutboundEmail.id.desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
    )
    return OutboxPage(messages, total, page, per_page)


def message_of(institute: Institute, message_id: int) -> OutboundEmail | None:
    """A message of this institute's outbox, or None (another institute's is not found)."""
    return db.session.scalar(
        select(OutboundEmail).where(
            OutboundEmail.id == message_id, OutboundEmail.institute_id == institute.id
        )
    )


def shown_text(message: OutboundEmail) -> str:
    """The text body as pages show it: without live secret links, even while queued."""
    return redact(message.body_text)


def retry_message(institute: Institute, message: OutboundEmail, organizer) -> bool:
    """Queue a failed message again for a fresh round of attempts; False if it is not failed."""
    if message.status != MailStatus.FAILED:
        return False
    _requeue(message)
    audit.record("mail.retried", institute=institute, organizer=organizer, obj=message)
    return True


def retry_failed(institute: Institute, organizer) -> int:
    """Queue every failed message of the institute again; how many."""
    failed = list(
        db.session.scalars(
            select(OutboundEmail).where(
                OutboundEmail.institute_id == institute.id,
                OutboundEmail.status == MailStatus.FAILED,
            )
        )
    )
    for message in failed:
        _requeue(message)
    if failed:
        audit.record("mail.retried_all", institute=institute, organizer=organizer)
    return len(failed)


def _requeue(message: OutboundEmail) -> None:
    # The last error stays visible until the next attempt replaces it.
    message.status = MailStatus.QUEUED
    message.attempts = 0
    message.next_attempt_at = utcnow()
    message.claim_token = None


def queue_test_message(institute: Institute, organizer) -> OutboundEmail:
    """A test message to the organizer's own address, to check that mail goes out."""
    subject, text, html = render_email(
        "mail/messages/test",
        organizer.locale or "en",
        institute=institute,
        organizer=organizer,
    )
    message = queue_email(
        recipient=organizer.email,
        kind="test",
        subject=subject,
        body_text=text,
        body_html=html,
        locale=organizer.locale or "en",
        institute=institute,
    )
    audit.record("mail.test_queued", institute=institute, organizer=organizer)
    return message


def delivered_file(message: OutboundEmail, mail_dir: str | Path) -> Path | None:
    """The .eml the file backend wrote for this message, only if it lies inside ``mail_dir``."""
    if not message.delivered_file:
        return None
    root = Path(mail_dir).resolve()
    path = (root / message.delivered_file).resolve()
    if not path.is_relative_to(root) or path == root or not path.is_file():
        return None
    return path


def record_delivered_file_read(institute: Institute, message: OutboundEmail, organizer) -> None:
    """The .eml holds the live secret link: reading it is audited."""
    audit.record("mail.file_read", institute=institute, organizer=organizer, obj=message)


def recent_messages_to(invitee, limit: int = 5) -> list[OutboundEmail]:
    """The latest messages to one invitee, newest first (for the organizer's invitee page)."""
    return list(
        db.session.scalars(
            select(OutboundEmail)
            .where(
                OutboundEmail.invitee_id == invitee.id,
                OutboundEmail.institute_id == invitee.institute_id,
            )
            .order_by(OutboundEmail.created_at.desc(), OutboundEmail.id.desc())
            .limit(limit)
        )
    )


SHOWN_HEADERS = ("From", "To", "Reply-To", "Subject", "Date", "Message-ID", "Auto-Submitted")


@dataclass(frozen=True)
class DeliveredFile:
    """What the development page shows of a delivered .eml: headers and the text part."""

    headers: list[tuple[str, str]]
    text: str
    has_html: bool


def read_delivered_file(path: Path) -> DeliveredFile:
    with path.open("rb") as file:
        parsed = BytesParser(policy=policy.default).parse(file)
    text_part = parsed.get_body(preferencelist=("plain",))
    return DeliveredFile(
        headers=[(name, str(parsed[name])) for name in SHOWN_HEADERS if parsed[name]],
        text=text_part.get_content() if text_part is not None else "",
        has_html=parsed.get_body(preferencelist=("html",)) is not None,
    )
