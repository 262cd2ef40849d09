"""The sender: claims due messages of the outbox, delivers them and records the outcome.

Several workers may run at once. A worker claims a chunk of due messages in one statement
(PostgreSQL: ``FOR UPDATE SKIP LOCKED``; SQLite: a conditional UPDATE, atomic under its write
lock), stamping them with its claim token and a lease; it only records outcomes for messages
still carrying its token. A worker that dies mid-chunk leaves its claims to lapse after the
lease, so its messages are picked up again (at-least-once delivery).

Outcomes: sent (bodies redacted at once, so the database keeps no live secret link), retried
later with back-off, or failed (after the last attempt, or at once for a permanent refusal).
"""

import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from flask import current_app
from sqlalchemy import select, update

from planner.db import claim_rows, utcnow
from planner.extensions import db
from planner.institutes.models import Institute
from planner.mail.backends import DeliveryError, make_backend
from planner.mail.models import MailStatus, OutboundEmail
from planner.security.redact import redact

log = logging.getLogger(__name__)

# Waiting time before each retry; a message fails for good after len(BACKOFF) + 1 attempts.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(minutes=120),
    timedelta(minutes=360),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
# A claim lapses after this. A worker stops working on a chunk after half of it, which leaves
# the other half for the message in progress (up to a few SMTP timeouts of MAIL_TIMEOUT).
LEASE = timedelta(minutes=15)
CHUNK = 25
_clock = time.monotonic  # the worker's own clock for its lease (tests move it)
# Messages that an automatic process sends, not a person (RFC 3834): auto-responders
# must not answer them.
AUTO_SUBMITTED_KINDS = frozenset({"reminder", "confirmation"})


@dataclass
class SendReport:
    delivered: int = 0
    deferred: int = 0
    failed: int = 0

    @property
    def handled(self) -> int:
        return self.delivered + self.deferred + self.failed

    def add(self, other: "SendReport") -> None:
        self.delivered += other.delivered
        self.deferred += other.deferred
        self.failed += other.failed

    def summary(self) -> str:
        return f"Delivered {self.delivered}, to retry later {self.deferred}, failed {self.failed}."


