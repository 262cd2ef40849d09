"""The organizer's outbox: counts, list, filters, a message, retries, the .eml of development."""

import email
import re
from datetime import UTC, datetime, timedelta
from email import policy

import pytest
from sqlalchemy import event, select

from planner.auth.models import TeamRole
from planner.extensions import db
from planner.mail import sender
from planner.mail.models import MailStatus, OutboundEmail
from planner.security.models import AuditEvent
from tests import factories
from tests.mail.conftest import LIVE_TOKEN, queue


def outbox_url(institute, **query) -> str:
    params = "&".join(f"{k}={v}" for k, v in query.items())
    return f"/institutes/{institute.slug}/outbox/" + (f"?{params}" if params else "")


def message_url(institute, message, suffix: str = "") -> str:
    return f"/institutes/{institute.slug}/outbox/{message.id}{suffix}"


def mark(message, status: MailStatus, **fields) -> OutboundEmail:
    message.status = status
    for name, value in fields.items():
        setattr(message, name, value)
    db.session.commit()
    return message


@pytest.fixture
def signed_in(login, organizer):
    return login(organizer)


def test_outbox_is_a_tab_of_the_institute(signed_in, institute):
    page = signed_in.get(f"/institutes/{institute.slug}/").get_data(as_text=True)

    assert f'href="/institutes/{institute.slug}/outbox/">Outbox</a>' in page


def test_outbox_counts_and_lists_messages_by_status(signed_in, institute):
    queue(institute, recipient="queued@example.org", subject="Still waiting")
    mark(queue(institute, recipient="sent@example.org"), MailStatus.SENT, attempts=1)
    mark(
        queue(institute, recipient="failed@example.org"),
        MailStatus.FAILED,
        attempts=1,
        last_error="recipient refused: 550 5.1.1 User unknown",
    )
    other = factories.make_institute(owner=factories.make_organizer())
    queue(other, recipient="elsewhere@example.org")

    page = signed_in.get(outbox_url(institute)).get_data(as_text=True)

    assert "All: 3" in page
    assert "Queued: 1" in page and "Sent: 1" in page and "Failed: 1" in page
    for recipient in ("queued@example.org", "sent@example.org", "failed@example.org"):
        assert recipient in page
    assert "elsewhere@example.org" not in page
    assert "550 5.1.1 User unknown" in page
    assert "Retry 1 failed message" in page


def test_outbox_filters_by_status_kind_and_search(signed_in, institute):
    queue(institute, recipient="anna@example.org", kind="invitation", subject="Invitation")
    queue(institute, recipient="boris@example.org", kind="reminder", subject="Reminder")
    mark(queue(institute, recipient="vera@example.org"), MailStatus.FAILED)

    failed = signed_in.get(outbox_url(institute, status="failed")).get_data(as_text=True)
    reminders = signed_in.get(outbox_url(institute, kind="reminder")).get_data(as_text=True)
    search = signed_in.get(outbox_url(institute, q="ANNA")).get_data(as_text=True)
    nothing = signed_in.get(outbox_url(institute, q="100%")).get_data(as_text=True)

    assert "vera@example.org" in failed and "anna@example.org" not in failed
    assert "boris@example.org" in reminders and "anna@example.org" not in reminders
    assert "anna@example.org" in search and "boris@example.org" not in search
    assert "No message matches." in nothing


def test_unknown_filter_value_is_reported_next_to_the_field(signed_in, institute):
    queue(institute, recipient="anna@example.org")

    response = signed_in.get(outbox_url(institute, status="bogus", q="anna"))

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="status-error"' in page
    assert "Not a valid choice" in page
    assert 'value="anna"' in page  # what was typed is kept
    assert "anna@example.org" in page  # the list is still shown, unfiltered


def test_outbox_pages_through_many_messages(signed_in, institute):
    for n in range(55):
        queue(institute, recipient=f"p{n:02d}@example.org", commit=False)
    db.session.commit()

    first = signed_in.get(outbox_url(institute)).get_data(as_text=True)
    second = signed_in.get(outbox_url(institute, page=2)).get_data(as_text=True)
    beyond = signed_in.get(outbox_url(institute, page=9)).get_data(as_text=True)

    assert "55 messages · page 1 of 2" in first
    assert first.count("@example.org</td>") == 50
    assert "page 2 of 2" in second
    assert second.count("@example.org</td>") == 5
    assert "page 2 of 2" in beyond  # a page past the end shows the last one
    assert f'href="/institutes/{institute.slug}/outbox/?page=2"' in first


