"""The reporting profile: optional answers at /me/, organizers' edits, the age group rule."""

from datetime import date

import pytest

from planner.extensions import db
from planner.invitations.models import RsvpStatus
from planner.reports import profiles
from planner.reports.models import AgeGroup, Gender, ReportingProfile
from planner.security.models import AuditEvent
from tests import factories


@pytest.mark.parametrize(
    ("birth", "group"),
    [
        (date(2002, 4, 12), AgeGroup.FROM_25_TO_29),  # 25th birthday on the first day
        (date(2002, 4, 13), AgeGroup.UNDER_25),  # turns 25 the day after the start
        (date(1997, 4, 13), AgeGroup.FROM_25_TO_29),  # 29 until the day after
        (date(1997, 4, 12), AgeGroup.FROM_30_TO_39),
        (date(1977, 4, 12), AgeGroup.FROM_50),
        (date(1977, 4, 13), AgeGroup.FROM_40_TO_49),
    ],
)
def test_age_group_comes_from_the_date_of_birth_at_the_first_day(institute, birth, group):
    assert institute.start_date == date(2027, 4, 12)
    person = factories.make_invitee(institute, date_of_birth=birth.isoformat())
    answered = ReportingProfile(invitee_id=person.id, age_group=AgeGroup.FROM_50.value)

    assert profiles.age_group_of(person, answered) == group


def test_age_group_is_the_answer_without_a_date_of_birth(institute):
    person = factories.make_invitee(institute)
    assert profiles.age_group_of(person, None) is None
    answered = ReportingProfile(invitee_id=person.id, age_group="30_39")
    assert profiles.age_group_of(person, answered) == AgeGroup.FROM_30_TO_39


def test_invitee_answers_at_me_with_the_reason_stated(invitee_login, institute):
    person = factories.make_invitee(institute, rsvp_status=RsvpStatus.CONFIRMED, language="en")
    client = invitee_login(person)

    me = client.get("/me/").get_data(as_text=True)
    assert "/me/profile" in me and "never names" in me
    page = client.get("/me/profile")
    assert page.status_code == 200 and 'name="age_group"' in page.get_data(as_text=True)
    response = client.post(
        "/me/profile",
        data={
            "gender": "self_described",
            "gender_text": "genderqueer",
            "age_group": "25_29",
            "setting": "rural",
            "sector": "media",
        },
    )

    assert response.status_code == 302
    profile = db.session.get(ReportingProfile, person.id)
    assert (profile.gender, profile.gender_text, profile.age_group) == (
        Gender.SELF_DESCRIBED,
        "genderqueer",
        "25_29",
    )
    assert (profile.setting, profile.sector) == ("rural", "media")


def test_every_answer_may_stay_empty(invitee_login, institute):
    person = factories.make_invitee(institute, rsvp_status=RsvpStatus.CONFIRMED)
    client = invitee_login(person)
    response = client.post("/me/profile", data={})
    assert response.status_code == 302
    profile = db.session.get(ReportingProfile, person.id)
    assert (profile.gender, profile.age_group, profile.setting, profile.sector) == (None,) * 4


def test_a_self_description_needs_the_choice_and_nothing_is_lost(invitee_login, institute):
    person = factories.make_invitee(institute, rsvp_status=RsvpStatus.CONFIRMED, language="en")
    client = invitee_login(person)

    response = client.post(
        "/me/profile",
        data={"gender": "woman", "gender_text": "my words", "setting": "urban", "sector": "bogus"},
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Self-described" in page and 'value="my words"' in page
    assert '<option selected value="urban">' in page or 'value="urban" selected' in page
    assert db.session.get(ReportingProfile, person.id) is None


def test_no_age_question_when_the_date_of_birth_is_known(invitee_login, institute):
    person = factories.make_invitee(
        institute, rsvp_status=RsvpStatus.CONFIRMED, date_of_birth="1990-01-01"
    )
    client = invitee_login(person)
    page = client.get("/me/profile").get_data(as_text=True)
    assert 'name="age_group"' not in page
    client.post("/me/profile", data={"age_group": "under_25"})
    assert db.session.get(ReportingProfile, person.id).age_group is None


def test_not_asked_before_confirming(invitee_login, institute):
    person = factories.make_invitee(institute, rsvp_status=RsvpStatus.INVITED)
    client = invitee_login(person)
    assert "/me/profile" not in client.get("/me/").get_data(as_text=True)
    assert client.get("/me/profile").status_code == 302


def test_organizer_sees_and_edits_the_answers(client, login, organizer, institute):
    person = factories.make_invitee(institute, rsvp_status=RsvpStatus.CONFIRMED)
    login(organizer)
    detail = client.get(f"/institutes/{institute.slug}/invitees/{person.id}")
    assert f"/invitees/{person.id}/profile" in detail.get_data(as_text=True)

    response = client.post(
        f"/institutes/{institute.slug}/invitees/{person.id}/profile",
        data={"gender": "man", "sector": "law"},
    )

    assert response.status_code == 302
    profile = db.session.get(ReportingProfile, person.id)
    assert (profile.gender, profile.sector) == ("man", "law")
    assert db.session.scalars(
        db.select(AuditEvent.action).where(AuditEvent.invitee_id == person.id)
    ).all() == ["profile.updated"]


def test_the_questions_speak_the_invitees_language(invitee_login, institute):
    person = factories.make_invitee(institute, rsvp_status=RsvpStatus.CONFIRMED, language="ru")
    client = invitee_login(person)
    page = client.get("/me/profile").get_data(as_text=True)
    assert "Для отчёта донорам" in page and "Предпочитаю не отвечать" in page


def test_retention_keeps_the_age_group_and_drops_the_self_description(institute):
    from planner.retention import purge_institute

    person = factories.make_invitee(institute, date_of_birth="2000-06-01")
    db.session.add(
        ReportingProfile(invitee_id=person.id, gender="self_described", gender_text="my words")
    )
    db.session.commit()

    purge_institute(institute)
    db.session.commit()

    profile = db.session.get(ReportingProfile, person.id)
    assert person.date_of_birth is None
    assert (profile.age_group, profile.gender, profile.gender_text) == (
        "25_29",
        "self_described",
        "",
    )
    assert profiles.age_group_of(person, profile) == AgeGroup.FROM_25_TO_29
