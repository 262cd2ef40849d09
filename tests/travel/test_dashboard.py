"""The dashboard panel: status by nationality with an accessible chart, risks, constant queries."""

import re
from datetime import date, datetime

from planner.extensions import db
from planner.invitations.models import Invitee, RsvpStatus
from planner.travel import overview, risks, services
from planner.travel.models import (
    Direction,
    Hotel,
    RoomAssignment,
    TravelLeg,
    TravelMode,
    VisaCase,
    VisaRequirement,
    VisaStatus,
)
from tests import factories
from tests.travel.factories import make_case, make_leg, make_rule

STATUSES = [RsvpStatus.CONFIRMED, RsvpStatus.CONFIRMED, RsvpStatus.INVITED, RsvpStatus.DECLINED]
NATIONALITIES = ["KZ", "KG", "TJ", "UZ", "JO"]


def populate(institute, count: int) -> None:
    """``count`` invitees with legs, visa cases and rooms, added in bulk."""
    hotel = Hotel(institute_id=institute.id, name="Samal")
    db.session.add(hotel)
    for n in range(count):
        person = Invitee(
            institute=institute,
            full_name=f"Участница {n}",
            email=f"p{n}@example.org",
            nationality=NATIONALITIES[n % 5],
            rsvp_status=STATUSES[n % 4],
            passport_expiry=date(2027, 5, 1) if n % 7 == 0 else None,
        )
        db.session.add(person)
        if n % 3:
            db.session.add(
                TravelLeg(
                    invitee=person,
                    direction=Direction.ARRIVAL,
                    mode=TravelMode.AIR,
                    from_place="Almaty",
                    to_place="Shymkent",
                    departs_local=datetime(2027, 4, 11, 8),
                    departs_tz="Asia/Almaty",
                    arrives_local=datetime(2027, 4, 11, 10),
                    arrives_tz="Asia/Almaty",
                    uid=f"leg-{institute.id}-{n}@planner.test",
                )
            )
        if n % 5 == 4:
            db.session.add(VisaCase(invitee=person, status=VisaStatus.APPLIED))
        if n % 2:
            db.session.add(
                RoomAssignment(
                    invitee=person,
                    hotel=hotel,
                    room_label=str(n),
                    check_in=date(2027, 4, 11),
                    check_out=date(2027, 4, 15),
                    uid=f"room-{institute.id}-{n}@planner.test",
                )
            )
    db.session.commit()


def test_dashboard_queries_stay_constant_with_500_invitees(client, login, organizer, count_queries):
    small = factories.make_institute(owner=organizer)
    large = factories.make_institute(owner=organizer)
    for institute in (small, large):
        make_rule(institute, "JO", VisaRequirement.REQUIRED, lead_time_days=30)
        make_rule(institute, "KG", VisaRequirement.NOT_NEEDED, visa_free_days=30)
    populate(small, 5)
    populate(large, 500)
    login(organizer)

    counts = {}
    for slug in (small.slug, large.slug):
        client.get(f"/institutes/{slug}/")  # the first reader stores the risks (riskstore)
        db.session.expunge_all()
        with count_queries() as counter:
            response = client.get(f"/institutes/{slug}/")
        assert response.status_code == 200
        counts[slug] = counter.count

    html = response.get_data(as_text=True)
    total = len(risks.all_findings(risks.load_travel_data(large)))
    assert total > 100  # the 500 were all looked at, and only a few are listed
    assert f"All {total} risks" in html
    assert html.count('class="border-start border-4') == 8
    assert counts[small.slug] == counts[large.slug]
    # The whole dashboard: every package's panel (RSVP, travel, agenda, feeds, outbox).
    assert (
        counts[large.slug] <= 25
    )  # with the attendance and report panels of i15 (22 on main before i16)


def test_status_by_nationality_counts_each_invitee_once(institute):
    make_rule(institute, "JO", VisaRequirement.REQUIRED, lead_time_days=30)
    ready = factories.make_invitee(institute, nationality="KZ", rsvp_status="confirmed")
    make_leg(ready)
    factories.make_invitee(institute, nationality="KZ", rsvp_status="confirmed")  # no travel
    factories.make_invitee(institute, nationality="JO", rsvp_status="confirmed")  # visa pending
    factories.make_invitee(institute, nationality="JO", rsvp_status="invited")
    factories.make_invitee(institute, nationality="KZ", rsvp_status="withdrawn")

    rows = overview.by_nationality(risks.load_travel_data(institute))

    assert [(r.code, dict(r.counts)) for r in rows] == [
        ("JO", {"visa": 1, "pending": 1}),
        ("KZ", {"ready": 1, "travel": 1, "absent": 1}),
    ]


def test_the_panel_has_an_accessible_chart_a_data_table_links_and_the_risks(
    client, login, organizer, institute
):
    make_rule(institute, "JO", VisaRequirement.REQUIRED, lead_time_days=400)
    jordanian = factories.make_invitee(
        institute, full_name="Rania Haddad", nationality="JO", rsvp_status="confirmed"
    )
    make_case(jordanian, VisaStatus.APPLIED)
    factories.make_invitee(institute, nationality="KG", rsvp_status="invited")
    login(organizer)

    html = client.get(f"/institutes/{institute.slug}/").get_data(as_text=True)

    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert "Jordan: confirmed, visa and travel in order 0, confirmed, visa pending 1" in svg
    assert '<th scope="row">Jordan</th>' in html
    assert f"/institutes/{institute.slug}/invitees/?nationality=JO&amp;status=confirmed" in html
    assert f"/institutes/{institute.slug}/visas/?nationality=JO&amp;status=open" in html
    assert "The visa of Rania Haddad is not approved (applied)" in html
    assert "style=" not in svg and "<script" not in html.split("</footer>")[0]


