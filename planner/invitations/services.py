"""Invitation operations: invitees, secret links, RSVP rules, invitations, reminders, summaries.

Services take plain values, do the writes and the rules, and never commit or touch the
request: the view commits once, so a change, its history, its audit events and the e-mails
it causes are saved together or not at all.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from math import ceil

from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from planner.db import utcnow
from planner.extensions import db
from planner.i18n import invitee_locale
from planner.institutes import derived
from planner.institutes.models import Institute, InstituteStatus
from planner.invitations.locking import lock_invitee
from planner.invitations.models import (
    AccessLink,
    Invitee,
    InviteeRole,
    LinkPurpose,
    RsvpStatus,
    StatusChange,
    search_key,
)
from planner.invitations.sessions import end_sessions_of
from planner.links import personal_url
from planner.mail.services import queue_email, render_email
from planner.security import audit
from planner.security.tokens import hash_token, new_token

# Links stay usable this long after the institute ends (travel claims, certificates).
LINK_MARGIN = timedelta(days=30)
PAGE_SIZE = 50
DEFAULT_REMINDER_DAYS = 7
DEFAULT_MAX_REMINDERS = 3
PLACEHOLDER_URL_TOKEN = "PERSONAL-LINK-CREATED-WHEN-SENT"  # noqa: S105 - not a secret

S = RsvpStatus

# Who may move an RSVP from which status to which. The invitee answers by link, only until
# the RSVP deadline; organizers may set any status at any time, with a reason.
INVITEE_TRANSITIONS: dict[RsvpStatus, frozenset[RsvpStatus]] = {
    S.DRAFT: frozenset(),
    S.INVITED: frozenset({S.CONFIRMED, S.DECLINED}),
    S.CONFIRMED: frozenset({S.DECLINED}),
    S.DECLINED: frozenset({S.CONFIRMED}),
    S.WAITLISTED: frozenset({S.DECLINED}),
    S.WITHDRAWN: frozenset(),
}
ORGANIZER_TRANSITIONS: dict[RsvpStatus, frozenset[RsvpStatus]] = {
    status: frozenset(RsvpStatus) - {status} for status in RsvpStatus
}
# Invitations (bulk) go only to people who have not answered yet.
INVITABLE = frozenset({S.DRAFT, S.INVITED})


class InvitationError(ValueError):
    """A rule of the invitations was broken; the message is for people."""


class EmailTaken(InvitationError):
    pass


class TransitionNotAllowed(InvitationError):
    pass


class RsvpClosed(InvitationError):
    pass


# Invitees ---------------------------------------------------------------------------------


@dataclass
class InviteeData:
    """What organizers type about an invitee."""

    full_name: str
    email: str
    passport_name: str = ""
    phone: str = ""
    organization: str = ""
    country: str | None = None
    nationality: str | None = None
    role: InviteeRole = InviteeRole.PARTICIPANT
    language: str = "en"
    consent_to_list: bool = False
    consent_named_facilitator: bool = False
    dietary_needs: str = ""
    access_needs: str = ""
    passport_number: str | None = None
    passport_expiry: date | None = None
    date_of_birth: date | None = None
    organizer_notes: str = ""


# Passport number and date of birth are changed only when a new value is typed.
_SENSITIVE = ("passport_number", "date_of_birth")


def normalize_email(email: str) -> str:
    return email.strip().lower()


def _email_taken(institute: Institute, email: str, exclude_id: int | None = None) -> bool:
    query = select(Invitee.id).where(
        Invitee.institute_id == institute.id, Invitee.email == normalize_email(email)
    )
    if exclude_id is not None:
        query = query.where(Invitee.id != exclude_id)
    return db.session.scalar(query) is not None


def _apply(invitee: Invitee, data: InviteeData) -> None:
    for name in InviteeData.__dataclass_fields__:
        value = getattr(data, name)
        if name in _SENSITIVE:
            if value:
                setattr(invitee, name, value.isoformat() if isinstance(value, date) else value)
            continue
        if isinstance(value, str):
            value = value.strip()
        setattr(invitee, name, value)
    invitee.email = normalize_email(data.email)
    invitee.passport_name = (data.passport_name or "").strip().upper()


def add_invitee(institute: Institute, data: InviteeData, by) -> Invitee:
    if _email_taken(institute, data.email):
        raise EmailTaken("Another invitee of this institute has this e-mail.")
    invitee = Invitee(institute=institute, rsvp_status=RsvpStatus.DRAFT)
    _apply(invitee, data)
    db.session.add(invitee)
    db.session.flush()
    add_history(invitee, "record", None, "added", organizer=by)
    audit.record("invitee.created", institute=institute, organizer=by, obj=invitee)
    return invitee


def update_invitee(invitee: Invitee, data: InviteeData, by) -> Invitee:
    if _email_taken(invitee.institute, data.email, exclude_id=invitee.id):
        raise EmailTaken("Another invitee of this institute has this e-mail.")
    _apply(invitee, data)
    invitee.institute.touch()  # the cached booklet lists names and consent
    audit.record("invitee.updated", institute=invitee.institute, organizer=by, obj=invitee)
    return invitee


def remove_invitee(invitee: Invitee, by) -> None:
    """Soft removal: the person leaves lists and their links stop working; history stays."""
    if invitee.removed_at is not None:
        return
    invitee.removed_at = utcnow()
    invitee.institute.touch()  # the cached booklet lists names and consent
    _revoke_rsvp_links([invitee.id])
    add_history(invitee, "record", None, "removed", organizer=by)
    audit.record("invitee.removed", institute=invitee.institute, organizer=by, obj=invitee)


def get_invitee(institute: Institute, invitee_id: int) -> Invitee | None:
    """The institute's (not removed) invitee of this id, or None: the scoped loader."""
    return db.session.scalar(
        select(Invitee).where(
            Invitee.id == invitee_id,
            Invitee.institute_id == institute.id,
            Invitee.removed_at.is_(None),
        )
    )


