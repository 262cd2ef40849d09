"""Access matrix of the organization pages: anonymous, another organization's owner, a member,
an owner, and an invitee's session."""

import pytest

from planner.extensions import db
from planner.organizations.models import OrganizationMember, OrganizationRole
from planner.organizations.services import add_member
from tests import factories

ROUTES = [
    ("organizations.index", "GET", "/organizations/", None),
    ("organizations.detail", "GET", "/organizations/{org}", "member"),
    ("organizations.add_member", "POST", "/organizations/{org}/members", "owner"),
]
ENDPOINTS = {r[0] for r in ROUTES}


@pytest.fixture
def world(organizer, institute):
    organization = institute.organization
    member = factories.make_organizer()
    add_member(organization, member, OrganizationRole.MEMBER)
    db.session.commit()
    outsider = factories.make_organizer()
    factories.make_institute(owner=outsider)  # an organization of their own
    colleague = factories.make_organizer(email="colleague@example.org")
    return {
        "org": organization.id,
        "owner": organizer,
        "member": member,
        "outsider": outsider,
        "colleague": colleague,
        "institute": institute,
    }


def test_every_route_of_the_package_is_covered(app):
    routes = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert {e for e in routes if e.startswith("organizations.")} == ENDPOINTS


def test_anonymous_is_sent_to_sign_in(client, world):
    for _endpoint, method, path, _needed in ROUTES:
        response = client.open(path.format(**world), method=method, data={})
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_another_organizations_owner_gets_404(client, login, world):
    login(world["outsider"])
    assert client.get("/organizations/").status_code == 200
    assert world["institute"].organization.name not in client.get("/organizations/").get_data(
        as_text=True
    )
    for _endpoint, method, path, needed in ROUTES:
        if needed:
            response = client.open(path.format(**world), method=method, data={})
            assert response.status_code == 404, path
    assert client.get("/organizations/999999").status_code == 404


def test_a_member_reads_and_only_an_owner_adds(client, app, login, world):
    login(world["member"])
    page = client.get(f"/organizations/{world['org']}")
    assert page.status_code == 200 and world["owner"].email in page.get_data(as_text=True)
    response = client.post(
        f"/organizations/{world['org']}/members", data={"email": "colleague@example.org"}
    )
    assert response.status_code == 403
    owner = login(world["owner"], on=app.test_client())
    response = owner.post(
        f"/organizations/{world['org']}/members",
        data={"email": "colleague@example.org", "role": "member"},
    )
    assert response.status_code == 302
    assert (
        db.session.scalar(
            db.select(OrganizationMember.role).where(
                OrganizationMember.organizer_id == world["colleague"].id
            )
        )
        == OrganizationRole.MEMBER
    )


def test_adding_an_unknown_or_invalid_address_answers_with_a_message(app, login, world):
    owner = login(world["owner"], on=app.test_client())
    url = f"/organizations/{world['org']}/members"
    for data, message in (
        ({"email": "nobody@example.org", "role": "member"}, "No organizer account"),
        ({"email": "not an address", "role": "member"}, "Invalid email address"),
        ({"email": "colleague@example.org", "role": "emperor"}, "Not a valid choice"),
    ):
        response = owner.post(url, data=data)
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)


def test_an_invitee_session_opens_no_organization_page(world, invitee_login):
    invitee = factories.make_invitee(world["institute"])
    client = invitee_login(invitee)
    for _endpoint, method, path, _needed in ROUTES:
        response = client.open(path.format(**world), method=method, data={})
        assert response.status_code == 302 and "/login" in response.headers["Location"]