def test_the_chart_geometry_scales_to_the_largest_country():
    rows = [overview.CountryRow("KZ", "Kazakhstan"), overview.CountryRow("KG", "Kyrgyzstan")]
    rows[0].counts.update(ready=6, visa=2)
    rows[1].counts.update(pending=4)

    chart = overview.stacked_chart(rows, width=560)

    plot = 560 - chart.label_width - 40
    kz, kg = chart.bars
    assert [p[0] for p in kz.parts] == ["ready", "visa"]
    assert sum(p[2] for p in kz.parts) == plot
    assert kg.parts[0][2] == plot / 2
    assert kz.parts[1][1] == chart.label_width + plot * 6 / 8


def test_the_panel_is_hidden_without_invitees(client, login, organizer, institute):
    login(organizer)
    html = client.get(f"/institutes/{institute.slug}/").get_data(as_text=True)
    assert "travel-chart-title" not in html


def test_filtered_lists_the_counts_link_to(client, login, organizer, institute):
    with_travel = factories.make_invitee(
        institute, full_name="Айгуль", nationality="KG", rsvp_status="confirmed"
    )
    make_leg(with_travel, needs_pickup=True)
    factories.make_invitee(institute, full_name="Бермет", nationality="KG", rsvp_status="confirmed")
    factories.make_invitee(institute, full_name="Динара", nationality="KZ", rsvp_status="confirmed")
    login(organizer)
    base = f"/institutes/{institute.slug}/travel/"

    missing = client.get(f"{base}?nationality=KG&travel=missing").get_data(as_text=True)
    pickup = client.get(f"{base}?travel=pickup").get_data(as_text=True)

    assert "Бермет" in missing and "Айгуль" not in missing and "Динара" not in missing
    assert "Айгуль" in pickup and "Бермет" not in pickup
    services.open_visa_case(with_travel, organizer=organizer, status=VisaStatus.NEEDED)
    db.session.commit()
    visas = client.get(f"/institutes/{institute.slug}/visas/?status=open").get_data(as_text=True)
    assert "Айгуль" in visas and "Динара" not in visas


def test_every_travel_list_runs_a_constant_number_of_queries(
    client, login, organizer, count_queries
):
    small = factories.make_institute(owner=organizer)
    large = factories.make_institute(owner=organizer)
    populate(small, 4)
    populate(large, 80)
    login(organizer)
    pages = [
        "travel/",
        "travel/?rsvp=all",
        "travel/arrivals",
        "travel/departures",
        "travel/export.csv",
        "visas/",
        "accommodation/",
        "accommodation/rooming",
    ]

    counts = {}
    for slug in (small.slug, large.slug):
        for page in pages:
            db.session.expunge_all()
            with count_queries() as counter:
                assert client.get(f"/institutes/{slug}/{page}").status_code == 200
            counts[slug, page] = counter.count

    assert [counts[small.slug, p] for p in pages] == [counts[large.slug, p] for p in pages]


def test_the_risk_page_lists_every_finding_and_filters_by_kind(client, login, organizer, institute):
    factories.make_invitee(
        institute, full_name="Тимур", rsvp_status="confirmed", passport_expiry=date(2027, 5, 1)
    )
    factories.make_invitee(institute, full_name="Алия", rsvp_status="confirmed", nationality="TM")
    login(organizer)
    url = f"/institutes/{institute.slug}/travel/risks"

    everything = client.get(url).get_data(as_text=True)
    passports = client.get(f"{url}?kind=passport").get_data(as_text=True)

    assert "The passport of Тимур expires" in everything and "Алия" in everything
    assert '<option value="passport" selected>passport expires too soon</option>' in passports
    assert "Тимур" in passports and "Алия" not in passports


def test_the_counts_of_the_table_match_the_lists_they_link_to(client, login, organizer, institute):
    make_rule(institute, "KG", VisaRequirement.E_VISA, lead_time_days=10)
    for n in range(4):
        person = factories.make_invitee(institute, nationality="KG", rsvp_status="confirmed")
        if n % 2:
            make_leg(person)
        if n < 3:
            make_case(person, VisaStatus.APPROVED if n == 2 else VisaStatus.APPLIED)
    factories.make_invitee(institute, nationality="KZ", rsvp_status="confirmed")
    login(organizer)

    html = client.get(f"/institutes/{institute.slug}/").get_data(as_text=True)

    row = re.search(r'<th scope="row">Kyrgyzstan</th>(.*?)</tr>', html, re.S).group(1)
    links = re.findall(r'<a href="([^"]+)">(\d+)</a>', row)
    own = [(url.replace("&amp;", "&"), int(n)) for url, n in links if "/invitees/" not in url]
    assert len(own) == 2
    for url, count in own:
        page = client.get(url).get_data(as_text=True)
        listed = page.split("</caption>")[-1].split("</table>")[0].count('<th scope="row">')
        assert listed == count, url


def test_people_without_a_recorded_nationality_have_their_own_filter(
    client, login, organizer, institute
):
    factories.make_invitee(institute, full_name="Без гражданства", nationality=None,
                           rsvp_status="confirmed")  # fmt: skip
    factories.make_invitee(institute, full_name="Динара", nationality="KZ", rsvp_status="confirmed")
    login(organizer)

    html = client.get(f"/institutes/{institute.slug}/travel/?nationality=none&travel=missing")

    page = html.get_data(as_text=True)
    assert "Без гражданства" in page and "Динара" not in page
