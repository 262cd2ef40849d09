"""The sender delivers the outbox over real SMTP (aiosmtpd on loopback) and to files."""

import email
import logging
import stat
import threading
from datetime import UTC, datetime, timedelta
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlalchemy import select, text

from planner.extensions import db
from planner.mail import sender
from planner.mail.models import MailStatus, OutboundEmail
from tests import factories
from tests.mail.conftest import LIVE_TOKEN, queue
from tests.plugins.smtp_server import RecordingHandler, _free_port

T0 = datetime(2027, 3, 1, 6, 0, tzinfo=UTC)


@pytest.fixture
def app_config(smtp_server):
    return smtp_server.app_config(MAIL_FROM="Institute Planner <planner@planner.test>")


def reload(message: OutboundEmail) -> OutboundEmail:
    db.session.expire_all()
    return db.session.get(OutboundEmail, message.id)


def test_russian_message_arrives_over_smtp_with_utf8_subject_and_body(smtp_server, institute):
    subject = "Приглашение: Региональный институт тренеров в Шымкенте"
    body = "Здравствуйте, Айгуль!\nЖдём вас 12 апреля. Ответьте, пожалуйста, до 1 марта.\n"
    message = queue(
        institute,
        recipient="aigul@example.org",
        subject=subject,
        body_text=body,
        body_html="<p>Здравствуйте, Айгуль!</p><p>Ждём вас 12 апреля.</p>",
        locale="ru",
    )

    assert sender.send_queued() == 1

    [received] = smtp_server.messages
    assert received["Subject"] == subject
    assert smtp_server.text(received) == body
    assert "Ждём вас 12 апреля." in smtp_server.html(received)
    assert received["To"] == "aigul@example.org"
    assert received["From"] == "Institute Planner <planner@planner.test>"
    assert received["Reply-To"] == institute.contact_email
    assert received["Content-Language"] == "ru"
    assert received["Message-ID"].endswith("@planner.test>")
    assert email.utils.parsedate_to_datetime(received["Date"]).tzinfo is not None
    assert received["Auto-Submitted"] is None  # an invitation is sent by a person
    assert smtp_server.envelopes == [("planner@planner.test", ["aigul@example.org"])]
    # On the wire every header is 7-bit: the Cyrillic subject travels as RFC 2047 words.
    head = smtp_server.raw[0].split(b"\r\n\r\n", 1)[0]
    assert head.isascii()
    assert b"Subject: =?utf-8?" in head
    stored = reload(message)
    assert stored.status == MailStatus.SENT
    assert stored.attempts == 1
    assert stored.sent_at is not None
    assert stored.message_id == received["Message-ID"]


def test_message_is_multipart_alternative_with_text_first_then_html(smtp_server):
    queue()

    sender.send_queued()

    [received] = smtp_server.messages
    assert received.get_content_type() == "multipart/alternative"
    parts = [part.get_content_type() for part in received.iter_parts()]
    assert parts == ["text/plain", "text/html"]
    assert all(part.get_content_charset() == "utf-8" for part in received.iter_parts())


def test_message_without_html_is_a_single_text_part(smtp_server):
    queue(body_html="")

    sender.send_queued()

    [received] = smtp_server.messages
    assert received.get_content_type() == "text/plain"


def test_reminders_and_confirmations_are_marked_auto_submitted(smtp_server):
    queue(kind="reminder", recipient="one@example.org")
    queue(kind="confirmation", recipient="two@example.org")
    queue(kind="invitation", recipient="three@example.org")

    sender.send_queued()

    auto = {m["To"]: m["Auto-Submitted"] for m in smtp_server.messages}
    assert auto == {
        "one@example.org": "auto-generated",
        "two@example.org": "auto-generated",
        "three@example.org": None,
    }


def test_no_reply_to_without_an_institute_contact(smtp_server, organizer):
    silent = factories.make_institute(owner=organizer, contact_email="")
    queue(silent, recipient="one@example.org")
    queue(None, recipient="two@example.org")

    sender.send_queued()

    assert [m["Reply-To"] for m in smtp_server.messages] == [None, None]


