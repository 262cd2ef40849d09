"""Each travel check at its edge: exactly on the boundary and one step past it."""

from datetime import date, datetime

import pytest

from planner.agenda.models import Session
from planner.extensions import db
from planner.invitations.models import RsvpStatus
from planner.travel import risks, services
from planner.travel.models import Direction, TravelSettings, VisaRequirement, VisaStatus
from tests import factories, formats
from tests.travel.factories import make_case, make_hotel, make_leg, make_room, make_rule

START = date(2027, 4, 12)  # the test institute runs 12-15 April 2027 in Asia/Almaty


def findings(institute, check, today=date(2027, 1, 1)):
    return check(risks.load_travel_data(institute, today=today))


def confirmed(institute, **fields):
    return factories.make_invitee(institute, rsvp_status=RsvpStatus.CONFIRMED, **fields)


def test_every_check_states_its_rule_in_a_docstring():
    for check in risks.CHECKS:
        assert check.__doc__ and len(check.__doc__) > 60, check.__name__


# --- passport ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expiry", "flagged"),
    [(date(2027, 10, 15), False), (date(2027, 10, 14), True), (None, False)],
)
def test_passport_must_be_valid_six_months_after_the_end(institute, expiry, flagged):
    person = confirmed(institute, full_name="Динара Касымова", passport_expiry=expiry)

    found = findings(institute, risks.passport_expiring)

    assert bool(found) == flagged
    if flagged:
        assert found[0].invitee_id == person.id
        assert "Динара Касымова" in found[0].message
        assert formats.day(date(2027, 10, 14), "medium") in found[0].message
        assert "6 months" in found[0].message


def test_passport_months_come_from_the_settings(institute):
    db.session.add(
        TravelSettings(institute_id=institute.id, passport_valid_months=3, travel_details_days=21)
    )
    confirmed(institute, passport_expiry=date(2027, 7, 15))
    confirmed(institute, passport_expiry=date(2027, 7, 14))
    db.session.commit()

    assert len(findings(institute, risks.passport_expiring)) == 1


def test_add_months_keeps_the_day_or_takes_the_last_of_a_shorter_month():
    assert risks.add_months(date(2027, 4, 15), 6) == date(2027, 10, 15)
    assert risks.add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert risks.add_months(date(2027, 12, 1), 1) == date(2028, 1, 1)


def test_passports_of_people_not_coming_are_not_checked(institute):
    factories.make_invitee(
        institute, rsvp_status=RsvpStatus.DECLINED, passport_expiry=date(2027, 1, 1)
    )
    assert findings(institute, risks.passport_expiring) == []


# --- visa in time --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "flagged"),
    [(date(2027, 3, 12), False), (date(2027, 3, 13), True)],
)
def test_visa_not_approved_within_the_lead_time_is_flagged_from_that_day(institute, today, flagged):
    make_rule(institute, "JO", VisaRequirement.REQUIRED, lead_time_days=30)
    person = confirmed(institute, full_name="Rania Haddad", nationality="JO")
    make_case(person, VisaStatus.APPLIED)

    found = findings(institute, risks.visa_not_approved_in_time, today)

    assert bool(found) == flagged
    if flagged:
        assert found[0].severity == "danger"
        assert "Rania Haddad" in found[0].message and "applied" in found[0].message


def test_a_needed_visa_without_a_case_counts_and_an_approved_one_does_not(institute):
    make_rule(institute, "JO", VisaRequirement.REQUIRED, lead_time_days=30)
    without_case = confirmed(institute, nationality="JO")
    approved = confirmed(institute, nationality="JO")
    make_case(approved, VisaStatus.APPROVED)

    found = findings(institute, risks.visa_not_approved_in_time, date(2027, 4, 1))

    assert [f.invitee_id for f in found] == [without_case.id]


def test_a_refused_visa_is_always_flagged(institute):
    make_rule(institute, "JO", VisaRequirement.REQUIRED, lead_time_days=30)
    person = confirmed(institute, nationality="JO")
    make_case(person, VisaStatus.REFUSED)

    found = findings(institute, risks.visa_not_approved_in_time, date(2026, 12, 1))

    assert "refused" in found[0].message


def test_nationality_without_a_rule_is_flagged_as_unknown(institute):
    make_rule(institute, "KG", VisaRequirement.NOT_NEEDED, visa_free_days=30)
    make_rule(institute, "AF", VisaRequirement.UNKNOWN)
    confirmed(institute, nationality="KG")
    unknown = confirmed(institute, nationality="AF")
    no_rule = confirmed(institute, nationality="TM")
    stateless = confirmed(institute, nationality=None)

    found = findings(institute, risks.nationality_without_rule)

    assert {f.invitee_id for f in found} == {unknown.id, no_rule.id, stateless.id}
    assert any("Turkmenistan" in f.message for f in found)


