"""Publishing the program as numbered versions.

The rules:
- Publishing makes version N+1 from the program as it is now (the same loader as every other
  view of the program, ``agenda.program.program_days``), stores a snapshot of it and the
  changelog against version N's snapshot, and makes the public page, feed and booklet
  available. Open conflicts never block publishing: the page shows them first and asks to
  acknowledge them.
- Every session the changelog names carries a SEQUENCE above the one version N published,
  so calendar clients apply the change.
- On request, each facilitator of a changed session gets one e-mail (outbox) in their
  language listing their changed sessions.
- Unpublishing is explicit; versions stay. An archived institute publishes nothing.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from planner.agenda.models import Session
from planner.agenda.program import SessionItem, program_days
from planner.auth.models import Organizer
from planner.extensions import db
from planner.institutes.access import ensure_writable
from planner.institutes.models import Institute
from planner.invitations.models import Invitee
from planner.invitations.services import mail_locale
from planner.mail.services import queue_email, render_email
from planner.publishing.models import ProgramVersion
from planner.security import audit

CHANGE_KINDS = ("added", "removed", "moved", "cancelled", "retitled")


# --- snapshots and changelogs ------------------------------------------------------------


def _entry(item: SessionItem) -> dict:
    return {
        "uid": item.uid,
        "title": item.title,
        "starts": item.starts.isoformat(timespec="minutes"),
        "ends": item.ends.isoformat(timespec="minutes"),
        "room": item.room_name,
        "cancelled": item.cancelled,
        "sequence": item.sequence,
        "facilitators": sorted(f.invitee_id for f in item.facilitators),
    }


def snapshot_of(institute: Institute) -> list[dict]:
    """The program as it stands, as plain JSON: what a version stores and compares.

    Facilitators are kept as invitee ids only (to know whom to tell), never names.
    """
    return [_entry(item) for day in program_days(institute) for item in day.sessions]


@dataclass
class Change:
    """One session in a changelog, with what it was before where that matters."""

    uid: str
    title: str
    starts: datetime
    ends: datetime
    room: str
    old_title: str = ""
    old_starts: datetime | None = None
    old_ends: datetime | None = None
    old_room: str = ""
    facilitators: list[int] = field(default_factory=list)


@dataclass
class Changelog:
    """What changed between two snapshots, by kind; ``first`` for a first version."""

    first: bool = False
    added: list[Change] = field(default_factory=list)
    removed: list[Change] = field(default_factory=list)
    moved: list[Change] = field(default_factory=list)
    cancelled: list[Change] = field(default_factory=list)
    retitled: list[Change] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, kind) for kind in CHANGE_KINDS)

    @property
    def uids(self) -> set[str]:
        return {change.uid for kind in CHANGE_KINDS for change in getattr(self, kind)}

    def as_json(self) -> dict:
        def plain(change: Change) -> dict:
            data = dict(change.__dict__)
            for key in ("starts", "ends", "old_starts", "old_ends"):
                data[key] = data[key].isoformat(timespec="minutes") if data[key] else None
            return data

        result: dict = {"first": self.first}
        for kind in CHANGE_KINDS:
            result[kind] = [plain(c) for c in getattr(self, kind)]
        return result

    @classmethod
    def from_json(cls, data: dict | None) -> "Changelog":
        data = data or {}

        def change(raw: dict) -> Change:
            values = dict(raw)
            for key in ("starts", "ends", "old_starts", "old_ends"):
                values[key] = datetime.fromisoformat(values[key]) if values.get(key) else None
            return Change(**values)

        log = cls(first=bool(data.get("first")))
        for kind in CHANGE_KINDS:
            setattr(log, kind, [change(raw) for raw in data.get(kind, [])])
        return log


def _change(new: dict, old: dict | None = None) -> Change:
    facilitators = sorted(set(new["facilitators"]) | set(old["facilitators"] if old else []))
    return Change(
        uid=new["uid"],
        title=new["title"],
        starts=datetime.fromisoformat(new["starts"]),
        ends=datetime.fromisoformat(new["ends"]),
        room=new["room"],
        old_title=old["title"] if old else "",
        old_starts=datetime.fromisoformat(old["starts"]) if old else None,
        old_ends=datetime.fromisoformat(old["ends"]) if old else None,
        old_room=old["room"] if old else "",
        facilitators=facilitators,
    )


def changes_between(previous: list[dict] | None, current: list[dict]) -> Changelog:
    """The changelog from one snapshot to the next.

    - added: in the new program and not (or only cancelled) in the old one;
    - removed: deleted since, unless it was already cancelled;
    - cancelled: scheduled before, cancelled now;
    - moved: another day, time, end or room;
    - retitled: another title.
    A session can be both moved and retitled. Without a previous snapshot: ``first``.
    """
    if previous is None:
        return Changelog(first=True)
    log = Changelog()
    old_by_uid = {entry["uid"]: entry for entry in previous}
    new_uids = {entry["uid"] for entry in current}
    for new in current:
        old = old_by_uid.get(new["uid"])
        if old is None or (old["cancelled"] and not new["cancelled"]):
            if not new["cancelled"]:
                log.added.append(_change(new))
            continue
        if new["cancelled"]:
            if not old["cancelled"]:
                log.cancelled.append(_change(new, old))
            continue
        if (new["starts"], new["ends"], new["room"]) != (old["starts"], old["ends"], old["room"]):
            log.moved.append(_change(new, old))
        if new["title"] != old["title"]:
            log.retitled.append(_change(new, old))
    for old in previous:
        if old["uid"] not in new_uids and not old["cancelled"]:
            log.removed.append(_change(old, old))
    return log


# --- versions ----------------------------------------------------------------------------


def versions_of(institute: Institute) -> list[ProgramVersion]:
    """Every published version, newest first."""
    return list(
        db.session.scalars(
            select(ProgramVersion)
            .where(ProgramVersion.institute_id == institute.id)
            .order_by(ProgramVersion.number.desc())
        )
    )


def latest_version(institute: Institute) -> ProgramVersion | None:
    return db.session.scalar(
        select(ProgramVersion)
        .where(ProgramVersion.institute_id == institute.id)
        .order_by(ProgramVersion.number.desc())
        .limit(1)
    )


def pending_changes(institute: Institute) -> Changelog:
    """What the next version would change, against the latest published one."""
    latest = latest_version(institute)
    return changes_between(latest.snapshot if latest else None, snapshot_of(institute))


def _raise_sequences(institute: Institute, previous: list[dict] | None, log: Changelog) -> None:
    """Every changed session's SEQUENCE above the one the previous version published."""
    if not previous:
        return
    published = {entry["uid"]: entry["sequence"] for entry in previous}
    changed = log.uids & published.keys()
    if not changed:
        return
    for session in db.session.scalars(
        select(Session).where(Session.institute_id == institute.id, Session.uid.in_(changed))
    ):
        if (session.sequence or 0) <= published[session.uid]:
            session.sequence = published[session.uid] + 1


