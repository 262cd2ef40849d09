"""Demo outbox of the fictional Shymkent institute: a history of sent, deferred and failed mail.

Runs after the other packages, on the demo roster. Sent messages are stored as the sender
leaves them (links redacted). Reminders still queued carry a fresh personal link, as every
reminder must (B22): the development sender (``make run``) writes them to .eml files.
"""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from planner.db import utcnow
from planner.extensions import db
from planner.invitations.models import Invitee, RsvpStatus
from planner.invitations.services import issue_rsvp_links, link_url
from planner.mail.models import MailStatus, OutboundEmail
from planner.mail.sender import MAX_ATTEMPTS
from planner.mail.services import queue_email, render_email
from planner.security.redact import redact
from planner.security.tokens import new_token

ARRIVAL = {
    "en": (
        "Practical information: arriving in Shymkent",
        [
            "Thank you for confirming your participation. The institute starts on Monday "
            "12 April at 09:00 in the Shymkent Regional Training Centre.",
            "We meet every arrival at Shymkent airport and railway station. Please enter your "
            "flight or train on your page so that we can plan the pickup.",
        ],
    ),
    "ru": (
        "Практическая информация: прибытие в Шымкент",
        [
            "Спасибо, что подтвердили участие. Институт начинается в понедельник, 12 апреля, "
            "в 09:00 в Шымкентском региональном учебном центре.",
            "Мы встречаем всех в аэропорту и на вокзале Шымкента. Пожалуйста, укажите на своей "
            "странице рейс или поезд, чтобы мы спланировали встречу.",
        ],
    ),
}
TRAVEL_REMINDER = {
    "en": (
        "Reminder: your travel details",
        [
            "We do not have your travel details yet. Please send us your arrival and "
            "departure times by 20 March, or write to us if you need help with tickets.",
        ],
    ),
    "ru": (
        "Напоминание: данные о поездке",
        [
            "У нас пока нет данных о вашей поездке. Пожалуйста, сообщите время прибытия "
            "и отъезда до 20 марта или напишите нам, если нужна помощь с билетами.",
        ],
    ),
}


def _locale(invitee: Invitee) -> str:
    # English and Russian are complete; the region's other languages fall back to Russian.
    return invitee.language if invitee.language in ("en", "ru") else "ru"


def _notice(institute, invitee, texts, kind: str, link: str | None) -> OutboundEmail:
    locale = _locale(invitee)
    subject, paragraphs = texts[locale]
    subject, text, html = render_email(
        "mail/messages/notice",
        locale,
        institute=institute,
        invitee=invitee,
        subject=subject,
        paragraphs=paragraphs,
        link=link,
    )
    return queue_email(
        recipient=invitee.email,
        kind=kind,
        subject=subject,
        body_text=text,
        body_html=html,
        locale=locale,
        institute=institute,
        invitee=invitee,
    )


def seed(institute, organizer) -> None:
    invitees = list(
        db.session.scalars(
            select(Invitee).where(Invitee.institute_id == institute.id).order_by(Invitee.id)
        )
    )
    confirmed = [i for i in invitees if i.rsvp_status == RsvpStatus.CONFIRMED]
    waiting = [i for i in invitees if i.rsvp_status == RsvpStatus.INVITED]
    now = utcnow()
    base_url = current_app.config["BASE_URL"]

    # Sent three days ago, as the sender leaves them: delivered, links redacted.
    for n, invitee in enumerate(confirmed[:10]):
        message = _notice(institute, invitee, ARRIVAL, "notice", f"{base_url}/r/{new_token()}")
        message.created_at = now - timedelta(days=3, minutes=10)
        message.status = MailStatus.SENT
        message.attempts = 1 if n != 4 else 2
        message.sent_at = now - timedelta(days=3, minutes=9 - n % 5)
        message.body_text = redact(message.body_text)
        message.body_html = redact(message.body_html)

    # Reminders still to go out, each with its personal link (a fresh one, as the app's own
    # reminders do): the development sender writes them to .eml files.
    reminded = confirmed[10:13] + waiting[:1]
    tokens = issue_rsvp_links(institute, reminded)
    for invitee in confirmed[10:13]:
        _notice(
            institute,
            invitee,
            TRAVEL_REMINDER,
            "reminder",
            link_url(base_url, tokens[invitee.id]),
        )

    # Greylisted once, waiting for the next attempt.
    if waiting:
        deferred = _notice(
            institute,
            waiting[0],
            TRAVEL_REMINDER,
            "reminder",
            link_url(base_url, tokens[waiting[0].id]),
        )
        deferred.created_at = now - timedelta(minutes=3)
        deferred.attempts = 1
        deferred.next_attempt_at = now + timedelta(minutes=2)
        deferred.last_error = "recipient refused: 451 4.7.1 Greylisted, please try again later"

    # Failed: a mistyped address refused for good, and a server that never answered.
    if len(confirmed) > 14:
        refused = _notice(institute, confirmed[13], ARRIVAL, "notice", None)
        refused.created_at = now - timedelta(days=3, minutes=10)
        refused.status = MailStatus.FAILED
        refused.attempts = 1
        refused.last_error = (
            f"recipient refused: 550 5.1.1 <{confirmed[13].email}>: Recipient address "
            "rejected: User unknown in virtual mailbox table"
        )
        timed_out = _notice(institute, confirmed[14], ARRIVAL, "notice", None)
        timed_out.created_at = now - timedelta(days=3, minutes=10)
        timed_out.status = MailStatus.FAILED
        timed_out.attempts = MAX_ATTEMPTS
        timed_out.last_error = (
            "cannot connect to the mail server mail.example.net:587: TimeoutError: timed out"
        )