def test_outbox_list_takes_the_same_number_of_queries_for_few_or_many(signed_in, institute):
    def queries_for_page() -> int:
        statements = []

        def count(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert signed_in.get(outbox_url(institute)).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    for n in range(3):
        queue(institute, recipient=f"few{n}@example.org", kind=f"kind{n}")
    few = queries_for_page()
    for n in range(60):
        queue(institute, recipient=f"many{n}@example.org", kind=f"kind{n % 7}", commit=False)
    db.session.commit()
    many = queries_for_page()

    assert few == many


def test_times_are_shown_in_the_institutes_zone(signed_in, institute):
    sent_at = datetime(2027, 3, 10, 4, 30, tzinfo=UTC)  # 09:30 in Almaty (UTC+5)
    message = mark(queue(institute), MailStatus.SENT, sent_at=sent_at)

    listing = signed_in.get(outbox_url(institute)).get_data(as_text=True)
    detail = signed_in.get(message_url(institute, message)).get_data(as_text=True)

    assert "9:30" in listing and "4:30" not in listing
    assert "9:30" in detail
    assert "Asia/Almaty" in listing


def test_message_page_shows_the_text_without_live_links_and_never_the_raw_html(
    signed_in, institute
):
    message = queue(
        institute,
        subject="Приглашение <b>важно</b>",
        body_text=f"Ваша ссылка: http://planner.test/r/{LIVE_TOKEN}\nДо встречи!",
        body_html=f'<p onclick="x()">Hi <a href="http://planner.test/r/{LIVE_TOKEN}">go</a></p>',
    )

    page = signed_in.get(message_url(institute, message)).get_data(as_text=True)

    assert LIVE_TOKEN not in page
    assert "http://planner.test/r/[redacted]" in page
    assert "До встречи!" in page
    assert 'onclick="x()"' not in page
    assert "Приглашение &lt;b&gt;важно&lt;/b&gt;" in page


def test_message_of_another_institute_is_not_found(signed_in, institute):
    other = factories.make_institute(owner=factories.make_organizer())
    foreign = queue(other)

    assert signed_in.get(message_url(institute, foreign)).status_code == 404
    assert signed_in.post(message_url(institute, foreign, "/retry")).status_code == 404


def test_editor_retries_a_failed_message(login, institute):
    editor = factories.make_organizer()
    factories.add_member(institute, editor, TeamRole.EDITOR)
    message = mark(
        queue(institute),
        MailStatus.FAILED,
        attempts=6,
        last_error="421 4.3.2 Service not available",
    )
    client = login(editor)

    response = client.post(message_url(institute, message, "/retry"))

    assert response.status_code == 302
    assert response.headers["Location"] == message_url(institute, message)
    db.session.expire_all()
    assert message.status == MailStatus.QUEUED
    assert message.attempts == 0
    assert message.last_error == "421 4.3.2 Service not available"
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "mail.retried"))
    assert (audit.organizer_id, audit.object_id) == (editor.id, message.id)
    assert "The message is queued again." in client.get(response.headers["Location"]).get_data(
        as_text=True
    )


def test_a_sent_message_is_not_retried(signed_in, institute):
    message = mark(queue(institute), MailStatus.SENT)

    response = signed_in.post(message_url(institute, message, "/retry"), follow_redirects=True)

    assert "Only a failed message can be retried." in response.get_data(as_text=True)
    db.session.expire_all()
    assert message.status == MailStatus.SENT


def test_retry_all_failed_queues_every_failed_message_of_the_institute(signed_in, institute):
    failed = [mark(queue(institute), MailStatus.FAILED, attempts=6) for _ in range(3)]
    sent = mark(queue(institute), MailStatus.SENT)
    other = factories.make_institute(owner=factories.make_organizer())
    foreign = mark(queue(other), MailStatus.FAILED)

    response = signed_in.post(f"/institutes/{institute.slug}/outbox/retry-failed")

    assert response.status_code == 302
    db.session.expire_all()
    assert [m.status for m in failed] == [MailStatus.QUEUED] * 3
    assert sent.status == MailStatus.SENT
    assert foreign.status == MailStatus.FAILED
    page = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "3 failed messages are queued again." in page


def test_a_test_message_reaches_the_organizer(app, signed_in, organizer, institute, smtp_server):
    app.config.update(smtp_server.app_config())

    response = signed_in.post(f"/institutes/{institute.slug}/outbox/test")
    sender.send_queued()

    assert response.status_code == 302
    [received] = smtp_server.messages
    assert received["To"] == organizer.email
    assert received["Subject"] == f"Test message from Institute Planner: {institute.title}"
    assert "This is a test message." in smtp_server.text(received)
    assert "because you asked for a test message" in smtp_server.text(received)


def test_retry_needs_a_csrf_token(app, signed_in, institute):
    app.config["WTF_CSRF_ENABLED"] = True
    message = mark(queue(institute), MailStatus.FAILED)

    response = signed_in.post(message_url(institute, message, "/retry"))

    assert response.status_code == 400
    db.session.expire_all()
    assert message.status == MailStatus.FAILED


