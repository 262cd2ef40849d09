"""The invitee's side: secret links and the short invitee session behind /me/.

An invitee has no account. ``POST /r/<token>`` checks the link, opens a server-side session
(planner/invitations/sessions.py) and stores its random id with the invitee and link ids in
the signed session cookie; every /me/ page then loads the invitee through
``current_invitee()``, which re-checks the server-side session and the link each time, so
signing out, revoking the link or removing the invitee ends every copy of the session.
"""

from datetime import datetime
from functools import wraps

from flask import g, render_template, request, session
from sqlalchemy import select

from planner.db import utcnow
from planner.extensions import db
from planner.i18n import invitee_locale
from planner.invitations.models import AccessLink, Invitee, LinkPurpose
from planner.invitations.sessions import (
    CLOCK_SKEW,
    SESSION_LIFETIME,
    end_session,
    find_session,
    open_session,
)
from planner.security.tokens import hash_token

SESSION_KEY = "invitee"


def find_link(token: str, purpose: LinkPurpose) -> AccessLink | None:
    """The usable link of this token and purpose, or None (unknown, expired, revoked, removed)."""
    if not token or len(token) > 100:
        return None
    link = db.session.scalar(
        select(AccessLink).where(
            AccessLink.token_hash == hash_token(token), AccessLink.purpose == purpose
        )
    )
    if link is None or not link.is_usable() or link.invitee.removed_at is not None:
        return None
    return link


def start_invitee_session(link: AccessLink) -> None:
    """A fresh session: nothing of an earlier identity in this browser (an organizer's
    sign-in, another invitee) carries over; only the language chosen is kept."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    sid, row = open_session(link)
    session[SESSION_KEY] = {
        "invitee_id": link.invitee_id,
        "link_id": link.id,
        "started": row.issued_at.isoformat(),
        "sid": sid,
    }
    session.permanent = False


def end_invitee_session() -> None:
    """Sign out: the server-side session ends (the caller commits), the cookie forgets it."""
    data = session.pop(SESSION_KEY, None)
    if isinstance(data, dict):
        end_session(data.get("sid"))


def current_invitee() -> Invitee | None:
    data = session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    try:
        started = datetime.fromisoformat(data["started"])
        now = utcnow()
        # An issued-at in the future (a forged cookie) or too far back ends it.
        if started > now + CLOCK_SKEW or now - started > SESSION_LIFETIME:
            raise ValueError("outside the session's lifetime")
    except (KeyError, TypeError, ValueError):
        session.pop(SESSION_KEY, None)
        return None
    server_session = find_session(data.get("sid"))
    if (
        server_session is None
        or server_session.invitee_id != data.get("invitee_id")
        or server_session.link_id != data.get("link_id")
    ):
        session.pop(SESSION_KEY, None)
        return None
    link = server_session.link
    if (
        link.invitee_id != data.get("invitee_id")
        or link.purpose != LinkPurpose.RSVP
        or not link.is_usable()
        or link.invitee.removed_at is not None
    ):
        session.pop(SESSION_KEY, None)
        return None
    return link.invitee


def invitee_view(view):
    """Decorate a /me/ view: it receives the signed-in ``invitee``; anyone else gets 404
    with a page that explains how to sign in by the personal link. Writes in an archived
    institute answer 403.

    The page is shown in the invitee's preferred language unless they chose another.
    """

    @wraps(view)
    def wrapper(**kwargs):
        invitee = current_invitee()
        if invitee is None:
            # Mail links lead here too (/me/, /me/travel): explain how to get in (B4).
            return render_template("invitations/sign_in_needed.html"), 404
        if request.method not in ("GET", "HEAD"):
            from planner.institutes.access import ensure_writable

            ensure_writable(invitee.institute)
        g.invitee = invitee
        g.invitee_audience = True
        g.locale = invitee_locale(invitee.language)  # the switcher's choice still comes first
        return view(invitee, **kwargs)

    return wrapper