def retry_delay(attempts: int) -> timedelta | None:
    """The wait after the ``attempts``-th failed attempt, or None when it was the last one."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return BACKOFF[attempts - 1]


def _due(now: datetime):
    return (OutboundEmail.status == MailStatus.QUEUED) & (OutboundEmail.next_attempt_at <= now)


def claim_due(limit: int, now: datetime | None = None) -> tuple[str, list[int]]:
    """Claim up to ``limit`` due messages for this worker and commit; (claim token, ids)."""
    now = now or utcnow()
    token = secrets.token_hex(16)
    candidates = (
        select(OutboundEmail.id)
        .where(_due(now))
        .order_by(OutboundEmail.next_attempt_at, OutboundEmail.id)
        .limit(limit)
    )
    claim_rows(OutboundEmail, candidates, _due(now), claim_token=token, next_attempt_at=now + LEASE)
    ids = list(
        db.session.scalars(
            select(OutboundEmail.id)
            .where(OutboundEmail.claim_token == token)
            .order_by(OutboundEmail.id)
        )
    )
    db.session.commit()
    return token, ids


def release(token: str, now: datetime | None = None) -> int:
    """Give back the unfinished claims of a worker that stops, so they are due again."""
    result = db.session.execute(
        update(OutboundEmail)
        .where(OutboundEmail.claim_token == token, OutboundEmail.status == MailStatus.QUEUED)
        .values(claim_token=None, next_attempt_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount


# What the sender reads of a claimed message: plain rows, untouched by the session's commits.
_CLAIMED_COLUMNS = (
    OutboundEmail.id,
    OutboundEmail.recipient,
    OutboundEmail.locale,
    OutboundEmail.kind,
    OutboundEmail.subject,
    OutboundEmail.body_text,
    OutboundEmail.body_html,
    OutboundEmail.attempts,
    OutboundEmail.message_id,
)


def build_message(
    outbound, *, sender: str, reply_to: str, message_id: str, now: datetime
) -> EmailMessage:
    """The MIME message: text, plus HTML as an alternative; headers encoded for any script."""
    message = EmailMessage()
    message["Subject"] = outbound.subject
    message["From"] = sender
    message["To"] = outbound.recipient
    if reply_to:
        message["Reply-To"] = reply_to
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id
    if outbound.kind in AUTO_SUBMITTED_KINDS:
        message["Auto-Submitted"] = "auto-generated"
    # Quoted-printable keeps every line short and 7-bit: any relay accepts it.
    message.set_content(outbound.body_text, cte="quoted-printable")
    if outbound.body_html:
        message.add_alternative(outbound.body_html, subtype="html", cte="quoted-printable")
    # Last: setting the content replaces every Content-* header.
    message["Content-Language"] = outbound.locale
    return message


def _new_message_id(outbound, sender: str) -> str:
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    return make_msgid(idstring=f"outbox.{outbound.id}", domain=domain)


def _finish(outbound, token: str, **values) -> bool:
    """Record an outcome if the claim is still ours; commits."""
    result = db.session.execute(
        update(OutboundEmail)
        .where(OutboundEmail.id == outbound.id, OutboundEmail.claim_token == token)
        .values(claim_token=None, **values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if result.rowcount != 1:
        log.warning("outbox message %s: claim lapsed before its outcome was recorded", outbound.id)
    return result.rowcount == 1


def _deliver_one(backend, outbound, token: str, now: datetime) -> str:
    """Deliver one claimed message (a row of _CLAIMED_COLUMNS) and record the outcome:
    "sent", "deferred" or "failed"."""
    sender = current_app.config["MAIL_FROM"]
    message_id = outbound.message_id or _new_message_id(outbound, sender)
    attempts = outbound.attempts + 1
    try:
        try:
            mime = build_message(
                outbound,
                sender=sender,
                reply_to=outbound.reply_to or "",
                message_id=message_id,
                now=now,
            )
        except (ValueError, TypeError) as error:
            raise DeliveryError(f"the message cannot be built: {error}", permanent=True) from None
        delivered_file = backend.send(mime, outbound.recipient)
    except DeliveryError as error:
        delay = None if error.permanent else retry_delay(attempts)
        outcome = "failed" if delay is None else "deferred"
        values = dict(attempts=attempts, last_error=error.description, message_id=message_id)
        if delay is None:
            values.update(status=MailStatus.FAILED, next_attempt_at=now)
        else:
            values.update(next_attempt_at=now + delay)
        _finish(outbound, token, **values)
        log.warning(
            "outbox message %s: attempt %s %s%s",
            outbound.id,
            attempts,
            outcome,
            " (permanent refusal)" if error.permanent else "",
        )
        return outcome
    _finish(
        outbound,
        token,
        status=MailStatus.SENT,
        attempts=attempts,
        sent_at=now,
        last_error="",
        message_id=message_id,
        delivered_file=delivered_file,
        # The database keeps no live secret link once the person has it.
        body_text=redact(outbound.body_text),
        body_html=redact(outbound.body_html),
    )
    log.info("outbox message %s: sent on attempt %s", outbound.id, attempts)
    return "sent"


def deliver_due(
    limit: int = 100,
    *,
    now: datetime | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> SendReport:
    """Deliver up to ``limit`` due messages through the configured backend."""
    report = SendReport()
    lease_half = LEASE.total_seconds() / 2
    out_of_time = False
    with make_backend(current_app.config) as backend:
        while report.handled < limit and not should_stop() and not out_of_time:
            started = now or utcnow()
            token, ids = claim_due(min(CHUNK, limit - report.handled), started)
            if not ids:
                break
            claimed_at = _clock()
            try:
                rows = db.session.execute(
                    select(*_CLAIMED_COLUMNS, Institute.contact_email.label("reply_to"))
                    .outerjoin(Institute, Institute.id == OutboundEmail.institute_id)
                    .where(OutboundEmail.id.in_(ids))
                    .order_by(OutboundEmail.id)
                ).all()
                db.session.rollback()  # no transaction stays open while the network is used
                for outbound in rows:
                    # Past half the lease (a very slow server), the pass ends and gives the rest
                    # back rather than risk sending what another worker may claim meanwhile.
                    out_of_time = _clock() - claimed_at > lease_half
                    if out_of_time or should_stop():
                        break
                    outcome = _deliver_one(backend, outbound, token, now or utcnow())
                    if outcome == "sent":
                        report.delivered += 1
                    elif outcome == "deferred":
                        report.deferred += 1
                    else:
                        report.failed += 1
            finally:
                db.session.rollback()
                release(token, now)
    return report


def send_queued(limit: int = 100, *, now: datetime | None = None) -> int:
    """One pass of the sender over at most ``limit`` due messages; how many were delivered."""
    return deliver_due(limit, now=now).delivered