def history_of(invitee: Invitee) -> list[StatusChange]:
    return list(
        db.session.scalars(
            select(StatusChange)
            .where(StatusChange.invitee_id == invitee.id)
            .options(selectinload(StatusChange.organizer))
            .order_by(StatusChange.at.desc(), StatusChange.id.desc())
        )
    )


def links_of(invitee: Invitee) -> list[AccessLink]:
    return list(
        db.session.scalars(
            select(AccessLink)
            .where(AccessLink.invitee_id == invitee.id)
            .order_by(AccessLink.created_at.desc(), AccessLink.id.desc())
        )
    )


def record_sensitive_view(invitee: Invitee, by) -> None:
    audit.record("invitee.passport_viewed", institute=invitee.institute, organizer=by, obj=invitee)


def add_history(invitee, kind, old, new, *, organizer=None, by_invitee=False, note="") -> None:
    db.session.add(
        StatusChange(
            invitee_id=invitee.id,
            kind=kind,
            old_status=old,
            new_status=new,
            organizer_id=organizer.id if organizer is not None else None,
            by_invitee=by_invitee,
            note=note[:2000],
        )
    )


# Lists and counts ------------------------------------------------------------------------


@dataclass
class InviteeFilters:
    status: str = ""
    role: str = ""
    country: str = ""
    nationality: str = ""
    language: str = ""
    q: str = ""

    def as_args(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}


@dataclass
class InviteePage:
    items: list[Invitee]
    total: int
    page: int
    pages: int


def _live(institute: Institute):
    return (Invitee.institute_id == institute.id, Invitee.removed_at.is_(None))


def _filtered(institute: Institute, filters: InviteeFilters):
    conditions = list(_live(institute))
    if filters.status in RsvpStatus.__members__.values():
        conditions.append(Invitee.rsvp_status == RsvpStatus(filters.status))
    if filters.role in InviteeRole.__members__.values():
        conditions.append(Invitee.role == InviteeRole(filters.role))
    for name in ("country", "nationality", "language"):
        value = getattr(filters, name)
        if value:
            conditions.append(getattr(Invitee, name) == value)
    if filters.q.strip():
        needle = search_key(filters.q)
        escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(Invitee.search_name.like(f"%{escaped}%", escape="\\"))
    return conditions


