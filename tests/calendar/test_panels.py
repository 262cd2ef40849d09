"""The calendar panels on the dashboard, the organizer's invitee page and the invitee's /me/."""

import re

import pytest
from flask import g, render_template_string

from planner.auth.models import TeamRole
from planner.calendar import services
from planner.sections import render_panels
from tests import factories

PANELS = '{% import "macros/panels.html" as p with context %}{{ p.render(panels) }}'


def render(place: str, obj, path: str = "/", role: TeamRole | None = None) -> str:
    from flask import current_app

    with current_app.test_request_context(path, headers={"Host": "attacker.example"}):
        if role is not None:
            g.team_role = role
        return render_template_string(PANELS, panels=render_panels(place, obj))


def test_dashboard_panel_links_the_published_program_feed(client, institute, login, db):
    institute.program_published = True
    db.session.commit()
    page = client.get(f"/institutes/{institute.slug}/")
    assert page.status_code == 302  # not signed in
    owner = institute.memberships[0].organizer
    # Signed in and browsing under a forged Host header: links still use BASE_URL.
    client.post(
        "/login",
        data={"email": owner.email, "password": factories.DEFAULT_PASSWORD},
        headers={"Host": "attacker.example"},
    )
    html = client.get(f"/institutes/{institute.slug}/", headers={"Host": "attacker.example"}).text
    assert f'href="webcal://planner.test/p/{institute.slug}/program.ics"' in html
    assert f'value="http://planner.test/p/{institute.slug}/program.ics"' in html
    assert f'href="http://planner.test/p/{institute.slug}/program.ics?download=1"' in html
    assert "attacker.example" not in html


def test_dashboard_panel_explains_the_feed_before_publication(client, institute, organizer, login):
    login(organizer)
    html = client.get(f"/institutes/{institute.slug}/").text
    assert "once the program is published" in html
    assert "program.ics" not in html
    assert "0 invitees have a personal calendar link." in html


def test_dashboard_panel_in_russian_counts_links_with_plural_forms(
    client, institute, organizer, login, db
):
    for _ in range(2):
        services.issue_feed_link(factories.make_invitee(institute))
    db.session.commit()
    login(organizer)
    with client.session_transaction() as session:
        session["lang"] = "ru"
    html = client.get(f"/institutes/{institute.slug}/").text
    assert "Календари" in html
    assert "У 2 приглашённых есть личная ссылка на календарь." in html


@pytest.fixture
def invitee(institute):
    return factories.make_invitee(institute, full_name="Dilnoza Yusupova")


def test_invitee_panel_shows_the_address_and_buttons_to_editors(app, institute, invitee, db):
    link = services.issue_feed_link(invitee)
    db.session.commit()
    token = services.feed_token(link)
    path = f"/institutes/{institute.slug}/invitees/{invitee.id}/"
    html = render("invitee", invitee, path, TeamRole.EDITOR)
    assert f"webcal://planner.test/feeds/{token}.ics" in html
    assert f'action="/institutes/{institute.slug}/invitees/{invitee.id}/feed-link"' in html
    assert f'action="/institutes/{institute.slug}/invitees/{invitee.id}/feed-link/revoke"' in html
    assert f'value="{path}"' in html  # back to this page after the POST
    assert "Not used yet." in html


def test_invitee_panel_hides_the_secret_address_from_viewers(app, institute, invitee, db):
    link = services.issue_feed_link(invitee)
    db.session.commit()
    html = render("invitee", invitee, "/", TeamRole.VIEWER)
    assert services.feed_token(link) not in html
    assert "feed-link" not in html  # no buttons
    assert "Personal calendar feed" in html


def test_me_panel_offers_a_link_then_shows_the_same_address_every_time(
    app, invitee_login, invitee, db
):
    html = render("me", invitee)
    assert "Get my calendar link" in html
    assert 'action="/me/calendar/feed-link"' in html

    client = invitee_login(invitee)
    assert client.post("/me/calendar/feed-link").status_code == 302
    first, second = render("me", invitee), render("me", invitee)
    token = services.feed_token(services.active_feed_link(invitee))
    assert f'href="webcal://planner.test/feeds/{token}.ics"' in first
    assert f'href="http://planner.test/feeds/{token}.ics?download=1"' in first
    assert first == second
    assert "Keep this address to yourself" in first


def test_me_panel_speaks_to_facilitators_about_their_program(app, institute):
    from planner.invitations.models import InviteeRole

    facilitator = factories.make_invitee(institute, role=InviteeRole.FACILITATOR)
    services.issue_feed_link(facilitator)
    html = render("me", facilitator)
    assert "Your facilitator program" in html


def test_panels_label_their_address_fields(app, invitee, db):
    services.issue_feed_link(invitee)
    db.session.commit()
    html = render("me", invitee)
    for field_id in re.findall(r'<input[^>]*id="([^"]+)"', html):
        assert f'for="{field_id}"' in html
