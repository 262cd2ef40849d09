"""Messages to invitees: who gets one (a filtered group), in which language, with which
placeholders filled; the institute's own wording of the standard e-mails; reminders for later.

Every message goes through the outbox (planner/mail) in the caller's transaction and is
written into the recipient's history.
"""

import json
import re
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from types import SimpleNamespace

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time
from flask import g
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import exists, select

from planner.db import utcnow
from planner.extensions import db
from planner.institutes.models import Institute
from planner.invitations.models import Invitee, RsvpStatus
from planner.invitations.services import (
    add_history,
    compose,
    issue_rsvp_links,
    link_url,
    mail_locale,
)
from planner.links import absolute_url
from planner.mail.services import queue_email, render_email
from planner.messages.models import (
    MessageTemplate,
    ScheduledMessage,
    ScheduleStatus,
    TemplateKind,
)
from planner.security import audit
from planner.travel.models import TravelLeg, VisaCase

PLACEHOLDERS = ("name", "link", "sessions")
PLACEHOLDER = re.compile(r"\{([^{}\s]{0,40})\}")
MAX_SUBJECT = 300
MAX_BODY = 20_000

# Where the built-in text of each standard e-mail lives.
BUILTIN_TEMPLATES = {
    TemplateKind.INVITATION: "invitations/email/invitation",
    TemplateKind.REMINDER: "invitations/email/reminder",
    TemplateKind.CONFIRMATION: "invitations/email/rsvp_answer",
    TemplateKind.LETTER_READY: "documents/email/letter_ready",
}


def unknown_placeholders(text: str) -> list[str]:
    """Placeholders in the text that we cannot fill ("{nmae}"), in order, once each."""
    found = [name for name in PLACEHOLDER.findall(text) if name not in PLACEHOLDERS]
    return list(dict.fromkeys("{" + name + "}" for name in found))


def fill(text: str, values: dict[str, str]) -> str:
    """The text with {name}, {link} and {sessions} replaced; other braces stay as written."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def fill_html(text: str, values: dict[str, str]) -> Markup:
    """The text as HTML paragraphs; the personal link becomes a link."""
    link = values.get("link", "")
    html_values = {name: str(escape(value)) for name, value in values.items()}
    if link:
        html_values["link"] = str(Markup('<a href="{0}">{0}</a>').format(link))
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        filled = fill(str(escape(block)), html_values)
        paragraphs.append("<p>" + filled.replace("\n", "<br>\n") + "</p>")
    return Markup("\n".join(paragraphs))  # noqa: S704 - every piece above is escaped


def sessions_text(invitee: Invitee, language: str) -> str:
    """The invitee's own sessions (those they facilitate or attend as a breakout), one a line,
    in the institute's local time, dates in the language of the text."""
    try:
        locale = str(Locale.parse(language))
    except (ValueError, UnknownLocaleError):
        locale = mail_locale(language)
    from planner.agenda.reading import sessions_of_invitee

    found = sessions_of_invitee(invitee)
    sessions = {s.id: s for s in found["facilitated"] + found["assigned"]}.values()
    lines = []
    for session in sorted(sessions, key=lambda s: (s.starts_local, s.id)):
        line = "- {day} {start}–{end} {title}".format(
            day=format_date(session.starts_local.date(), "EEE d MMM", locale=locale),
            start=format_time(session.starts_local, "HH:mm", locale=locale),
            end=format_time(session.ends_local, "HH:mm", locale=locale),
            title=session.title,
        )
        if session.room is not None:
            line += f" ({session.room.name})"
        lines.append(line)
    if lines:
        return "\n".join(lines)
    with force_locale(mail_locale(language)):
        return _("You have no sessions of your own in the program yet.")


# Who gets a message -------------------------------------------------------------------------


@dataclass
class Audience:
    """A filtered group of the institute's invitees; empty fields do not filter."""

    status: str = ""
    country: str = ""
    role: str = ""
    visa: str = ""  # a VisaStatus value, "none" (no visa case) or ""
    no_travel: bool = False
    no_passport: bool = False
    not_answered: bool = False

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> "Audience":
        data = json.loads(text)
        return cls(**{f.name: data[f.name] for f in fields(cls) if f.name in data})