def test_bodies_keep_no_live_link_once_sent(smtp_server, caplog):
    feed = "Z" * 43
    message = queue(
        body_text=f"Invitation: http://planner.test/r/{LIVE_TOKEN}\n"
        f"Calendar: http://planner.test/feeds/{feed}.ics\n",
    )

    with caplog.at_level(logging.DEBUG, logger="planner"):
        sender.send_queued()

    # The person gets the live links ...
    assert LIVE_TOKEN in smtp_server.text(smtp_server.messages[0])
    assert feed in smtp_server.text(smtp_server.messages[0])
    # ... the database keeps none of them.
    stored = reload(message)
    assert LIVE_TOKEN not in stored.body_text and LIVE_TOKEN not in stored.body_html
    assert feed not in stored.body_text
    assert "http://planner.test/r/[redacted]" in stored.body_text
    assert "http://planner.test/feeds/[redacted].ics" in stored.body_text
    # ... and the log says which message went out, not to whom or with which link.
    app_log = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("planner"))
    assert f"outbox message {message.id}: sent" in app_log
    assert LIVE_TOKEN not in app_log and "aigul.testova" not in app_log


def test_greylisting_451_defers_with_backoff_and_the_retry_delivers(smtp_server):
    message = queue()
    smtp_server.answer_rcpt("451 4.7.1 Greylisted, please try again later")

    assert sender.send_queued(now=T0) == 0

    stored = reload(message)
    assert stored.status == MailStatus.QUEUED
    assert stored.attempts == 1
    assert "451 4.7.1 Greylisted" in stored.last_error
    assert stored.next_attempt_at == T0 + timedelta(minutes=1)
    assert stored.claim_token is None

    assert sender.send_queued(now=T0 + timedelta(seconds=30)) == 0  # not due yet
    assert smtp_server.messages == []

    assert sender.send_queued(now=T0 + timedelta(minutes=1)) == 1
    stored = reload(message)
    assert stored.status == MailStatus.SENT
    assert stored.attempts == 2
    assert stored.last_error == ""
    assert len(smtp_server.messages) == 1


def test_back_off_grows_then_the_message_fails_after_the_last_attempt(smtp_server):
    message = queue()
    smtp_server.answer_rcpt("421 4.3.2 Service not available", times=sender.MAX_ATTEMPTS)
    now, waits = T0, []

    for _ in range(sender.MAX_ATTEMPTS):
        sender.send_queued(now=now)
        stored = reload(message)
        if stored.status == MailStatus.QUEUED:
            waits.append(stored.next_attempt_at - now)
            now = stored.next_attempt_at

    assert [w.total_seconds() / 60 for w in waits] == [1, 5, 30, 120, 360]
    assert stored.status == MailStatus.FAILED
    assert stored.attempts == sender.MAX_ATTEMPTS
    assert "421" in stored.last_error
    assert smtp_server.messages == []


def test_recipient_refused_with_550_fails_at_once_and_the_others_go_out(smtp_server):
    refused = queue(recipient="nobody@example.org")
    fine = queue(recipient="somebody@example.org")
    smtp_server.refuse_recipient("nobody@example.org", "550 5.1.1 User unknown")

    assert sender.send_queued() == 1

    refused, fine = reload(refused), reload(fine)
    assert refused.status == MailStatus.FAILED
    assert refused.attempts == 1
    assert "550 5.1.1 User unknown" in refused.last_error
    assert fine.status == MailStatus.SENT
    assert [m["To"] for m in smtp_server.messages] == ["somebody@example.org"]


def test_message_refused_after_data_with_554_fails_at_once(smtp_server):
    message = queue()
    smtp_server.answer_data("554 5.7.1 Message rejected as spam")

    sender.send_queued()

    stored = reload(message)
    assert stored.status == MailStatus.FAILED
    assert "554 5.7.1" in stored.last_error