def list_invitees(
    institute: Institute, filters: InviteeFilters, page: int = 1, per_page: int = PAGE_SIZE
) -> InviteePage:
    """One page of the filtered list, sorted by name; a fixed number of queries whatever the
    size (unfiltered, the total comes from the stored counts by status)."""
    conditions = _filtered(institute, filters)
    if filters.as_args():
        total = db.session.scalar(select(func.count(Invitee.id)).where(*conditions)) or 0
    else:  # everyone on the list: the stored counts by status add up to it
        total = sum(status_counts(institute).values())
    pages = max(1, ceil(total / per_page))
    page = min(max(1, page), pages)
    items = db.session.scalars(
        select(Invitee)
        .where(*conditions)
        .order_by(Invitee.search_name, Invitee.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return InviteePage(list(items), total, page, pages)


def status_counts(institute: Institute) -> dict[RsvpStatus, int]:
    """Invitees by RSVP status, from the stored counts by country and status."""
    counts = dict.fromkeys(RsvpStatus, 0)
    for _country, status, n in _counts_by_country_and_status(institute):
        counts[RsvpStatus(status)] += n
    return counts


def _counts_by_country_and_status(institute: Institute) -> list[list]:
    """[country of residence, RSVP status, count] of the invitees on the list: one GROUP BY,
    stored per data version (``institutes.derived``)."""
    return derived.stored(
        institute,
        "invitees_by_country",
        lambda: [
            [country, RsvpStatus(status).value, n]
            for country, status, n in db.session.execute(
                select(Invitee.country, Invitee.rsvp_status, func.count(Invitee.id))
                .where(*_live(institute))
                .group_by(Invitee.country, Invitee.rsvp_status)
            )
        ],
    )


def export_invitees(institute: Institute, filters: InviteeFilters, by) -> list[Invitee]:
    """Every invitee matching the filters, for the CSV export (recorded in the audit log)."""
    audit.record("invitees.exported", institute=institute, organizer=by)
    return list(
        db.session.scalars(
            select(Invitee)
            .where(*_filtered(institute, filters))
            .order_by(Invitee.search_name, Invitee.id)
        )
    )


@dataclass
class FilterOptions:
    countries: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)


def filter_options(institute: Institute) -> FilterOptions:
    """The values present in the institute's list, for the filter menus: one query, stored per
    data version (``institutes.derived``)."""

    def present() -> dict[str, list[str]]:
        rows = db.session.execute(
            select(Invitee.country, Invitee.nationality, Invitee.language)
            .where(*_live(institute))
            .distinct()
        ).all()
        return {
            "countries": sorted({r.country for r in rows if r.country}),
            "nationalities": sorted({r.nationality for r in rows if r.nationality}),
            "languages": sorted({r.language for r in rows if r.language}),
        }

    return FilterOptions(**derived.stored(institute, "invitee_filter_options", present))


# Links -------------------------------------------------------------------------------------


def link_expiry(institute: Institute) -> datetime:
    """The end of the day, in the institute's zone, LINK_MARGIN after the institute ends."""
    last_day = institute.end_date + LINK_MARGIN
    return datetime.combine(last_day, time(23, 59, 59), tzinfo=institute.zone)


def link_url(base_url: str, token: str) -> str:
    """The invitee's address, always from the configured base URL, never the Host header."""
    return personal_url("r", token, base=base_url)


def _revoke_rsvp_links(invitee_ids: list[int]) -> None:
    if not invitee_ids:
        return
    end_sessions_of(invitee_ids)  # a /me/ session lives only as long as its link
    db.session.execute(
        update(AccessLink)
        .where(
            AccessLink.invitee_id.in_(invitee_ids),
            AccessLink.purpose == LinkPurpose.RSVP,
            AccessLink.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )


def issue_rsvp_links(institute: Institute, invitees: list[Invitee]) -> dict[int, str]:
    """A fresh RSVP link per invitee; older RSVP links die at once. Returns id -> token."""
    _revoke_rsvp_links([i.id for i in invitees])
    expires = link_expiry(institute)
    tokens = {}
    for invitee in invitees:
        token = new_token()
        db.session.add(
            AccessLink(
                invitee_id=invitee.id,
                purpose=LinkPurpose.RSVP,
                token_hash=hash_token(token),
                expires_at=expires,
            )
        )
        tokens[invitee.id] = token
    return tokens


def revoke_links(invitee: Invitee, by) -> None:
    """Stop every RSVP link of the invitee at once (their /me/ session ends with it)."""
    _revoke_rsvp_links([invitee.id])
    audit.record("invitee.links_revoked", institute=invitee.institute, organizer=by, obj=invitee)


def use_link(link: AccessLink) -> None:
    link.last_used_at = utcnow()
    audit.record("invitee.link_used", institute=link.invitee.institute, invitee=link.invitee)


# E-mails ------------------------------------------------------------------------------------


def mail_locale(language: str | None) -> str:
    """The language we write to the invitee in (planner.i18n.invitee_locale)."""
    return invitee_locale(language)


def compose(template: str, invitee: Invitee, **context) -> tuple[str, str, str, str]:
    """(locale, subject, text, HTML) of a message of templates/invitations/email/<template>."""
    locale = mail_locale(invitee.language)
    custom = _custom_wording(template, invitee, locale, context.get("url"))
    if custom is not None:
        return (locale, *custom)
    subject, text, html = render_email(
        f"invitations/email/{template}",
        locale,
        invitee=invitee,
        institute=invitee.institute,
        **context,
    )
    return locale, subject, text, html


# Standard e-mails an institute may word itself (planner/messages), by template name.
CUSTOMIZABLE = {"invitation": "invitation", "reminder": "reminder", "rsvp_answer": "confirmation"}


def _custom_wording(template: str, invitee: Invitee, locale: str, url: str | None):
    """The institute's own text of this e-mail, or None for the built-in one. The confirmation
    text replaces only the answer "yes" (a decline keeps the built-in reply)."""
    kind = CUSTOMIZABLE.get(template)
    if kind is None or (kind == "confirmation" and invitee.rsvp_status != RsvpStatus.CONFIRMED):
        return None
    from planner.messages import services as messages  # builds on this package

    return messages.custom_email(
        invitee.institute_id, messages.TemplateKind(kind), locale, invitee, url or messages.me_url()
    )


def _queue(kind: str, invitee: Invitee, template: str, **context) -> None:
    locale, subject, text, html = compose(template, invitee, **context)
    queue_email(
        recipient=invitee.email,
        kind=kind,
        subject=subject,
        body_text=text,
        body_html=html,
        locale=locale,
        institute=invitee.institute,
        invitee=invitee,
    )


def preview_invitation(invitee: Invitee, base_url: str) -> tuple[str, str, str, str]:
    """The invitation as it will read, with a placeholder instead of a link (none is made)."""
    return compose("invitation", invitee, url=link_url(base_url, PLACEHOLDER_URL_TOKEN))


@dataclass
class SendResult:
    sent: int = 0
    skipped: int = 0


def send_invitations(
    institute: Institute,
    invitees: list[Invitee],
    by,
    base_url: str,
    *,
    only_unanswered: bool = True,
) -> SendResult:
    """Queue an invitation with a fresh personal link to each invitee; drafts become invited.

    In bulk (only_unanswered) people who already answered are skipped. Nothing is sent
    here: rows go to the outbox in the caller's transaction.
    """
    result = SendResult()
    chosen = []
    for invitee in invitees:
        if invitee.institute_id != institute.id or invitee.removed_at is not None:
            continue
        if only_unanswered and invitee.rsvp_status not in INVITABLE:
            result.skipped += 1
            continue
        chosen.append(invitee)
    tokens = issue_rsvp_links(institute, chosen)
    now = utcnow()
    for invitee in chosen:
        if invitee.rsvp_status == RsvpStatus.DRAFT:
            add_history(
                invitee, "rsvp", RsvpStatus.DRAFT.value, RsvpStatus.INVITED.value, organizer=by
            )
            invitee.rsvp_status = RsvpStatus.INVITED
        if invitee.rsvp_status == RsvpStatus.INVITED:
            invitee.invited_at = now
            invitee.reminders_sent = 0
            invitee.last_reminded_at = None
        _queue("invitation", invitee, "invitation", url=link_url(base_url, tokens[invitee.id]))
        audit.record("invitee.invited", institute=institute, organizer=by, obj=invitee)
        result.sent += 1
    return result


def invitees_by_ids(institute: Institute, ids: list[int]) -> list[Invitee]:
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(Invitee)
            .where(Invitee.id.in_(ids), *_live(institute))
            .options(selectinload(Invitee.institute))
            .order_by(Invitee.search_name, Invitee.id)
        )
    )


