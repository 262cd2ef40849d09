"""Every count the dashboard links to is the number of rows on the page it links to, and the
two country tables say which country they count (residence or nationality)."""

import html
import re

import pytest

from planner.invitations.models import RsvpStatus
from planner.travel.models import VisaRequirement
from tests import factories
from tests.travel.factories import make_leg, make_rule

COUNT_LINK = re.compile(r'<a href="([^"]+)">(\d+)</a>')


def rows_on(page: str, path: str) -> int:
    """How many people the linked list shows."""
    if "/invitees/" in path:
        return int(re.search(r"(\d+) invitees? match", page).group(1))
    # travel and visa lists: the rows of the last table (the visa page has its rules first)
    return page[page.rindex("<tbody>") :].count('<th scope="row">')


@pytest.fixture
def mixed_institute(institute):
    make_rule(institute, "TJ", VisaRequirement.REQUIRED)
    people = [
        # (residence, nationality, status, with arrival)
        ("TJ", "TJ", RsvpStatus.CONFIRMED, True),
        ("KZ", "TJ", RsvpStatus.CONFIRMED, False),  # lives in Kazakhstan, Tajik citizen
        ("TJ", "TJ", RsvpStatus.INVITED, False),
        ("KG", "KG", RsvpStatus.DECLINED, False),
        ("KG", None, RsvpStatus.CONFIRMED, False),  # nationality not recorded
        (None, None, RsvpStatus.INVITED, False),
        ("KZ", "KZ", RsvpStatus.CONFIRMED, True),
    ]
    for n, (country, nationality, status, arrival) in enumerate(people):
        person = factories.make_invitee(
            institute,
            full_name=f"Person {n}",
            country=country,
            nationality=nationality,
            rsvp_status=status,
        )
        if arrival:
            make_leg(person)
    return institute


def test_every_count_link_on_the_dashboard_matches_its_list(
    client, login, organizer, mixed_institute
):
    login(organizer)
    dashboard = client.get(f"/institutes/{mixed_institute.slug}/").get_data(as_text=True)

    links = COUNT_LINK.findall(dashboard)
    assert len(links) > 10
    for href, count in links:
        href = html.unescape(href)
        page = client.get(href).get_data(as_text=True)
        assert rows_on(page, href) == int(count), href


def test_the_country_tables_say_what_they_count(client, login, organizer, mixed_institute):
    login(organizer)
    dashboard = client.get(f"/institutes/{mixed_institute.slug}/").get_data(as_text=True)

    assert "Answers by country of residence" in dashboard
    assert "by nationality" in dashboard
