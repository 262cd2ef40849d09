"""Travel legs: each end in its own zone, absolute order across zones, DST, sensible dates."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from planner.formatting import format_moment
from planner.security.models import AuditEvent
from planner.travel import services
from planner.travel.models import Direction, TravelLeg, TravelMode
from planner.travel.zones import country_zone, is_ambiguous, is_nonexistent, to_instant


def amman_to_almaty(**changes) -> services.LegData:
    values = dict(
        direction=Direction.ARRIVAL,
        mode=TravelMode.AIR,
        carrier="Royal Jordanian",
        number="RJ 4402",
        from_place="Amman (AMM)",
        to_place="Almaty (ALA)",
        departs_local=datetime(2027, 4, 10, 23, 55),
        departs_tz="Asia/Amman",
        arrives_local=datetime(2027, 4, 11, 6, 40),
        arrives_tz="Asia/Almaty",
    )
    values.update(changes)
    return services.LegData(**values)


def leg_form(**changes) -> dict:
    form = {
        "direction": "arrival",
        "mode": "air",
        "carrier": "Royal Jordanian",
        "number": "RJ 4402",
        "from_place": "Amman (AMM)",
        "departs_local": "2027-04-10T23:55",
        "departs_tz": "Asia/Amman",
        "to_place": "Almaty (ALA)",
        "arrives_local": "2027-04-11T06:40",
        "arrives_tz": "Asia/Almaty",
        "border_crossing": "",
        "needs_pickup": "y",
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def test_cross_zone_leg_keeps_wall_clock_times_and_gives_the_right_utc_instants(db, invitee):
    leg = services.add_leg(invitee, amman_to_almaty())
    db.session.commit()
    db.session.expire_all()

    stored = db.session.get(TravelLeg, leg.id)
    assert stored.departs_local == datetime(2027, 4, 10, 23, 55)
    assert stored.departs_tz == "Asia/Amman"
    assert stored.arrives_local == datetime(2027, 4, 11, 6, 40)
    assert stored.arrives_tz == "Asia/Almaty"
    # Jordan is UTC+3 all year since 2022; Kazakhstan is UTC+5 since March 2024.
    assert stored.departs_at.astimezone(UTC) == datetime(2027, 4, 10, 20, 55, tzinfo=UTC)
    assert stored.arrives_at.astimezone(UTC) == datetime(2027, 4, 11, 1, 40, tzinfo=UTC)


def test_cross_zone_leg_is_shown_in_the_local_time_of_each_end(
    client, login, organizer, institute, invitee
):
    leg = services.add_leg(invitee, amman_to_almaty())
    services.db.session.commit()
    login(organizer)

    html = client.get(f"/institutes/{institute.slug}/travel/invitees/{invitee.id}").get_data(
        as_text=True
    )

    assert format_moment(datetime(2027, 4, 10, 23, 55), "en") in html
    assert "Asia/Amman (UTC+03:00)" in html
    assert format_moment(datetime(2027, 4, 11, 6, 40), "en") in html
    assert "Asia/Almaty (UTC+05:00)" in html
    assert f'datetime="{leg.departs_at.isoformat()}"' in html


def test_a_leg_gets_a_stable_uid_and_a_sequence_raised_on_each_change(db, invitee, institute):
    version = institute.data_version
    leg = services.add_leg(invitee, amman_to_almaty())
    db.session.commit()
    uid = leg.uid
    assert uid.startswith("leg-") and uid.endswith("@planner.test")
    assert leg.sequence == 0
    assert institute.data_version == version + 1

    services.update_leg(leg, amman_to_almaty(number="RJ 4404"))
    db.session.commit()

    assert leg.uid == uid
    assert leg.sequence == 1
    assert leg.number == "RJ 4404"
    assert institute.data_version == version + 2


def test_arrival_before_departure_in_absolute_time_is_refused_even_when_the_clock_says_later(
    db, invitee
):
    # 10:00 in Almaty (05:00 UTC) is before 08:30 in Amman (05:30 UTC) on the same day.
    data = amman_to_almaty(
        departs_local=datetime(2027, 4, 11, 8, 30), arrives_local=datetime(2027, 4, 11, 10, 0)
    )

    with pytest.raises(services.InvalidInput) as error:
        services.add_leg(invitee, data)

    assert "arrives_local" in error.value.errors
    # Each end in its own local time and zone, as on the ticket (not in UTC).
    message = error.value.errors["arrives_local"]
    assert format_moment(datetime(2027, 4, 11, 10, 0), "en") in message and "Asia/Almaty" in message
    assert format_moment(datetime(2027, 4, 11, 8, 30), "en") in message and "Asia/Amman" in message
    assert "UTC" not in message


def test_unknown_zone_is_refused(invitee):
    with pytest.raises(services.InvalidInput) as error:
        services.add_leg(invitee, amman_to_almaty(departs_tz="Asia/Atlantis"))
    assert error.value.errors == {"departs_tz": "Choose a time zone from the list."}


def test_dates_more_than_30_days_from_the_institute_are_refused(invitee):
    # The institute runs 12-15 April 2027: 13 March is the first day allowed.
    early = amman_to_almaty(
        departs_local=datetime(2027, 3, 12, 23, 55), arrives_local=datetime(2027, 3, 13, 6, 40)
    )
    with pytest.raises(services.InvalidInput) as error:
        services.add_leg(invitee, early)
    assert set(error.value.errors) == {"departs_local"}

    on_the_edge = amman_to_almaty(
        departs_local=datetime(2027, 3, 13, 8, 0), arrives_local=datetime(2027, 3, 13, 14, 0)
    )
    assert services.check_leg(invitee.institute, on_the_edge) == {}


def test_a_wall_clock_time_skipped_by_dst_is_refused_with_a_clear_message(db, organizer):
    from tests import factories

    berlin = factories.make_institute(
        owner=organizer, timezone="Europe/Berlin", start_date=datetime(2027, 3, 29).date(),
        end_date=datetime(2027, 4, 1).date(),
    )  # fmt: skip
    traveller = factories.make_invitee(berlin)
    # Clocks in Berlin jump from 02:00 to 03:00 on 28 March 2027.
    assert is_nonexistent(datetime(2027, 3, 28, 2, 30), "Europe/Berlin")
    data = amman_to_almaty(
        departs_local=datetime(2027, 3, 28, 2, 30),
        departs_tz="Europe/Berlin",
        arrives_local=datetime(2027, 3, 28, 12, 0),
    )

    with pytest.raises(services.InvalidInput) as error:
        services.add_leg(traveller, data)

    assert "does not exist in Europe/Berlin" in error.value.errors["departs_local"]


def test_an_ambiguous_wall_clock_time_is_read_as_its_first_occurrence():
    # Clocks in Berlin go back from 03:00 to 02:00 on 31 October 2027: 02:30 happens twice.
    local = datetime(2027, 10, 31, 2, 30)
    assert is_ambiguous(local, "Europe/Berlin")
    assert not is_ambiguous(datetime(2027, 10, 31, 4, 0), "Europe/Berlin")
    assert to_instant(local, "Europe/Berlin") == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)


def test_default_zones_are_the_invitees_country_and_the_institutes_zone(
    client, login, organizer, institute, invitee
):
    assert country_zone("TJ") == "Asia/Dushanbe"
    assert country_zone("XX") is None
    login(organizer)

    arrival = client.get(
        f"/institutes/{institute.slug}/travel/invitees/{invitee.id}/legs/new"
    ).get_data(as_text=True)
    departure = client.get(
        f"/institutes/{institute.slug}/travel/invitees/{invitee.id}/legs/new?direction=departure"
    ).get_data(as_text=True)

    assert _selected(arrival, "departs_tz") == "Asia/Dushanbe"
    assert _selected(arrival, "arrives_tz") == "Asia/Almaty"
    assert _selected(departure, "departs_tz") == "Asia/Almaty"
    assert _selected(departure, "arrives_tz") == "Asia/Dushanbe"


def _selected(html: str, name: str) -> str:
    import re

    select = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S).group(0)
    return re.search(r'<option selected value="([^"]+)"', select).group(1)


def test_organizer_adds_a_leg_through_the_form(client, login, organizer, institute, invitee, db):
    login(organizer)

    response = client.post(
        f"/institutes/{institute.slug}/travel/invitees/{invitee.id}/legs/new", data=leg_form()
    )

    assert response.status_code == 302
    leg = db.session.scalar(select(TravelLeg))
    assert (leg.from_place, leg.needs_pickup, leg.departs_tz) == ("Amman (AMM)", True, "Asia/Amman")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "travel_leg.created"))
    assert event.organizer_id == organizer.id and event.invitee_id == invitee.id


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"arrives_local": "2027-04-10T18:00"}, "arrives_local", "is not after the departure"),
        ({"departs_tz": "Mars/Olympus"}, "departs_tz", "Choose a time zone from the list."),
        ({"departs_local": "2027-01-05T10:00"}, "departs_local", "30 days around the institute"),
        ({"departs_local": "yesterday"}, "departs_local", "Not a valid datetime value."),
        ({"from_place": ""}, "from_place", "This field is required."),
    ],
)
def test_bad_leg_input_is_shown_next_to_the_field_with_values_kept_and_nothing_saved(
    client, login, organizer, institute, invitee, db, changes, field, message
):
    login(organizer)

    response = client.post(
        f"/institutes/{institute.slug}/travel/invitees/{invitee.id}/legs/new",
        data=leg_form(**changes),
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="{field}-error"' in html
    assert message in html.split(f'id="{field}-error"')[1][:400]
    assert 'value="RJ 4402"' in html  # what was typed is kept
    assert db.session.scalar(select(func.count()).select_from(TravelLeg)) == 0


def test_organizer_edits_and_deletes_a_leg(client, login, organizer, institute, invitee, db):
    leg = services.add_leg(invitee, amman_to_almaty())
    db.session.commit()
    login(organizer)

    response = client.post(
        f"/institutes/{institute.slug}/travel/legs/{leg.id}/edit",
        data=leg_form(number="RJ 9999"),
    )
    assert response.status_code == 302
    db.session.refresh(leg)
    assert (leg.number, leg.sequence) == ("RJ 9999", 1)

    response = client.post(f"/institutes/{institute.slug}/travel/legs/{leg.id}/delete")
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(TravelLeg)) == 0