# RSVP ---------------------------------------------------------------------------------------


def rsvp_open(institute: Institute, now: datetime | None = None) -> bool:
    """Invitees may answer until the end of the RSVP deadline day in the institute's zone,
    and never in an archived institute."""
    if institute.is_archived:
        return False
    if institute.rsvp_deadline is None:
        return True
    today = (now or utcnow()).astimezone(institute.zone).date()
    return today <= institute.rsvp_deadline


def invitee_choices(invitee: Invitee, now: datetime | None = None) -> frozenset[RsvpStatus]:
    """The answers the invitee may give now (empty after the deadline)."""
    if not rsvp_open(invitee.institute, now):
        return frozenset()
    return INVITEE_TRANSITIONS[invitee.rsvp_status]


def _change_status(invitee, new: RsvpStatus, *, organizer=None, by_invitee=False, note=""):
    old = invitee.rsvp_status
    invitee.rsvp_status = new
    invitee.institute.touch()  # the cached booklet lists names and consent
    add_history(
        invitee, "rsvp", old.value, new.value, organizer=organizer, by_invitee=by_invitee, note=note
    )
    audit.record(
        "invitee.status_changed",
        institute=invitee.institute,
        organizer=organizer,
        invitee=invitee if by_invitee else None,
        obj=invitee,
    )