def recipients(institute: Institute, audience: Audience) -> list[Invitee]:
    """The institute's (not removed) invitees in the group, by name."""
    query = select(Invitee).where(
        Invitee.institute_id == institute.id, Invitee.removed_at.is_(None)
    )
    if audience.status:
        query = query.where(Invitee.rsvp_status == audience.status)
    if audience.country:
        query = query.where(Invitee.country == audience.country)
    if audience.role:
        query = query.where(Invitee.role == audience.role)
    has_case = exists().where(VisaCase.invitee_id == Invitee.id)
    if audience.visa == "none":
        query = query.where(~has_case)
    elif audience.visa:
        query = query.where(
            exists().where(VisaCase.invitee_id == Invitee.id, VisaCase.status == audience.visa)
        )
    if audience.no_travel:
        query = query.where(~exists().where(TravelLeg.invitee_id == Invitee.id))
    if audience.no_passport:
        query = query.where(Invitee.passport_number.is_(None))
    if audience.not_answered:
        query = query.where(
            Invitee.rsvp_status == RsvpStatus.INVITED, Invitee.answered_at.is_(None)
        )
    return list(db.session.scalars(query.order_by(Invitee.search_name, Invitee.id)))


def languages_of(invitees: list[Invitee]) -> list[str]:
    """The preferred languages of the group, the most common first."""
    counts: dict[str, int] = {}
    for invitee in invitees:
        counts[invitee.language] = counts.get(invitee.language, 0) + 1
    return sorted(counts, key=lambda code: (-counts[code], code))


# Organizers may write a message only in Russian and English: these readers get the Russian.
REGION_READS_RUSSIAN = frozenset({"kk", "ky", "uz", "tg", "az", "tk"})


def text_for(texts: dict[str, tuple[str, str]], language: str) -> tuple[str, str, str]:
    """(language, subject, body) for a reader of ``language``: their own text if written, else
    the language we write to them in; readers of the region's languages (Kazakh, Kyrgyz, Uzbek,
    Tajik, Azerbaijani, Turkmen) read Russian before English; else any text."""
    second = ("ru", "en") if language in REGION_READS_RUSSIAN else ("en", "ru")
    for code in (language, mail_locale(language), *second, *texts):
        subject, body = texts.get(code, ("", ""))
        if subject.strip() and body.strip():
            return code, subject, body
    raise ValueError("no text")


# Sending --------------------------------------------------------------------------------------


def _values(invitee: Invitee, locale: str, body: str, link: str) -> dict[str, str]:
    return {
        "name": invitee.full_name,
        "link": link,
        "sessions": sessions_text(invitee, locale) if "{sessions}" in body else "",
    }


def render_message(invitee: Invitee, subject: str, body: str, link: str, language: str):
    """(locale, subject, text, HTML) of one person's message. The page around the text speaks
    the language we write to them in."""
    locale = mail_locale(language)
    values = _values(invitee, language, body, link)
    # Only the name goes into a subject: subjects are listed in outboxes and histories, where a
    # live personal link must never appear.
    subject_text = " ".join(fill(subject, {"name": values["name"]}).split())[:MAX_SUBJECT]
    _subject, text, html = render_email(
        "messages/email/message",
        locale,
        subject=subject_text,
        text=fill(body, values),
        html_body=fill_html(body, values),
        institute=invitee.institute,
    )
    return locale, subject_text, text, html


