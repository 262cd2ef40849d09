"""Feed links: issue, revoke, find by token, note their use; and the addresses to show."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import contains_eager

from planner.calendar.models import FeedLink
from planner.db import utcnow
from planner.extensions import db
from planner.institutes.models import Institute
from planner.invitations.models import Invitee
from planner.security import audit
from planner.security.tokens import hash_token

# A feed keeps working for travel home and the follow-up weeks, then dies by itself.
LINK_LIFETIME_AFTER_INSTITUTE = timedelta(days=60)
# Calendar apps poll every few minutes; remembering each poll would write on every read.
LAST_USED_RESOLUTION = timedelta(hours=1)
TOKEN_LENGTH = 43  # 256 bits in unpadded URL-safe base64


def feed_token(link: FeedLink, secret_key: str | None = None) -> str:
    """The secret of a link, derived again on demand: HMAC-SHA256(SECRET_KEY, feed:id:salt)."""
    key = (secret_key or current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key, f"feed:{link.id}:{link.salt}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def active_feed_link(invitee: Invitee, now: datetime | None = None) -> FeedLink | None:
    """The invitee's usable link, if any (the newest one)."""
    now = now or utcnow()
    link = db.session.scalar(
        select(FeedLink)
        .where(
            FeedLink.invitee_id == invitee.id,
            FeedLink.revoked_at.is_(None),
            FeedLink.token_hash.is_not(None),
        )
        .order_by(FeedLink.id.desc())
        .limit(1)
    )
    return link if link is not None and link.is_usable(now) else None


def count_active_links(institute: Institute, now: datetime | None = None) -> int:
    """How many invitees of the institute can fetch a personal feed now."""
    return db.session.scalar(
        select(func.count(FeedLink.id))
        .join(Invitee, Invitee.id == FeedLink.invitee_id)
        .where(
            Invitee.institute_id == institute.id,
            Invitee.removed_at.is_(None),
            FeedLink.revoked_at.is_(None),
            FeedLink.token_hash.is_not(None),
            FeedLink.expires_at > (now or utcnow()),
        )
    )


def issue_feed_link(
    invitee: Invitee,
    *,
    organizer=None,
    by_invitee: bool = False,
    now: datetime | None = None,
) -> FeedLink:
    """A new feed link for the invitee; any earlier link is revoked (its URL stops at once)."""
    now = now or utcnow()
    _revoke_all(invitee, now)
    link = FeedLink(
        invitee_id=invitee.id,
        salt=secrets.token_hex(16),
        created_at=now,
        expires_at=_expiry(invitee.institute, now),
    )
    db.session.add(link)
    db.session.flush()  # the token needs the id
    link.token_hash = hash_token(feed_token(link))
    audit.record(
        "calendar.feed_link_issued" + (".by_invitee" if by_invitee else ""),
        institute=invitee.institute,
        organizer=organizer,
        invitee=invitee,
        obj=link,
    )
    return link


def revoke_feed_links(invitee: Invitee, *, organizer=None, now: datetime | None = None) -> int:
    """Revoke every link of the invitee; returns how many were still active."""
    count = _revoke_all(invitee, now or utcnow())
    audit.record(
        "calendar.feed_link_revoked",
        institute=invitee.institute,
        organizer=organizer,
        invitee=invitee,
    )
    return count


def _revoke_all(invitee: Invitee, now: datetime) -> int:
    result = db.session.execute(
        update(FeedLink)
        .where(FeedLink.invitee_id == invitee.id, FeedLink.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount


def _expiry(institute: Institute, now: datetime) -> datetime:
    end_of_institute = datetime.combine(institute.end_date, time(), tzinfo=UTC)
    return max(end_of_institute, now) + LINK_LIFETIME_AFTER_INSTITUTE


def find_feed_link(token: str, now: datetime | None = None) -> FeedLink | None:
    """The usable link of this token with its invitee and institute loaded (one query),
    or None: unknown, revoked or expired token, removed invitee, archived institute.

    Only the columns a feed needs are loaded from the invitee: no passport data in memory.
    """
    if not token or len(token) != TOKEN_LENGTH:
        return None
    link = db.session.scalar(
        select(FeedLink)
        .join(Invitee, Invitee.id == FeedLink.invitee_id)
        .join(Institute, Institute.id == Invitee.institute_id)
        .where(FeedLink.token_hash == hash_token(token))
        .options(
            contains_eager(FeedLink.invitee)
            .load_only(
                Invitee.id,
                Invitee.institute_id,
                Invitee.full_name,
                Invitee.role,
                Invitee.language,
                Invitee.removed_at,
            )
            .contains_eager(Invitee.institute)
        )
    )
    if link is None or not link.is_usable(now):
        return None
    if link.invitee.removed_at is not None or link.invitee.institute.is_archived:
        return None
    return link


def note_feed_use(link: FeedLink, now: datetime | None = None) -> bool:
    """Remember when the feed was last fetched, at most once per hour; True if written.

    The audit log gets the read at the same pace: a personal feed shows travel plans.
    """
    now = now or utcnow()
    if link.last_used_at is not None and now - link.last_used_at < LAST_USED_RESOLUTION:
        return False
    link.last_used_at = now
    audit.record(
        "calendar.personal_feed_read",
        institute=link.invitee.institute,
        invitee=link.invitee,
        obj=link,
    )
    return True


@dataclass(frozen=True)
class FeedAddresses:
    """Where to fetch a feed: https, the same as webcal:// (subscribe), and a download."""

    https: str
    webcal: str
    download: str


def addresses(path: str, base_url: str) -> FeedAddresses:
    """Addresses built from the configured base URL, never from the request's Host."""
    https = f"{base_url}{path}"
    rest = https.split("://", 1)[1]
    return FeedAddresses(https=https, webcal=f"webcal://{rest}", download=f"{https}?download=1")


def personal_feed_addresses(link: FeedLink, base_url: str) -> FeedAddresses:
    return addresses(f"/feeds/{feed_token(link)}.ics", base_url)


def institute_feed_addresses(institute: Institute, base_url: str) -> FeedAddresses:
    return addresses(f"/p/{institute.slug}/program.ics", base_url)
