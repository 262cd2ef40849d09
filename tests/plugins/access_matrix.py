"""The access matrix the packages' test_access.py share: a world (an institute with its team,
an organizer of another institute holding the same kinds of objects, two invitees), the status
of every organizer route, and the checks each package runs over its own routes.

Routes are (endpoint, method, path below /institutes/<slug>/, role needed); a path names the
world's objects as {invitee}, {session}, ...
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from planner.auth.models import TeamRole
from planner.invitations.models import RsvpStatus
from tests import factories

RANK = {"viewer": 0, "editor": 1, "owner": 2}
ROLES = tuple(RANK)


@dataclass
class World:
    institute: object
    ids: dict
    foreign_ids: dict
    members: dict
    outsider: object
    invitee: object
    other_invitee: object

    def url(self, path: str, ids: dict | None = None) -> str:
        return f"/institutes/{self.institute.slug}/" + path.format(**(ids or self.ids))


def build_world(institute, owner, make_objects: Callable[[object, object], tuple]) -> World:
    """``make_objects(institute, owner)`` returns (ids, the invitee those objects belong to);
    it runs for this institute and for the outsider's, whose ids must be 404 here."""
    ids, person = make_objects(institute, owner)
    members = {"owner": owner}
    for role in ("editor", "viewer"):
        members[role] = factories.make_organizer()
        factories.add_member(institute, members[role], TeamRole(role))
    outsider = factories.make_organizer()
    elsewhere = factories.make_institute(owner=outsider)
    foreign_ids, _ = make_objects(elsewhere, outsider)
    other = factories.make_invitee(institute, rsvp_status=RsvpStatus.CONFIRMED)
    return World(institute, ids, foreign_ids, members, outsider, person, other)


def call(client, method: str, url: str):
    return client.open(url, method=method, data={})


def statuses(
    client, world: World, routes: list, ids: dict | None = None, last: Iterable[str] = ()
) -> dict[tuple[str, str], int]:
    """The status of every organizer route; the endpoints in ``last`` (deletions) run last,
    in that order, so the objects exist until then."""
    last = list(last)
    ordered = sorted(routes, key=lambda r: last.index(r[0]) if r[0] in last else -1)
    return {(e, m): call(client, m, world.url(p, ids)).status_code for e, m, p, _ in ordered}


def anonymous_not_sent_to_sign_in(client, world: World, routes: list) -> list[str]:
    """The routes that do not send an anonymous visitor to the sign-in page."""
    wrong = []
    for e, m, p, _ in routes:
        response = call(client, m, world.url(p))
        if not (response.status_code == 302 and "/login" in response.headers["Location"]):
            wrong.append(e)
    return wrong


def wrong_for_role(got: dict, routes: list, role: str) -> dict:
    """Routes whose status is wrong for ``role``: 403 exactly when the role ranks below the
    route's need, and never 404 (the object is this institute's) nor 500."""
    needed = {(e, m): n for e, m, _, n in routes}
    return {
        route: status
        for route, status in got.items()
        if (status == 403) != (RANK[role] < RANK[needed[route]]) or status in (404, 500)
    }


def with_ids(routes: list) -> set[tuple[str, str]]:
    """The routes whose path names an object."""
    return {(e, m) for e, m, p, _ in routes if "{" in p}


def foreign_objects_not_404(client, world: World, routes: list, last: Iterable[str] = ()) -> dict:
    """With the outsider's object ids in this institute's addresses: the routes naming an
    object that do not answer 404 (the caller signs in a member of this institute first)."""
    got = statuses(client, world, routes, world.foreign_ids, last)
    return {route: got[route] for route in with_ids(routes) if got[route] != 404}


def without_an_invitee_session(client, login, world: World, method: str, path: str) -> tuple:
    """The statuses of an invitee's page for an anonymous visitor, then for the owner (an
    organizer is no invitee)."""
    url = path.format(**world.ids)
    anonymous = call(client, method, url).status_code
    login(world.members["owner"])
    return anonymous, call(client, method, url).status_code