def test_nationals_of_the_host_country_need_no_visa_and_are_never_unknown(institute):
    # B3: the institute is in Kazakhstan; a Kazakh citizen has no visa question at all.
    assert institute.country == "KZ"
    kazakh = confirmed(institute, full_name="Timur Abenov", nationality="KZ")
    make_rule(institute, "KZ", VisaRequirement.REQUIRED)  # even a wrong rule does not apply
    data = risks.load_travel_data(institute, today=date(2027, 4, 1))

    assert not risks.needs_visa(data.confirmed[0], data)
    assert [f for f in risks.all_findings(data) if f.kind.startswith("visa")] == []
    assert kazakh.id not in {f.invitee_id for f in risks.nationality_without_rule(data)}


def test_the_visa_page_does_not_ask_for_a_rule_for_the_host_country(
    client, login, organizer, institute
):
    confirmed(institute, nationality="KZ")
    confirmed(institute, nationality="TM")
    login(organizer)

    page = client.get(f"/institutes/{institute.slug}/visas/").get_data(as_text=True)

    assert "No rule yet for: Turkmenistan." in page


# --- travel details ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "flagged"),
    [(date(2027, 3, 21), False), (date(2027, 3, 22), True)],
)
def test_missing_arrival_is_flagged_from_n_days_before_the_start(institute, today, flagged):
    confirmed(institute, full_name="Жанар Касымова")

    found = findings(institute, risks.travel_details_missing, today)

    assert bool(found) == flagged
    if flagged:
        assert (
            found[0].message
            == "Жанар Касымова has not given arrival details, 21 days before the start."
        )


def test_an_arrival_leg_counts_as_travel_details(institute):
    person = confirmed(institute)
    make_leg(person)
    assert findings(institute, risks.travel_details_missing, date(2027, 4, 1)) == []


# --- arrival and departure against the program ---------------------------------------------


@pytest.mark.parametrize(
    ("arrives", "flagged"), [("2027-04-12T09:00", False), ("2027-04-12T09:01", True)]
)
def test_arrival_after_the_program_starts_is_flagged(institute, arrives, flagged):
    person = confirmed(institute, full_name="Тимур Абенов")
    make_leg(person, "2027-04-12T07:00", arrives)

    found = findings(institute, risks.arrives_late_or_leaves_early)

    assert bool(found) == flagged
    if flagged:
        assert formats.moment(datetime.fromisoformat(arrives)) in found[0].message


@pytest.mark.parametrize(
    ("departs", "flagged"), [("2027-04-15T18:00", False), ("2027-04-15T17:59", True)]
)
def test_departure_before_the_program_ends_is_flagged(institute, departs, flagged):
    person = confirmed(institute)
    make_leg(person, departs, "2027-04-15T20:30", direction=Direction.DEPARTURE)

    assert bool(findings(institute, risks.arrives_late_or_leaves_early)) == flagged


def test_the_program_times_come_from_the_agenda_when_there_is_one(institute):
    db.session.add(
        Session(
            institute_id=institute.id,
            title="Opening circle",
            starts_local=datetime(2027, 4, 12, 14, 0),
            ends_local=datetime(2027, 4, 12, 15, 0),
            uid="session-1@planner.test",
        )
    )
    db.session.commit()
    person = confirmed(institute)
    make_leg(person, "2027-04-12T10:00", "2027-04-12T13:30")

    assert findings(institute, risks.arrives_late_or_leaves_early) == []


def test_a_connection_counts_by_its_last_arrival(institute):
    person = confirmed(institute)
    make_leg(person, "2027-04-11T22:00", "2027-04-12T01:00", to_place="Istanbul (IST)",
             departs_tz="Asia/Amman", arrives_tz="Europe/Istanbul")  # fmt: skip
    make_leg(person, "2027-04-12T03:00", "2027-04-12T11:00", departs_tz="Europe/Istanbul")

    found = findings(institute, risks.arrives_late_or_leaves_early)

    assert len(found) == 1 and formats.moment(datetime(2027, 4, 12, 11, 0)) in found[0].message


# --- visa-free days ------------------------------------------------------------------------


@pytest.mark.parametrize(("leaves", "flagged"), [("2027-04-17", False), ("2027-04-18", True)])
def test_stay_longer_than_the_visa_free_days_is_flagged(institute, leaves, flagged):
    make_rule(institute, "KG", VisaRequirement.NOT_NEEDED, visa_free_days=10)
    person = confirmed(institute, full_name="Бегимай Осмонова", nationality="KG")
    # Arrives on 8 April: to 17 April is 10 days counting both, to 18 April is 11.
    make_leg(person, "2027-04-08T07:00", "2027-04-08T15:00", departs_tz="Asia/Bishkek")
    make_leg(person, f"{leaves}T09:00", f"{leaves}T18:00", direction=Direction.DEPARTURE,
             arrives_tz="Asia/Bishkek")  # fmt: skip

    found = findings(institute, risks.stay_exceeds_visa_free_days)

    assert bool(found) == flagged
    if flagged:
        assert "stays 11 days" in found[0].message and "10 days without a visa" in found[0].message


