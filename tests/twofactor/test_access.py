"""Who may open which two-factor page: every route of the twofactor package."""

import pytest

from planner.auth.models import TeamRole
from planner.extensions import db
from planner.twofactor import services
from tests import factories
from tests.twofactor.conftest import enable_two_factor, next_code

ENDPOINTS = {
    "twofactor.account",
    "twofactor.start",
    "twofactor.setup",
    "twofactor.renew_codes",
    "twofactor.disable",
    "twofactor.forget_devices",
    "twofactor.second_step",
    "twofactor.team_requirement",
}


def routes(institute) -> dict[str, tuple[str, str]]:
    return {
        "twofactor.account": ("GET", "/account/"),
        "twofactor.start": ("POST", "/account/two-factor/start"),
        "twofactor.setup": ("GET", "/account/two-factor/setup"),
        "twofactor.renew_codes": ("POST", "/account/two-factor/recovery-codes"),
        "twofactor.disable": ("POST", "/account/two-factor/disable"),
        "twofactor.forget_devices": ("POST", "/account/two-factor/forget-devices"),
        "twofactor.second_step": ("GET", "/login/two-factor"),
        "twofactor.team_requirement": ("POST", f"/institutes/{institute.slug}/two-factor"),
    }


def call(client, method: str, url: str):
    return client.get(url) if method == "GET" else client.post(url, data={"required": "y"})


def test_every_endpoint_is_covered(app, institute):
    registered = {
        r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("twofactor.")
    }
    assert registered == ENDPOINTS == set(routes(institute))


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_anonymous_is_sent_to_the_login(client, institute, endpoint):
    method, url = routes(institute)[endpoint]

    response = call(client, method, url)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_an_invitee_session_opens_no_organizer_page(invitee_login, institute, endpoint):
    client = invitee_login(factories.make_invitee(institute))
    method, url = routes(institute)[endpoint]

    response = call(client, method, url)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_organizer_of_another_institute_gets_404(client, login, institute):
    stranger = factories.make_organizer()
    factories.make_institute(owner=stranger)
    method, url = routes(institute)["twofactor.team_requirement"]

    assert call(signed_in_with_two_factor(client, stranger), method, url).status_code == 404
    db.session.expire_all()
    assert not institute.require_two_factor


def signed_in_with_two_factor(client, organizer):
    secret, _codes = enable_two_factor(organizer)
    client.post("/login", data={"email": organizer.email, "password": factories.DEFAULT_PASSWORD})
    assert client.post("/login/two-factor", data={"code": next_code(secret)}).status_code == 302
    return client


@pytest.mark.parametrize("role", [TeamRole.VIEWER, TeamRole.EDITOR])
def test_only_an_owner_sets_the_team_requirement(client, login, institute, role):
    member = factories.make_organizer()
    factories.add_member(institute, member, role)
    method, url = routes(institute)["twofactor.team_requirement"]

    assert call(signed_in_with_two_factor(client, member), method, url).status_code == 403
    db.session.expire_all()
    assert not institute.require_two_factor


def test_account_pages_act_on_the_signed_in_account_only(client, login, organizer):
    other = factories.make_organizer()
    services.start_setup(other)  # another organizer's pending secret
    db.session.commit()
    secret = services.two_factor_of(other).secret
    login(organizer)

    setup = client.get("/account/two-factor/setup")

    assert setup.headers["Location"] == "/account/"  # nothing pending for this account
    assert secret not in client.get("/account/").get_data(as_text=True)
    client.post("/account/two-factor/disable", data={"password": factories.DEFAULT_PASSWORD})
    assert services.two_factor_of(other) is not None
