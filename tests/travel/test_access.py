"""Who may open each travel route: anonymous, another institute's team, each role, invitees."""

import pytest

from planner.invitations.models import RsvpStatus
from planner.travel.models import VisaStatus
from tests import factories
from tests.plugins import access_matrix as matrix
from tests.travel.factories import make_case, make_hotel, make_leg, make_room, make_rule

# (endpoint, method, path below /institutes/<slug>, role needed)
ORGANIZER_ROUTES = [
    ("travel.legs.index", "GET", "travel/", "viewer"),
    ("travel.legs.risks", "GET", "travel/risks", "viewer"),
    ("travel.legs.invitee", "GET", "travel/invitees/{invitee}", "viewer"),
    ("travel.legs.new_leg", "GET", "travel/invitees/{invitee}/legs/new", "editor"),
    ("travel.legs.new_leg", "POST", "travel/invitees/{invitee}/legs/new", "editor"),
    ("travel.legs.edit_leg", "GET", "travel/legs/{leg}/edit", "editor"),
    ("travel.legs.edit_leg", "POST", "travel/legs/{leg}/edit", "editor"),
    ("travel.legs.delete_leg", "POST", "travel/legs/{leg}/delete", "editor"),
    ("travel.legs.arrivals", "GET", "travel/arrivals", "viewer"),
    ("travel.legs.departures", "GET", "travel/departures", "viewer"),
    ("travel.legs.arrivals_csv", "GET", "travel/arrivals.csv", "editor"),
    ("travel.legs.departures_csv", "GET", "travel/departures.csv", "editor"),
    ("travel.legs.export_csv", "GET", "travel/export.csv", "editor"),
    ("travel.visas.export_csv", "GET", "visas/export.csv", "owner"),
    ("travel.visas.index", "GET", "visas/", "viewer"),
    ("travel.visas.save_rule", "POST", "visas/rules", "editor"),
    ("travel.visas.delete_rule", "POST", "visas/rules/{rule}/delete", "editor"),
    ("travel.visas.save_settings", "POST", "visas/settings", "editor"),
    ("travel.visas.open_cases", "POST", "visas/cases/open", "editor"),
    ("travel.visas.open_case", "POST", "visas/invitees/{invitee}/case", "editor"),
    ("travel.visas.case", "GET", "visas/cases/{case}", "viewer"),
    ("travel.visas.move_case", "POST", "visas/cases/{case}/status", "editor"),
    ("travel.visas.approve_letter", "POST", "visas/cases/{case}/approve-letter", "editor"),
    ("travel.accommodation.index", "GET", "accommodation/", "viewer"),
    ("travel.accommodation.rooming", "GET", "accommodation/rooming", "viewer"),
    ("travel.accommodation.new_hotel", "GET", "accommodation/hotels/new", "editor"),
    ("travel.accommodation.new_hotel", "POST", "accommodation/hotels/new", "editor"),
    ("travel.accommodation.edit_hotel", "GET", "accommodation/hotels/{hotel}/edit", "editor"),
    ("travel.accommodation.edit_hotel", "POST", "accommodation/hotels/{hotel}/edit", "editor"),
    ("travel.accommodation.delete_hotel", "POST", "accommodation/hotels/{hotel}/delete", "editor"),
    ("travel.accommodation.new_assignment", "GET", "accommodation/rooms/new", "editor"),
    ("travel.accommodation.new_assignment", "POST", "accommodation/rooms/new", "editor"),
    ("travel.accommodation.edit_assignment", "GET", "accommodation/rooms/{room}/edit", "editor"),
    ("travel.accommodation.edit_assignment", "POST", "accommodation/rooms/{room}/edit", "editor"),
    (
        "travel.accommodation.delete_assignment",
        "POST",
        "accommodation/rooms/{room}/delete",
        "editor",
    ),
]
# (endpoint, method, path): the invitee's own pages.
INVITEE_ROUTES = [
    ("travel.me.index", "GET", "/me/travel"),
    ("travel.me.new_leg", "GET", "/me/travel/legs/new"),
    ("travel.me.new_leg", "POST", "/me/travel/legs/new"),
    ("travel.me.edit_leg", "GET", "/me/travel/legs/{leg}/edit"),
    ("travel.me.edit_leg", "POST", "/me/travel/legs/{leg}/edit"),
    ("travel.me.delete_leg", "POST", "/me/travel/legs/{leg}/delete"),
    ("travel.me.request_letter", "POST", "/me/travel/visa-letter"),
]
ENDPOINTS = {r[0] for r in ORGANIZER_ROUTES} | {r[0] for r in INVITEE_ROUTES}
# Deletions run last, the hotel (with its rooms) after the room.
LAST = [
    "travel.legs.delete_leg",
    "travel.visas.delete_rule",
    "travel.accommodation.delete_assignment",
    "travel.accommodation.delete_hotel",
]


def _objects(institute, owner=None) -> tuple[dict, object]:
    person = factories.make_invitee(institute, rsvp_status=RsvpStatus.CONFIRMED)
    hotel = make_hotel(institute)
    ids = {
        "invitee": person.id,
        "leg": make_leg(person).id,
        "case": make_case(person, VisaStatus.LETTER_REQUESTED).id,
        "rule": make_rule(institute, "TJ").id,
        "hotel": hotel.id,
        "room": make_room(person, hotel).id,
    }
    return ids, person


@pytest.fixture
def world(institute, organizer):
    return matrix.build_world(institute, organizer, _objects)


def test_every_travel_route_is_covered(app):
    routes = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert {e for e in routes if e.startswith("travel.")} == ENDPOINTS


def test_anonymous_is_sent_to_sign_in_everywhere(client, world):
    assert matrix.anonymous_not_sent_to_sign_in(client, world, ORGANIZER_ROUTES) == []


def test_organizer_of_another_institute_gets_404_everywhere(client, login, world):
    login(world.outsider)
    assert set(matrix.statuses(client, world, ORGANIZER_ROUTES, last=LAST).values()) == {404}


@pytest.mark.parametrize("role", matrix.ROLES)
def test_each_role_may_do_what_it_needs_and_no_more(client, login, world, role):
    login(world.members[role])

    got = matrix.statuses(client, world, ORGANIZER_ROUTES, last=LAST)

    assert matrix.wrong_for_role(got, ORGANIZER_ROUTES, role) == {}


def test_an_object_of_another_institute_is_404_in_this_ones_address(client, login, world):
    login(world.members["owner"])

    assert matrix.foreign_objects_not_404(client, world, ORGANIZER_ROUTES, last=LAST) == {}


@pytest.mark.parametrize(("endpoint", "method", "path"), INVITEE_ROUTES)
def test_invitee_pages_are_404_without_an_invitee_session(
    client, login, world, endpoint, method, path
):
    assert matrix.without_an_invitee_session(client, login, world, method, path) == (404, 404)


@pytest.mark.parametrize(("endpoint", "method", "path"), INVITEE_ROUTES)
def test_invitee_pages_open_for_the_invitee(invitee_login, world, endpoint, method, path):
    client = invitee_login(world.invitee)
    assert matrix.call(client, method, path.format(**world.ids)).status_code in (200, 302, 400)


@pytest.mark.parametrize(
    ("endpoint", "method", "path"), [r for r in INVITEE_ROUTES if "{leg}" in r[2]]
)
def test_another_invitees_leg_is_404(invitee_login, world, endpoint, method, path):
    client = invitee_login(world.other_invitee)
    assert matrix.call(client, method, path.format(**world.ids)).status_code == 404