def test_an_approved_visa_lifts_the_visa_free_limit(institute):
    make_rule(institute, "KG", VisaRequirement.NOT_NEEDED, visa_free_days=2)
    person = confirmed(institute, nationality="KG")
    make_case(person, VisaStatus.APPROVED)
    assert findings(institute, risks.stay_exceeds_visa_free_days) == []


# --- beds ----------------------------------------------------------------------------------


def test_confirmed_people_without_a_bed_are_flagged_before_any_hotel_exists(institute):
    # B2: the check was silent until the first hotel was entered.
    person = confirmed(institute)
    factories.make_invitee(institute, rsvp_status=RsvpStatus.INVITED)

    found = findings(institute, risks.missing_beds)

    assert [f.invitee_id for f in found] == [person.id]


def test_the_accommodation_page_says_everyone_has_a_bed_only_when_true(
    client, login, organizer, institute
):
    confirmed(institute, full_name="Мадина Ахметова")
    login(organizer)
    everyone = "Everyone who is coming has a bed"

    page = client.get(f"/institutes/{institute.slug}/accommodation/").get_data(as_text=True)

    assert everyone not in page and "Мадина Ахметова has no bed" in page
    assert "Мадина Ахметова" in client.get(f"/institutes/{institute.slug}/travel/risks").get_data(
        as_text=True
    )


def test_missing_bed_uses_the_institute_nights_without_legs(institute):
    hotel = make_hotel(institute)
    covered = confirmed(institute)
    make_room(covered, hotel, date(2027, 4, 12), date(2027, 4, 15))
    short = confirmed(institute, full_name="Мадина Ахметова")
    make_room(short, hotel, date(2027, 4, 12), date(2027, 4, 14))

    found = findings(institute, risks.missing_beds)

    assert [f.invitee_id for f in found] == [short.id]
    night = formats.day(date(2027, 4, 14), "medium")
    assert found[0].message == f"Мадина Ахметова has no bed on the night of {night}."


def test_missing_bed_follows_the_travel_legs(institute):
    hotel = make_hotel(institute)
    person = confirmed(institute)
    make_room(person, hotel, date(2027, 4, 12), date(2027, 4, 15))
    # Arriving at 05:30 on the 11th needs the night of the 10th as well.
    make_leg(person, "2027-04-11T01:00", "2027-04-11T05:30")
    make_leg(person, "2027-04-16T09:00", "2027-04-16T10:30", direction=Direction.DEPARTURE)

    found = findings(institute, risks.missing_beds)

    nights = ", ".join(formats.day(date(2027, 4, d), "medium") for d in (10, 11, 15))
    assert f"3 nights: {nights}" in found[0].message


def test_beds_held_for_people_who_declined_or_withdrew_are_flagged(institute):
    hotel = make_hotel(institute, name="Guest House Samal")
    declined = factories.make_invitee(institute, rsvp_status=RsvpStatus.DECLINED)
    withdrawn = factories.make_invitee(institute, rsvp_status=RsvpStatus.WITHDRAWN)
    coming = confirmed(institute)
    for n, person in enumerate((declined, withdrawn, coming)):
        make_room(person, hotel, room_label=str(n))

    found = findings(institute, risks.beds_held_for_absent)

    assert {f.invitee_id for f in found} == {declined.id, withdrawn.id}
    assert "Guest House Samal" in found[0].message


def test_all_findings_put_serious_ones_first(institute):
    make_rule(institute, "JO", VisaRequirement.REQUIRED, lead_time_days=30)
    person = confirmed(institute, nationality="JO")
    make_case(person, VisaStatus.REFUSED)
    confirmed(institute, nationality="TM")

    found = risks.all_findings(risks.load_travel_data(institute, today=date(2027, 4, 1)))

    assert found[0].kind == "visa" and found[-1].severity == "warning"


def test_the_checks_of_one_invitee(institute):
    person = confirmed(institute, passport_expiry=date(2027, 5, 1), nationality="TM")
    confirmed(institute, nationality="TM")
    data = risks.load_travel_data(institute, today=date(2027, 1, 1))

    assert {f.kind for f in risks.findings_for(data, person.id)} == {
        "passport",
        "visa_rule",
        "no_bed",
    }
    assert services.settings_of(institute).travel_details_days == 21