def test_outbox_page_in_russian(signed_in, institute):
    mark(queue(institute), MailStatus.FAILED)
    with signed_in.session_transaction() as session:
        session["lang"] = "ru"

    page = signed_in.get(outbox_url(institute)).get_data(as_text=True)

    assert "Исходящие" in page
    assert "Не доставлено: 1" in page
    assert "Повторить 1 недоставленное письмо" in page
    assert "1 письмо" in page
    assert "Приглашение" in page  # the kind


class TestDeliveredFile:
    """Development (file backend): the organizer opens the .eml and clicks the link."""

    @pytest.fixture
    def app_config(self):
        return {"MAIL_BACKEND": "file"}

    def test_message_links_to_its_eml_which_shows_the_live_link(self, signed_in, institute):
        message = queue(institute, subject="Приглашение")
        sender.send_queued()

        detail = signed_in.get(message_url(institute, message)).get_data(as_text=True)
        response = signed_in.get(message_url(institute, message, "/eml"))

        assert f'href="{message_url(institute, message, "/eml")}"' in detail
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
        page = response.get_data(as_text=True)
        link = f"http://planner.test/r/{LIVE_TOKEN}"
        assert f'<a href="{link}" rel="noreferrer">{link}</a>' in page
        assert "Приглашение" in page
        audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "mail.file_read"))
        assert audit.object_id == message.id

    def test_eml_downloads_as_a_mail_file(self, signed_in, institute):
        message = queue(institute)
        sender.send_queued()

        response = signed_in.get(message_url(institute, message, "/eml?download=1"))

        assert response.status_code == 200
        assert response.mimetype == "message/rfc822"
        assert "attachment" in response.headers["Content-Disposition"]
        parsed = email.message_from_bytes(response.data, policy=policy.default)
        assert LIVE_TOKEN in parsed.get_body(preferencelist=("plain",)).get_content()

    def test_a_queued_message_has_no_eml_yet(self, signed_in, institute):
        message = queue(institute)

        assert signed_in.get(message_url(institute, message, "/eml")).status_code == 404
        assert "/eml" not in signed_in.get(message_url(institute, message)).get_data(as_text=True)

    @pytest.mark.parametrize("name", ["../../../../etc/passwd", "/etc/passwd", ".", ""])
    def test_eml_path_stays_inside_the_mail_directory(self, signed_in, institute, name):
        message = mark(queue(institute), MailStatus.SENT, delivered_file=name)

        assert signed_in.get(message_url(institute, message, "/eml")).status_code == 404

    def test_text_with_markup_in_the_eml_is_escaped(self, signed_in, institute):
        message = queue(
            institute, body_text="<script>alert(1)</script> https://example.org/x?a=1&b=2"
        )
        sender.send_queued()

        page = signed_in.get(message_url(institute, message, "/eml")).get_data(as_text=True)

        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;" in page
        assert re.search(r'<a href="https://example.org/x\?a=1&amp;b=2"', page)


def test_times_of_the_next_attempt_of_a_deferred_message(signed_in, institute):
    message = queue(institute)
    message.attempts = 1
    message.next_attempt_at = datetime(2027, 3, 10, 5, 0, tzinfo=UTC) + timedelta(minutes=5)
    db.session.commit()

    page = signed_in.get(outbox_url(institute)).get_data(as_text=True)

    assert "next attempt" in page
    assert "10:05" in page


@pytest.mark.parametrize(
    ("failed", "button", "caption"),
    [
        (3, "Повторить все 3 недоставленных письма", "3 письма"),
        (5, "Повторить все 5 недоставленных писем", "5 писем"),
        (21, "Повторить 21 недоставленное письмо", "21 письмо"),
    ],
)
def test_russian_plural_forms_of_the_outbox(signed_in, institute, failed, button, caption):
    for _ in range(failed):
        queue(institute, commit=False).status = MailStatus.FAILED
    db.session.commit()
    with signed_in.session_transaction() as session:
        session["lang"] = "ru"

    page = signed_in.get(outbox_url(institute)).get_data(as_text=True)

    assert button in page
    assert f'<caption class="small">{caption}</caption>' in page


def test_retry_button_works_with_csrf_protection_on(app, signed_in, institute):
    app.config["WTF_CSRF_ENABLED"] = True
    message = mark(queue(institute), MailStatus.FAILED)
    page = signed_in.get(message_url(institute, message)).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    response = signed_in.post(message_url(institute, message, "/retry"), data={"csrf_token": token})

    assert response.status_code == 302
    db.session.expire_all()
    assert message.status == MailStatus.QUEUED


def test_a_link_in_a_subject_is_hidden_in_the_list_and_on_the_message_page(signed_in, institute):
    message = queue(institute, subject=f"Your link http://planner.test/r/{LIVE_TOKEN}")

    listing = signed_in.get(outbox_url(institute)).get_data(as_text=True)
    detail = signed_in.get(message_url(institute, message)).get_data(as_text=True)

    assert LIVE_TOKEN not in listing and LIVE_TOKEN not in detail
    assert "Your link http://planner.test/r/[redacted]" in listing