def answer(invitee: Invitee, new: RsvpStatus, reason: str = "") -> bool:
    """The invitee confirms or declines by link; a confirmation e-mail follows.

    Answers of one invitee are serialized (the row is locked and re-read first): the same
    answer again (a double click, a second tab) changes nothing and returns False.
    """
    if not rsvp_open(invitee.institute):
        raise RsvpClosed("The RSVP deadline has passed.")
    lock_invitee(invitee)
    if invitee.rsvp_status == new:
        return False
    if new not in INVITEE_TRANSITIONS[invitee.rsvp_status]:
        raise TransitionNotAllowed(f"{invitee.rsvp_status} cannot become {new}.")
    reason = reason.strip()
    _change_status(invitee, new, by_invitee=True, note=reason)
    invitee.answered_at = utcnow()
    invitee.decline_reason = reason if new == RsvpStatus.DECLINED else ""
    _queue("confirmation", invitee, "rsvp_answer")
    return True


def set_status(invitee: Invitee, new: RsvpStatus, reason: str, by) -> None:
    """An organizer sets the status (any time, also after the deadline), with a reason."""
    if new not in ORGANIZER_TRANSITIONS[invitee.rsvp_status]:
        raise TransitionNotAllowed(f"{invitee.rsvp_status} cannot become {new}.")
    _change_status(invitee, new, organizer=by, note=reason.strip())
    invitee.decline_reason = reason.strip() if new == RsvpStatus.DECLINED else ""


@dataclass
class InviteeDetails:
    """What a confirmed invitee tells us about themself."""

    passport_name: str
    nationality: str | None
    phone: str
    organization: str
    dietary_needs: str
    access_needs: str
    consent_to_list: bool
    passport_number: str | None
    passport_expiry: date | None
    date_of_birth: date | None
    consent_named_facilitator: bool = False


def update_details(invitee: Invitee, details: InviteeDetails) -> None:
    if invitee.rsvp_status != RsvpStatus.CONFIRMED:
        raise TransitionNotAllowed("Details are asked only after confirming.")
    invitee.passport_name = " ".join(details.passport_name.split()).upper()
    invitee.nationality = details.nationality
    invitee.phone = details.phone.strip()
    invitee.organization = details.organization.strip()
    invitee.dietary_needs = details.dietary_needs.strip()
    invitee.access_needs = details.access_needs.strip()
    invitee.consent_to_list = details.consent_to_list
    invitee.consent_named_facilitator = details.consent_named_facilitator
    invitee.institute.touch()  # the cached booklet lists names and consent
    if details.passport_number:
        invitee.passport_number = details.passport_number.strip().upper()
    invitee.passport_expiry = details.passport_expiry
    if details.date_of_birth:
        invitee.date_of_birth = details.date_of_birth.isoformat()
    audit.record(
        "invitee.details_updated", institute=invitee.institute, invitee=invitee, obj=invitee
    )


# Reminders ----------------------------------------------------------------------------------