def test_a_recipient_with_a_line_break_cannot_inject_headers(smtp_server):
    message = queue(recipient="victim@example.org\r\nBcc: spy@example.net")

    sender.send_queued()

    stored = reload(message)
    assert stored.status == MailStatus.FAILED
    assert "cannot be built" in stored.last_error
    assert smtp_server.messages == []


def test_unreachable_server_defers_every_message_after_one_connection_attempt(app):
    app.config.update(MAIL_BACKEND="smtp", MAIL_HOST="127.0.0.1", MAIL_PORT=_free_port())
    messages = [queue(recipient=f"p{n}@example.org") for n in range(3)]

    report = sender.deliver_due(now=T0)

    assert (report.delivered, report.deferred, report.failed) == (0, 3, 0)
    for message in messages:
        stored = reload(message)
        assert stored.status == MailStatus.QUEUED
        assert stored.next_attempt_at == T0 + timedelta(minutes=1)
        assert "cannot connect to the mail server" in stored.last_error


def test_refused_login_is_retried_later_and_never_records_the_password(app, caplog):
    password = "s3cret-smtp-passw0rd"

    def refuse(server, session, envelope, mechanism, auth_data):
        return AuthResult(success=False, handled=False)

    controller = Controller(
        RecordingHandler(),
        hostname="127.0.0.1",
        port=_free_port(),
        auth_require_tls=False,
        authenticator=refuse,
    )
    controller.start()
    try:
        app.config.update(
            MAIL_BACKEND="smtp",
            MAIL_HOST="127.0.0.1",
            MAIL_PORT=controller.port,
            MAIL_USERNAME="planner",
            MAIL_PASSWORD=password,
        )
        message = queue()
        with caplog.at_level(logging.DEBUG, logger="planner"):
            sender.send_queued()
    finally:
        controller.stop()

    stored = reload(message)
    assert stored.status == MailStatus.QUEUED  # fixing the settings makes it go out
    assert "authentication failed" in stored.last_error
    assert password not in stored.last_error
    app_log = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("planner"))
    assert f"outbox message {message.id}" in app_log
    assert password not in app_log


def test_queueing_300_messages_in_a_request_opens_no_smtp_connection(app, smtp_server):
    with app.test_request_context("/institutes/x/invitees/send", method="POST"):
        for n in range(300):
            queue(recipient=f"participant{n}@example.org", commit=False)
        db.session.commit()

    assert smtp_server.sessions == 0
    assert smtp_server.messages == []

    assert sender.send_queued(limit=300) == 300
    assert len(smtp_server.messages) == 300
    assert smtp_server.sessions == 1  # one connection for the whole pass


def test_a_second_worker_never_claims_what_the_first_one_holds(smtp_server):
    for n in range(8):
        queue(recipient=f"p{n}@example.org")

    _, first = sender.claim_due(5, T0)
    _, second = sender.claim_due(5, T0)
    _, third = sender.claim_due(5, T0)

    assert len(first) == 5
    assert len(second) == 3
    assert set(first).isdisjoint(second)
    assert third == []


def test_two_workers_at_once_send_each_message_exactly_once(app, smtp_server):
    for n in range(60):
        queue(recipient=f"p{n}@example.org")
    barrier = threading.Barrier(2)
    errors = []

    def worker():
        with app.app_context():
            try:
                barrier.wait()
                while sender.send_queued(limit=7):
                    pass
            except Exception as error:  # reported to the test thread below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    recipients = [m["To"] for m in smtp_server.messages]
    assert sorted(recipients) == sorted(f"p{n}@example.org" for n in range(60))
    assert (
        db.session.scalar(select(db.func.count()).where(OutboundEmail.status == MailStatus.SENT))
        == 60
    )


def test_a_crashed_workers_claim_lapses_and_the_message_goes_out_later(smtp_server):
    message = queue()
    _, claimed = sender.claim_due(10, T0)  # ... and the worker dies before sending
    assert claimed == [message.id]

    assert sender.send_queued(now=T0 + timedelta(minutes=5)) == 0
    assert sender.send_queued(now=T0 + sender.LEASE) == 1
    assert len(smtp_server.messages) == 1


