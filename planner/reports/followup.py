"""Follow-up months after the institute: a short form at a personal link, anonymous figures.

The rule: ``months`` (setting, 6 by default) after the institute's last day, each confirmed
participant gets one e-mail in their language with a personal link to three questions (did you
run a training since, how many, how many people, where). The report adds up the answers and
never shows who answered what.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from planner.db import utcnow
from planner.extensions import db
from planner.institutes.models import Institute
from planner.invitations.models import Invitee, InviteeRole, RsvpStatus
from planner.links import personal_url
from planner.mail.services import queue_email, render_email
from planner.reports.models import FollowUp, FollowUpSettings
from planner.security import audit
from planner.security.tokens import hash_token, new_token

TOKEN = re.compile(r"[A-Za-z0-9_-]{16,100}")
LINK_LIFETIME = timedelta(days=120)
# Where trainings are usually given; anything else is "another country".
WHERE_CHOICES = ("KZ", "KG", "TJ", "UZ", "TM", "AZ", "AF", "MN", "RU", "GE", "AM")
OTHER = "XX"


def settings_of(institute: Institute) -> FollowUpSettings:
    return db.session.get(FollowUpSettings, institute.id) or FollowUpSettings(
        institute_id=institute.id, months=6
    )


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day (31 August + 6 = 28/29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_on(institute: Institute) -> date:
    return add_months(institute.end_date, settings_of(institute).months)


def link_url(token: str) -> str:
    return personal_url("r", token, "/follow-up")


def send(institute: Institute, *, today: date, organizer=None) -> int:
    """Queue the follow-up to each confirmed participant who has none yet, once it is due.
    Returns how many were queued (0 before the due day or after the data were purged)."""
    if today < due_on(institute) or institute.personal_data_purged_at is not None:
        return 0
    from planner.invitations.services import mail_locale

    asked = select(FollowUp.invitee_id).where(FollowUp.institute_id == institute.id)
    people = db.session.scalars(
        select(Invitee).where(
            Invitee.institute_id == institute.id,
            Invitee.rsvp_status == RsvpStatus.CONFIRMED,
            Invitee.role == InviteeRole.PARTICIPANT,
            Invitee.removed_at.is_(None),
            Invitee.id.not_in(asked),
        )
    ).all()
    for person in people:
        token = new_token()
        db.session.add(
            FollowUp(
                institute_id=institute.id,
                invitee_id=person.id,
                token_hash=hash_token(token),
                expires_at=utcnow() + LINK_LIFETIME,
            )
        )
        locale = mail_locale(person.language)
        subject, text, html = render_email(
            "reports/email/follow_up",
            locale,
            invitee=person,
            institute=institute,
            url=link_url(token),
        )
        queue_email(
            recipient=person.email,
            kind="follow_up",
            subject=subject,
            body_text=text,
            body_html=html,
            locale=locale,
            institute=institute,
            invitee=person,
        )
    if people:
        audit.record("follow_up.sent", institute=institute, organizer=organizer)
    return len(people)


def send_all_due(today: date) -> int:
    """The command's work: every institute whose follow-up is due."""
    total = 0
    for institute in db.session.scalars(select(Institute).where(Institute.end_date < today)):
        total += send(institute, today=today)
    return total


def find(token: str) -> FollowUp | None:
    if not token or not TOKEN.fullmatch(token):
        return None
    follow_up = db.session.scalar(select(FollowUp).where(FollowUp.token_hash == hash_token(token)))
    if (
        follow_up is None
        or follow_up.expires_at <= utcnow()
        or follow_up.invitee.removed_at is not None
    ):
        return None
    return follow_up


@dataclass
class Answers:
    ran_training: bool
    trainings: int | None
    people_reached: int | None
    countries: list[str]


def answer(follow_up: FollowUp, answers: Answers) -> None:
    """Store the answers (they may be changed until the link expires). Without a training
    given, the numbers and places are cleared."""
    follow_up.ran_training = answers.ran_training
    if answers.ran_training:
        follow_up.trainings = answers.trainings
        follow_up.people_reached = answers.people_reached
        follow_up.countries = ",".join(c for c in answers.countries if c)[:100]
    else:
        follow_up.trainings = follow_up.people_reached = None
        follow_up.countries = ""
    follow_up.answered_at = utcnow()
    audit.record("follow_up.answered", institute=follow_up.invitee.institute, obj=follow_up)


@dataclass(frozen=True)
class Figures:
    asked: int
    answered: int
    ran_training: int
    trainings: int
    people_reached: int
    countries: dict[str, int]  # country code -> respondents who trained there


def figures(institutes: list[Institute]) -> Figures:
    ids = [i.id for i in institutes]
    rows = db.session.scalars(select(FollowUp).where(FollowUp.institute_id.in_(ids))).all()
    answered = [r for r in rows if r.answered_at is not None]
    trained = [r for r in answered if r.ran_training]
    countries: dict[str, int] = {}
    for r in trained:
        for code in filter(None, r.countries.split(",")):
            countries[code] = countries.get(code, 0) + 1
    return Figures(
        asked=len(rows),
        answered=len(answered),
        ran_training=len(trained),
        trainings=sum(r.trainings or 0 for r in trained),
        people_reached=sum(r.people_reached or 0 for r in trained),
        countries=countries,
    )