def send_message(
    institute: Institute,
    audience: Audience,
    texts: dict[str, tuple[str, str]],
    by,
    base_url: str,
) -> int:
    """Queue the message to everyone in the group, each in their language; returns how many.

    A text with {link} gives the person a fresh personal link (the old one stops working, as
    with a reminder). Each message is written into the person's history.
    """
    people = recipients(institute, audience)
    chosen = {invitee.id: text_for(texts, invitee.language) for invitee in people}
    needing_link = [i for i in people if "{link}" in chosen[i.id][2]]
    tokens = issue_rsvp_links(institute, needing_link) if needing_link else {}
    for invitee in people:
        language, subject, body = chosen[invitee.id]
        link = link_url(base_url, tokens[invitee.id]) if invitee.id in tokens else ""
        locale, subject_text, text, html = render_message(invitee, subject, body, link, language)
        queue_email(
            recipient=invitee.email,
            kind="message",
            subject=subject_text,
            body_text=text,
            body_html=html,
            locale=locale,
            institute=institute,
            invitee=invitee,
        )
        add_history(invitee, "message", None, "sent", organizer=by, note=subject_text)
    if people:
        audit.record("messages.sent", institute=institute, organizer=by)
    return len(people)


def preview_messages(
    institute: Institute, audience: Audience, texts: dict[str, tuple[str, str]], base_url: str
) -> list[tuple[str, Invitee, str, str]]:
    """Per language used: (language, an example recipient, subject, text) with a stand-in
    link; creates no link and sends nothing."""
    shown: dict[str, tuple] = {}
    for invitee in recipients(institute, audience):
        language, subject, body = text_for(texts, invitee.language)
        if language in shown:
            continue
        link = link_url(base_url, "personal-link") if "{link}" in body else ""
        _locale, subject_text, text, _html = render_message(invitee, subject, body, link, language)
        shown[language] = (language, invitee, subject_text, text)
    return list(shown.values())


def schedule_message(
    institute: Institute,
    audience: Audience,
    texts: dict[str, tuple[str, str]],
    send_at: datetime,
    by,
) -> ScheduledMessage:
    """Keep the message until ``send_at`` (UTC); the group is chosen again then."""
    scheduled = ScheduledMessage(
        institute_id=institute.id,
        organizer_id=by.id if by is not None else None,
        audience=audience.to_json(),
        texts=json.dumps(texts, ensure_ascii=False),
        send_at=send_at,
    )
    db.session.add(scheduled)
    db.session.flush()
    audit.record("messages.scheduled", institute=institute, organizer=by, obj=scheduled)
    return scheduled


def scheduled_of(institute: Institute) -> list[ScheduledMessage]:
    return list(
        db.session.scalars(
            select(ScheduledMessage)
            .where(
                ScheduledMessage.institute_id == institute.id,
                ScheduledMessage.status == ScheduleStatus.SCHEDULED,
            )
            .order_by(ScheduledMessage.send_at, ScheduledMessage.id)
        )
    )


def cancel_scheduled(institute: Institute, scheduled_id: int, by) -> bool:
    scheduled = db.session.scalar(
        select(ScheduledMessage).where(
            ScheduledMessage.id == scheduled_id,
            ScheduledMessage.institute_id == institute.id,
            ScheduledMessage.status == ScheduleStatus.SCHEDULED,
        )
    )
    if scheduled is None:
        return False
    scheduled.status = ScheduleStatus.CANCELLED
    audit.record("messages.schedule_cancelled", institute=institute, organizer=by, obj=scheduled)
    return True


def send_due(base_url: str, now: datetime | None = None) -> int:
    """Send every scheduled message whose time has come; returns how many e-mails."""
    now = now or utcnow()
    due = list(
        db.session.scalars(
            select(ScheduledMessage)
            .where(
                ScheduledMessage.status == ScheduleStatus.SCHEDULED,
                ScheduledMessage.send_at <= now,
            )
            .order_by(ScheduledMessage.send_at, ScheduledMessage.id)
            .with_for_update(skip_locked=True)
        )
    )
    total = 0
    for scheduled in due:
        institute = db.session.get(Institute, scheduled.institute_id)
        texts = {k: tuple(v) for k, v in json.loads(scheduled.texts).items()}
        by = None
        if scheduled.organizer_id is not None:
            from planner.auth.models import Organizer

            by = db.session.get(Organizer, scheduled.organizer_id)
        count = send_message(institute, Audience.from_json(scheduled.audience), texts, by, base_url)
        scheduled.status = ScheduleStatus.SENT
        scheduled.sent_count = count
        total += count
    return total