def due_for_reminder(
    institute: Institute | None,
    *,
    days: int = DEFAULT_REMINDER_DAYS,
    max_reminders: int = DEFAULT_MAX_REMINDERS,
    now: datetime | None = None,
) -> list[Invitee]:
    """Invited people who have not answered for ``days`` days since the invitation or the
    last reminder, with fewer than ``max_reminders`` reminders, while the RSVP is open and
    the institute is neither over, closed nor archived.
    People who answered (or whose status an organizer set) never get one."""
    now = now or utcnow()
    cutoff = now - timedelta(days=days)
    query = (
        select(Invitee)
        .join(Institute, Institute.id == Invitee.institute_id)
        .where(
            Institute.status.not_in([InstituteStatus.CLOSED, InstituteStatus.ARCHIVED]),
            Invitee.removed_at.is_(None),
            Invitee.rsvp_status == RsvpStatus.INVITED,
            Invitee.answered_at.is_(None),
            Invitee.invited_at.is_not(None),
            Invitee.reminders_sent < max_reminders,
            func.coalesce(Invitee.last_reminded_at, Invitee.invited_at) <= cutoff,
        )
        .options(selectinload(Invitee.institute))
        .order_by(Invitee.institute_id, Invitee.id)
    )
    if institute is not None:
        query = query.where(Invitee.institute_id == institute.id)
    return [
        invitee
        for invitee in db.session.scalars(query)
        if rsvp_open(invitee.institute, now)
        and now.astimezone(invitee.institute.zone).date() <= invitee.institute.end_date
    ]


def send_reminders(
    institute: Institute | None,
    base_url: str,
    *,
    by=None,
    days: int = DEFAULT_REMINDER_DAYS,
    max_reminders: int = DEFAULT_MAX_REMINDERS,
    now: datetime | None = None,
) -> int:
    """Queue a reminder, with a new link, to each invitee due for one; returns how many.

    The wording escalates: the first is gentle, the last (number ``max_reminders``) says it
    is the final reminder.
    """
    now = now or utcnow()
    due = due_for_reminder(institute, days=days, max_reminders=max_reminders, now=now)
    by_institute: dict[int, list[Invitee]] = defaultdict(list)
    for invitee in due:
        by_institute[invitee.institute_id].append(invitee)
    for invitees in by_institute.values():
        tokens = issue_rsvp_links(invitees[0].institute, invitees)
        for invitee in invitees:
            number = invitee.reminders_sent + 1
            stage = "final" if number >= max_reminders else ("gentle" if number == 1 else "second")
            _queue(
                f"reminder_{stage}",
                invitee,
                "reminder",
                url=link_url(base_url, tokens[invitee.id]),
                stage=stage,
                number=number,
            )
            invitee.reminders_sent = number
            invitee.last_reminded_at = now
            audit.record("invitee.reminded", institute=invitee.institute, organizer=by, obj=invitee)
    return len(due)


# Dashboard ----------------------------------------------------------------------------------


@dataclass
class StatusByCountry:
    countries: list[str | None]
    statuses: list[RsvpStatus]
    cells: dict[tuple[str | None, RsvpStatus], int]
    by_country: Counter
    by_status: Counter
    total: int


@dataclass
class DashboardSummary:
    table: StatusByCountry
    not_answered: list[Invitee]
    recent_answers: list[Invitee]


def status_by_country(institute: Institute) -> StatusByCountry:
    """Invitees by country of residence and RSVP status (stored per data version)."""
    rows = _counts_by_country_and_status(institute)
    cells = {(country, RsvpStatus(status)): n for country, status, n in rows}
    by_country: Counter = Counter()
    by_status: Counter = Counter()
    for (country, status), n in cells.items():
        by_country[country] += n
        by_status[status] += n
    countries = sorted(by_country, key=lambda c: (c is None, c or ""))
    return StatusByCountry(
        countries=countries,
        statuses=list(RsvpStatus),
        cells=cells,
        by_country=by_country,
        by_status=by_status,
        total=sum(by_country.values()),
    )


def dashboard_summary(institute: Institute, limit: int = 8) -> DashboardSummary:
    """Counts by status and country (stored), who has not answered, recent answers."""
    not_answered = db.session.scalars(
        select(Invitee)
        .where(*_live(institute), Invitee.rsvp_status == RsvpStatus.INVITED)
        .order_by(Invitee.invited_at, Invitee.id)
        .limit(limit)
    ).all()
    recent = db.session.scalars(
        select(Invitee)
        .where(*_live(institute), Invitee.answered_at.is_not(None))
        .order_by(Invitee.answered_at.desc(), Invitee.id.desc())
        .limit(limit)
    ).all()
    return DashboardSummary(status_by_country(institute), list(not_answered), list(recent))