@dataclass(frozen=True)
class Published:
    version: ProgramVersion
    changelog: Changelog
    facilitators_told: int


def publish(
    institute: Institute,
    by: Organizer,
    *,
    note: str = "",
    notify_facilitators: bool = False,
    base_url: str = "",
) -> Published:
    """Publish the program as the next numbered version (see the module's rules)."""
    ensure_writable(institute)
    latest = latest_version(institute)
    previous = latest.snapshot if latest else None
    log = changes_between(previous, snapshot_of(institute))
    _raise_sequences(institute, previous, log)
    db.session.flush()
    version = ProgramVersion(
        institute_id=institute.id,
        number=(latest.number + 1) if latest else 1,
        published_by_id=by.id if by else None,
        note=note.strip(),
        snapshot=snapshot_of(institute),  # after the sequences were raised
        changes=log.as_json(),
    )
    db.session.add(version)
    institute.program_published = True
    institute.touch()
    db.session.flush()
    told = 0
    if notify_facilitators and not log.first:
        told = _tell_facilitators(institute, version, log, base_url)
    audit.record("program.published", institute=institute, organizer=by, obj=version)
    return Published(version, log, told)


def unpublish(institute: Institute, by: Organizer) -> None:
    """Take the public page, feed and booklet down; the versions stay for the next publish."""
    ensure_writable(institute)
    institute.program_published = False
    institute.touch()
    audit.record("program.unpublished", institute=institute, organizer=by, obj=institute)


def _tell_facilitators(
    institute: Institute, version: ProgramVersion, log: Changelog, base_url: str
) -> int:
    """One e-mail per facilitator of a changed session, listing their changed sessions."""
    by_person: dict[int, dict[str, list[Change]]] = {}
    for kind in CHANGE_KINDS:
        for change in getattr(log, kind):
            for invitee_id in change.facilitators:
                by_person.setdefault(invitee_id, {}).setdefault(kind, []).append(change)
    if not by_person:
        return 0
    invitees = db.session.scalars(
        select(Invitee).where(
            Invitee.id.in_(by_person),
            Invitee.institute_id == institute.id,
            Invitee.removed_at.is_(None),
        )
    ).all()
    told = 0
    for invitee in invitees:
        if not invitee.email:
            continue
        locale = mail_locale(invitee.language)
        subject, text, html = render_email(
            "publishing/email/program_changed",
            locale,
            institute=institute,
            invitee=invitee,
            version=version,
            changes=by_person[invitee.id],
            kinds=CHANGE_KINDS,
            program_url=f"{base_url}/p/{institute.slug}/",
            agenda_url=f"{base_url}/me/agenda",
        )
        queue_email(
            recipient=invitee.email,
            kind="program_changed",
            subject=subject,
            body_text=text,
            body_html=html,
            locale=locale,
            institute=institute,
            invitee=invitee,
        )
        told += 1
    return told


def published_version(institute: Institute) -> ProgramVersion | None:
    """The version the public sees, or None while the program is not published."""
    return latest_version(institute) if institute.program_published else None