def test_a_stopping_worker_gives_its_unsent_claims_back(smtp_server):
    for n in range(3):
        queue(recipient=f"p{n}@example.org")
    calls = iter([False, False, True])  # stop after the first message

    report = sender.deliver_due(now=T0, should_stop=lambda: next(calls, True))

    assert report.delivered == 1
    queued = db.session.scalars(
        select(OutboundEmail).where(OutboundEmail.status == MailStatus.QUEUED)
    ).all()
    assert len(queued) == 2
    assert all(m.claim_token is None and m.next_attempt_at == T0 for m in queued)


@pytest.mark.postgres
def test_postgres_claim_skips_rows_another_transaction_has_locked(app, smtp_server):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SKIP LOCKED is the PostgreSQL claim")
    locked = queue(recipient="locked@example.org")
    free = queue(recipient="free@example.org")
    with db.engine.connect() as other_worker:
        transaction = other_worker.begin()
        other_worker.execute(
            text("SELECT id FROM outbound_email WHERE id = :id FOR UPDATE"), {"id": locked.id}
        )

        _, claimed = sender.claim_due(10)

        transaction.rollback()
    assert claimed == [free.id]


class TestFileBackend:
    @pytest.fixture
    def app_config(self):
        return {"MAIL_BACKEND": "file"}

    def test_writes_one_private_eml_file_per_message(self, app, institute):
        message = queue(institute, subject="Приглашение", locale="ru")

        assert sender.send_queued() == 1

        stored = reload(message)
        path = Path(app.config["MAIL_FILE_DIR"]) / stored.delivered_file
        assert path.suffix == ".eml"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        parsed = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        assert parsed["Subject"] == "Приглашение"
        assert parsed["To"] == "aigul.testova@example.org"
        # The file is what the developer clicks: it has the live link.
        assert LIVE_TOKEN in parsed.get_body(preferencelist=("plain",)).get_content()
        assert LIVE_TOKEN not in stored.body_text

    def test_unwritable_directory_defers_the_message(self, app, tmp_path):
        blocker = tmp_path / "not-a-directory"
        blocker.write_text("a file where the mail directory should be")
        app.config["MAIL_FILE_DIR"] = str(blocker / "mail")
        message = queue()

        sender.send_queued(now=T0)

        stored = reload(message)
        assert stored.status == MailStatus.QUEUED
        assert "cannot write the message file" in stored.last_error


def test_a_sender_name_in_cyrillic_is_encoded_and_read_back(app, smtp_server):
    app.config["MAIL_FROM"] = "Институт тренеров <institute@planner.test>"
    queue()

    sender.send_queued()

    [received] = smtp_server.messages
    assert received["From"].addresses[0].display_name == "Институт тренеров"
    assert received["From"].addresses[0].addr_spec == "institute@planner.test"
    assert smtp_server.envelopes[0][0] == "institute@planner.test"
    assert smtp_server.raw[0].split(b"\r\n\r\n", 1)[0].isascii()


def test_a_worker_past_half_its_lease_gives_the_rest_of_the_chunk_back(smtp_server, monkeypatch):
    for n in range(3):
        queue(recipient=f"p{n}@example.org")
    # The clock of the worker: the claim, the first message on time, then a very slow server.
    readings = iter([0.0, 1.0, sender.LEASE.total_seconds()])
    monkeypatch.setattr(sender, "_clock", lambda: next(readings, 10**6))

    report = sender.deliver_due(limit=3, now=T0)

    assert report.delivered == 1
    assert len(smtp_server.messages) == 1
    given_back = db.session.scalars(
        select(OutboundEmail).where(OutboundEmail.status == MailStatus.QUEUED)
    ).all()
    assert [(m.claim_token, m.next_attempt_at) for m in given_back] == [(None, T0)] * 2
