"""The one scoped loader for organizer pages: institute by slug through team membership.

No membership answers 404 (the institute's existence is not revealed); a role too low for
the action answers 403. An archived institute is read-only for everyone (``ensure_writable``).
"""

from functools import wraps

from flask import abort, g
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.exceptions import Forbidden

from planner.auth.models import Membership, TeamRole
from planner.extensions import db
from planner.institutes.models import Institute


class InstituteArchived(Forbidden):
    """A change was asked of an archived institute (answers 403 with its own page)."""

    title = _l("The institute is archived")
    description = _l("An archived institute can be read but no longer changed.")


def ensure_writable(institute: Institute) -> None:
    """The read-only rule of archived institutes, in one place.

    An archived institute is read-only everywhere: no edit, no publishing, no inviting, no
    RSVP or change by an invitee. Every organizer route that needs more than a viewer, every
    invitee write and the services that publish or invite call this.
    """
    if institute.is_archived:
        raise InstituteArchived()


def load_institute(slug: str, needed: TeamRole = TeamRole.VIEWER) -> Institute:
    row = db.session.execute(
        select(Institute, Membership.role)
        .join(Membership, Membership.institute_id == Institute.id)
        .where(Institute.slug == slug, Membership.organizer_id == current_user.id)
    ).first()
    if row is None:
        abort(404)
    institute, role = row
    if not role.allows(needed):
        abort(403)
    if needed != TeamRole.VIEWER:
        ensure_writable(institute)
    g.institute = institute
    g.team_role = role
    if institute.require_two_factor:
        from planner.twofactor.views import enforce_team_requirement

        enforce_team_requirement(institute)
    return institute


def institute_view(needed: TeamRole | str = TeamRole.VIEWER):
    """Decorate a view taking ``slug``: it receives the loaded ``institute`` instead.

    Use ``needed="editor"`` for every view that changes data (its GET form included),
    ``needed="owner"`` for team, archive and sensitive exports.
    """
    needed = TeamRole(needed)

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(slug: str, **kwargs):
            return view(load_institute(slug, needed), **kwargs)

        return wrapper

    return decorator


def can(needed: TeamRole | str) -> bool:
    """In templates: may the current organizer do this in the loaded institute?"""
    role = g.get("team_role")
    return role is not None and role.allows(TeamRole(needed))