def nudge(invitee: Invitee, by, base_url: str) -> None:
    """A reminder to one person now, with a fresh personal link (the institute's reminder
    text, or the built-in one)."""
    token = issue_rsvp_links(invitee.institute, [invitee])[invitee.id]
    number = invitee.reminders_sent + 1
    locale, subject, text, html = compose(
        "reminder", invitee, url=link_url(base_url, token), stage="gentle", number=number
    )
    queue_email(
        recipient=invitee.email,
        kind="reminder_gentle",
        subject=subject,
        body_text=text,
        body_html=html,
        locale=locale,
        institute=invitee.institute,
        invitee=invitee,
    )
    invitee.reminders_sent = number
    invitee.last_reminded_at = utcnow()
    add_history(invitee, "message", None, "nudged", organizer=by, note=subject)
    audit.record("invitee.reminded", institute=invitee.institute, organizer=by, obj=invitee)


# The institute's own wording of the standard e-mails --------------------------------------


def template_of(institute_id: int, kind: TemplateKind, locale: str) -> MessageTemplate | None:
    return db.session.scalar(
        select(MessageTemplate).where(
            MessageTemplate.institute_id == institute_id,
            MessageTemplate.kind == kind,
            MessageTemplate.locale == locale,
        )
    )


def templates_of(institute: Institute) -> dict[tuple[str, str], MessageTemplate]:
    return {
        (t.kind.value, t.locale): t
        for t in db.session.scalars(
            select(MessageTemplate).where(MessageTemplate.institute_id == institute.id)
        )
    }


def builtin_text(institute: Institute, kind: TemplateKind, locale: str) -> tuple[str, str]:
    """(subject, body) of the built-in e-mail with placeholders where the person's name and
    link go: what the organizer starts from, and what a reset brings back."""
    stand_in = SimpleNamespace(
        full_name="{name}",
        language=locale,
        rsvp_status=RsvpStatus.CONFIRMED,
        decline_reason="",
        institute=institute,
    )
    context = {
        "invitee": stand_in,
        "institute": institute,
        "url": "{link}",
        "stage": "gentle",
        "number": 1,
        "invitee_name": "{name}",
        "institute_title": institute.title,
        "contact_email": institute.contact_email,
        "page_url": "{link}",
    }
    subject, text, _html = render_email(BUILTIN_TEMPLATES[kind], locale, **context)
    return subject, text.strip() + "\n"


def save_template(
    institute: Institute, kind: TemplateKind, locale: str, subject: str, body: str, by
) -> MessageTemplate:
    template = template_of(institute.id, kind, locale)
    if template is None:
        template = MessageTemplate(institute_id=institute.id, kind=kind, locale=locale)
        db.session.add(template)
    template.subject = subject.strip()
    template.body = body.replace("\r\n", "\n")
    db.session.flush()
    g.pop("message_templates", None)
    audit.record("messages.template_saved", institute=institute, organizer=by, obj=template)
    return template


def reset_template(institute: Institute, kind: TemplateKind, locale: str, by) -> bool:
    template = template_of(institute.id, kind, locale)
    if template is None:
        return False
    db.session.delete(template)
    g.pop("message_templates", None)
    audit.record("messages.template_reset", institute=institute, organizer=by)
    return True


def custom_email(
    institute_id: int, kind: TemplateKind, locale: str, invitee, link: str
) -> tuple[str, str, str] | None:
    """(subject, text, HTML) of the institute's own wording of a standard e-mail, or None
    when it uses the built-in text. Called by the packages that send those e-mails."""
    # Asked once per e-mail: remember the answer for the request (1,000 invitations, 1 query).
    cache = g.setdefault("message_templates", {})
    key = (institute_id, kind, locale)
    if key not in cache:
        template = template_of(institute_id, kind, locale)
        cache[key] = (template.subject, template.body) if template is not None else None
    if cache[key] is None:
        return None
    subject, body = cache[key]
    _locale, subject, text, html = render_message(invitee, subject, body, link, locale)
    return subject, text, html


def me_url() -> str:
    return absolute_url("me/")
