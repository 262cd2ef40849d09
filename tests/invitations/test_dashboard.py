"""The dashboard panel: status by country with totals and links, who has not answered."""

import re

from planner.db import utcnow
from planner.extensions import db
from planner.invitations.models import RsvpStatus
from tests import factories
from tests.invitations.conftest import count_queries, make_invitees


def panel_of(html: str) -> str:
    start = html.index('class="card dashboard-invitations"')
    return html[start : html.index("</section>", start)]


def test_panel_counts_by_status_and_country_with_links(owner_client, institute):
    for country, status in [
        ("KZ", RsvpStatus.CONFIRMED),
        ("KZ", RsvpStatus.CONFIRMED),
        ("KZ", RsvpStatus.INVITED),
        ("KG", RsvpStatus.DECLINED),
        (None, RsvpStatus.INVITED),
    ]:
        factories.make_invitee(
            institute,
            country=country,
            rsvp_status=status,
            invited_at=utcnow(),
            answered_at=utcnow() if status != RsvpStatus.INVITED else None,
        )
    factories.make_invitee(institute, country="KZ", removed_at=utcnow())

    panel = panel_of(owner_client.get(f"/institutes/{institute.slug}/").get_data(as_text=True))

    slug = institute.slug
    assert f'<a href="/institutes/{slug}/invitees/?country=KZ&amp;status=confirmed">2</a>' in panel
    assert f'<a href="/institutes/{slug}/invitees/?country=KG&amp;status=declined">1</a>' in panel
    assert f'<a href="/institutes/{slug}/invitees/?country=KZ">3</a>' in panel
    assert f'<a href="/institutes/{slug}/invitees/?status=invited">2</a>' in panel
    assert f'<a href="/institutes/{slug}/invitees/">5</a>' in panel
    assert "Not known" in panel
    assert "Waiting list" not in panel  # empty statuses get no column
    assert len(re.findall(r"rsvp-badge rsvp-(?:confirmed|declined)", panel)) == 3


def test_panel_lists_who_has_not_answered_and_recent_answers(owner_client, institute):
    factories.make_invitee(institute, full_name="Нигина Назарова", invited_at=utcnow())
    factories.make_invitee(
        institute,
        full_name="Бермет Исаева",
        rsvp_status=RsvpStatus.CONFIRMED,
        answered_at=utcnow(),
    )

    panel = panel_of(owner_client.get(f"/institutes/{institute.slug}/").get_data(as_text=True))

    not_answered = panel[panel.index("Not answered yet") : panel.index("Recent answers")]
    recent = panel[panel.index("Recent answers") :]
    assert "Нигина Назарова" in not_answered
    assert "Бермет Исаева" in recent
    assert "Бермет Исаева" not in not_answered


def test_dashboard_uses_a_constant_number_of_queries(owner_client, institute):
    """The first view after a change computes the stored figures (and words the first risks,
    when there are some), the next ones read them: the same at 10 and 300 invitees."""
    url = f"/institutes/{institute.slug}/"

    def views() -> tuple[int, int]:
        db.session.expire_all()
        with count_queries() as first:
            owner_client.get(url)
        db.session.expire_all()
        with count_queries() as next_one:
            owner_client.get(url)
        return len(first), len(next_one)

    make_invitees(institute, 10, invited_at=utcnow(), answered_at=utcnow())
    few = views()
    make_invitees(institute, 290, prefix="more", invited_at=utcnow(), answered_at=utcnow())
    many = views()
    assert many[1] == few[1]
    assert few[1] < few[0] and many[1] < many[0] <= 45
