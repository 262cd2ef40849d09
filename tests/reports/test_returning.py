"""Returning participants: by e-mail, by name and nationality with confirmation, within one
organization only."""

from datetime import date

from planner.extensions import db
from planner.invitations.models import RsvpStatus
from planner.reports import building, returning
from tests import factories


def earlier_of(owner, **fields):
    return factories.make_institute(
        owner=owner, start_date=date(2026, 5, 1), end_date=date(2026, 5, 4), **fields
    )


def test_same_email_in_an_earlier_institute_of_the_team_is_returning(institute, organizer):
    before = earlier_of(organizer)
    factories.make_invitee(before, email="kamila@example.org", rsvp_status=RsvpStatus.CONFIRMED)
    person = factories.make_invitee(institute, email="kamila@example.org")

    [record] = returning.history_of(person)

    assert (record.by, record.decision, record.institute_title) == (
        "email",
        "confirmed",
        before.title,
    )
    assert building.returning_ids(institute) == {person.id}


def test_an_institute_of_another_team_or_a_later_one_does_not_count(institute, organizer):
    stranger = earlier_of(factories.make_organizer())
    later = factories.make_institute(
        owner=organizer, start_date=date(2028, 1, 1), end_date=date(2028, 1, 2)
    )
    for other in (stranger, later):
        factories.make_invitee(other, email="same@example.org", rsvp_status=RsvpStatus.CONFIRMED)
    person = factories.make_invitee(institute, email="same@example.org")
    assert returning.history_of(person) == []
    assert building.returning_ids(institute) == set()


def test_who_only_declined_before_is_new(institute, organizer):
    before = earlier_of(organizer)
    factories.make_invitee(before, email="no@example.org", rsvp_status=RsvpStatus.DECLINED)
    person = factories.make_invitee(institute, email="no@example.org")
    # The history shows the decline (organizers see it), but it is no participation.
    [record] = returning.history_of(person)
    assert (record.rsvp, record.took_part) == (RsvpStatus.DECLINED, False)
    assert building.returning_ids(institute) == set()


def test_name_and_nationality_wait_for_an_organizers_confirmation(
    client, login, institute, organizer
):
    before = earlier_of(organizer)
    old = factories.make_invitee(
        before,
        full_name="Фарход Ёров",
        nationality="TJ",
        email="old@example.org",
        rsvp_status=RsvpStatus.CONFIRMED,
    )
    factories.make_invitee(  # same name, other nationality: someone else
        before, full_name="Фарход Ёров", nationality="UZ", rsvp_status=RsvpStatus.CONFIRMED
    )
    person = factories.make_invitee(
        institute, full_name="ФАРХОД ЕРОВ", nationality="TJ", email="new@example.org"
    )
    [record] = returning.history_of(person)
    assert (record.by, record.decision) == ("name", "pending")
    assert building.returning_ids(institute) == set()

    login(organizer)
    page = client.get(f"/institutes/{institute.slug}/invitees/{person.id}").get_data(as_text=True)
    assert before.title in page and f"/returning/{old.id}/confirm" in page
    client.post(f"/institutes/{institute.slug}/invitees/{person.id}/returning/{old.id}/confirm")
    assert building.returning_ids(institute) == {person.id}
    client.post(f"/institutes/{institute.slug}/invitees/{person.id}/returning/{old.id}/reject")
    assert returning.history_of(person)[0].decision == "rejected"
    assert building.returning_ids(institute) == set()


def test_only_a_real_candidate_can_be_confirmed(client, login, institute, organizer):
    before = earlier_of(organizer)
    unrelated = factories.make_invitee(before, rsvp_status=RsvpStatus.CONFIRMED)
    person = factories.make_invitee(institute)
    login(organizer)
    url = f"/institutes/{institute.slug}/invitees/{person.id}/returning/{unrelated.id}/confirm"
    assert client.post(url).status_code == 404
    db.session.expire_all()
    assert building.returning_ids(institute) == set()


def test_reusing_details_copies_only_non_sensitive_ones(client, login, institute, organizer):
    from planner.reports.models import ReportingProfile

    before = earlier_of(organizer)
    old = factories.make_invitee(
        before,
        email="same@example.org",
        organization="Women's Voice (fictional)",
        passport_number="N5550001",
        date_of_birth="1990-02-03",
        phone="+996 555 000 111",
        dietary_needs="halal",
        rsvp_status=RsvpStatus.CONFIRMED,
    )
    db.session.add(ReportingProfile(invitee_id=old.id, gender="woman", sector="media"))
    person = factories.make_invitee(institute, email="same@example.org", organization="", phone="")
    stranger = factories.make_invitee(before, rsvp_status=RsvpStatus.CONFIRMED)
    db.session.commit()
    login(organizer)
    base = f"/institutes/{institute.slug}/invitees/{person.id}/returning"

    assert client.post(f"{base}/{stranger.id}/reuse").status_code == 404
    assert client.post(f"{base}/{old.id}/reuse").status_code == 302

    db.session.expire_all()
    profile = db.session.get(ReportingProfile, person.id)
    assert person.organization == "Women's Voice (fictional)"
    assert (profile.gender, profile.sector) == ("woman", "media")
    assert person.passport_number is None and person.date_of_birth is None
    assert person.phone == "" and person.dietary_needs == ""
