"""The invitee's side: secret links and the short invitee session behind /me/.

An invitee has no account. ``POST /r/<token>`` checks the link and stores only the invitee
and link ids in the signed session cookie; every /me/ page then loads the invitee through
``current_invitee()``, which re-checks the link each time, so revoking it ends the session.
"""

from datetime import datetime, timedelta
from functools import wraps

from flask import abort, g, session
from sqlalchemy import select

from planner.db import utcnow
from planner.extensions import db
from planner.i18n import invitee_locale
from planner.invitations.models import AccessLink, Invitee, LinkPurpose
from planner.security.tokens import hash_token

SESSION_KEY = "invitee"
SESSION_LIFETIME = timedelta(hours=12)


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
    session[SESSION_KEY] = {
        "invitee_id": link.invitee_id,
        "link_id": link.id,
        "started": utcnow().isoformat(),
    }
    session.permanent = False


def end_invitee_session() -> None:
    session.pop(SESSION_KEY, None)


def current_invitee() -> Invitee | None:
    data = session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    try:
        started = datetime.fromisoformat(data["started"])
    except (KeyError, TypeError, ValueError):
        return None
    if utcnow() - started > SESSION_LIFETIME:
        end_invitee_session()
        return None
    link = db.session.get(AccessLink, data.get("link_id"))
    if (
        link is None
        or link.invitee_id != data.get("invitee_id")
        or link.purpose != LinkPurpose.RSVP
        or not link.is_usable()
        or link.invitee.removed_at is not None
    ):
        end_invitee_session()
        return None
    return link.invitee


def invitee_view(view):
    """Decorate a /me/ view: it receives the signed-in ``invitee``; anyone else gets 404.

    The page is shown in the invitee's preferred language unless they chose another.
    """

    @wraps(view)
    def wrapper(**kwargs):
        invitee = current_invitee()
        if invitee is None:
            abort(404)
        g.invitee = invitee
        g.invitee_audience = True
        g.locale = invitee_locale(invitee.language)  # the switcher's choice still comes first
        return view(invitee, **kwargs)

    return wrapper
