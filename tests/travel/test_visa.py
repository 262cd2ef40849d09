"""Visa rules and cases: one transition table, dated steps, history, letter requests."""

import pytest
from sqlalchemy import func, select

from planner.invitations.models import RsvpStatus, StatusChange
from planner.security.models import AuditEvent
from planner.travel import services
from planner.travel.models import VisaCase, VisaRequirement, VisaRule, VisaStatus
from tests import factories
from tests.travel.factories import make_case, make_rule

S = VisaStatus


def test_every_status_has_a_row_in_the_transition_table():
    assert set(services.VISA_TRANSITIONS) == set(VisaStatus)
    for status, targets in services.VISA_TRANSITIONS.items():
        assert status not in targets


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (S.NOT_NEEDED, S.NEEDED),
        (S.NEEDED, S.LETTER_REQUESTED),
        (S.LETTER_REQUESTED, S.LETTER_SENT),
        (S.LETTER_SENT, S.APPLIED),
        (S.APPLIED, S.APPROVED),
        (S.APPLIED, S.REFUSED),
        (S.REFUSED, S.APPLIED),
        (S.REFUSED, S.LETTER_REQUESTED),
        (S.APPROVED, S.APPLIED),
    ],
)
def test_organizer_moves_a_case_along_the_table(db, invitee, organizer, old, new):
    case = make_case(invitee, old)

    services.transition_visa_case(case, new, organizer=organizer, note="Embassy appointment")
    db.session.commit()

    assert case.status == new
    change = db.session.scalar(select(StatusChange).where(StatusChange.kind == "visa"))
    assert (change.old_status, change.new_status) == (old.value, new.value)
    assert change.organizer_id == organizer.id and not change.by_invitee
    assert change.note == "Embassy appointment"
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == f"visa_case.{new.value}")
    )


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (S.NEEDED, S.APPROVED),
        (S.NOT_NEEDED, S.LETTER_SENT),
        (S.LETTER_REQUESTED, S.APPROVED),
        (S.APPROVED, S.REFUSED),
    ],
)
def test_a_step_outside_the_table_is_refused_and_nothing_is_written(
    db, invitee, organizer, old, new
):
    case = make_case(invitee, old)

    with pytest.raises(services.VisaTransitionError):
        services.transition_visa_case(case, new, organizer=organizer)

    assert case.status == old
    assert db.session.scalar(select(func.count()).select_from(StatusChange)) == 0


def test_each_step_is_dated(db, invitee, organizer):
    case = make_case(invitee, S.NEEDED)
    for step in (S.LETTER_REQUESTED, S.LETTER_SENT, S.APPLIED, S.APPROVED):
        services.transition_visa_case(case, step, organizer=organizer)
    db.session.commit()

    assert case.letter_requested_at <= case.letter_sent_at <= case.applied_at <= case.decided_at
    assert [c.new_status for c in services.visa_history(invitee)] == [
        "letter_requested",
        "letter_sent",
        "applied",
        "approved",
    ]


def test_an_invitee_may_only_ask_for_a_letter(db, invitee):
    case = make_case(invitee, S.LETTER_SENT)
    with pytest.raises(services.VisaTransitionError):
        services.transition_visa_case(case, S.APPLIED, by_invitee=True)


def test_invitee_requests_a_letter_which_opens_the_case(db, invitee):
    case = services.request_visa_letter(invitee)
    db.session.commit()

    assert case.status == S.LETTER_REQUESTED
    assert case.letter_requested_at is not None and case.letter_approved_at is None
    history = services.visa_history(invitee)
    assert [(c.old_status, c.new_status, c.by_invitee) for c in history] == [
        (None, "needed", True),
        ("needed", "letter_requested", True),
    ]


def test_a_letter_needs_a_confirmed_rsvp(db, institute):
    invited = factories.make_invitee(institute, rsvp_status=RsvpStatus.INVITED)
    with pytest.raises(services.VisaTransitionError, match="confirm your participation"):
        services.request_visa_letter(invited)
    assert db.session.scalar(select(func.count()).select_from(VisaCase)) == 0


def test_a_second_request_is_refused_politely(db, invitee):
    services.request_visa_letter(invitee)
    with pytest.raises(services.VisaTransitionError, match="already reached us"):
        services.request_visa_letter(invitee)


def test_organizer_approves_a_letter_request_and_the_status_stays_requested(db, invitee, organizer):
    case = services.request_visa_letter(invitee)

    services.approve_letter_request(case, organizer)
    db.session.commit()

    assert case.status == S.LETTER_REQUESTED
    assert case.letter_approved_at is not None
    with pytest.raises(services.VisaTransitionError):
        services.approve_letter_request(case, organizer)
    # What the documents helper does once the letter is sent:
    services.transition_visa_case(case, S.LETTER_SENT, organizer=organizer)
    assert case.status == S.LETTER_SENT
    with pytest.raises(services.VisaTransitionError):
        services.approve_letter_request(case, organizer)


def test_a_new_letter_request_needs_a_new_approval(db, invitee, organizer):
    case = services.request_visa_letter(invitee)
    services.approve_letter_request(case, organizer)
    services.transition_visa_case(case, S.LETTER_SENT, organizer=organizer)

    services.transition_visa_case(case, S.LETTER_REQUESTED, organizer=organizer)

    assert case.letter_approved_at is None


def test_open_cases_for_everyone_whose_rule_asks_for_a_visa(db, institute, organizer):
    make_rule(institute, "JO", VisaRequirement.REQUIRED, lead_time_days=30)
    make_rule(institute, "UZ", VisaRequirement.E_VISA, lead_time_days=10)
    make_rule(institute, "KG", VisaRequirement.NOT_NEEDED, visa_free_days=30)
    jordanian = factories.make_invitee(institute, nationality="JO", rsvp_status="confirmed")
    uzbek = factories.make_invitee(institute, nationality="UZ", rsvp_status="confirmed")
    factories.make_invitee(institute, nationality="KG", rsvp_status="confirmed")
    factories.make_invitee(institute, nationality="JO", rsvp_status="invited")

    assert services.open_visa_cases(institute, organizer) == 2
    assert services.open_visa_cases(institute, organizer) == 0
    cases = db.session.scalars(select(VisaCase)).all()
    assert {c.invitee_id for c in cases} == {jordanian.id, uzbek.id}
    assert {c.status for c in cases} == {S.NEEDED}


def test_rule_form_saves_and_replaces_a_rule(client, login, organizer, institute, db):
    login(organizer)
    url = f"/institutes/{institute.slug}/visas/rules"

    client.post(url, data={"nationality": "JO", "requirement": "required", "lead_time_days": "30"})
    client.post(url, data={"nationality": "JO", "requirement": "e_visa", "lead_time_days": "12"})

    rules = db.session.scalars(select(VisaRule)).all()
    assert [(r.nationality, r.requirement, r.lead_time_days) for r in rules] == [
        ("JO", VisaRequirement.E_VISA, 12)
    ]


def test_visa_free_rule_needs_its_number_of_days(client, login, organizer, institute, db):
    login(organizer)

    response = client.post(
        f"/institutes/{institute.slug}/visas/rules",
        data={"nationality": "KG", "requirement": "not_needed", "notes": "ask the embassy"},
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter how many days one may stay without a visa." in html
    assert "ask the embassy" in html
    assert db.session.scalar(select(func.count()).select_from(VisaRule)) == 0


def test_nationalities_without_a_rule_are_shown_as_unknown(
    client, login, organizer, institute, invitee
):
    login(organizer)
    html = client.get(f"/institutes/{institute.slug}/visas/").get_data(as_text=True)
    assert "No rule yet for: Tajikistan." in html


def test_organizer_moves_a_case_on_its_page(client, login, organizer, institute, invitee, db):
    case = make_case(invitee, S.APPLIED)
    login(organizer)

    page = client.get(f"/institutes/{institute.slug}/visas/cases/{case.id}").get_data(as_text=True)
    assert '<option value="approved">approved</option>' in page
    assert '<option value="needed">' not in page

    response = client.post(
        f"/institutes/{institute.slug}/visas/cases/{case.id}/status",
        data={"status": "refused", "note": "Missing bank statement"},
    )
    assert response.status_code == 302
    db.session.refresh(case)
    assert case.status == S.REFUSED

    response = client.post(
        f"/institutes/{institute.slug}/visas/cases/{case.id}/status", data={"status": "approved"}
    )
    assert response.status_code == 400
    assert case.status == S.REFUSED


def test_organizer_approves_a_letter_on_the_case_page(
    client, login, organizer, institute, invitee, db
):
    case = services.request_visa_letter(invitee)
    db.session.commit()
    login(organizer)

    response = client.post(f"/institutes/{institute.slug}/visas/cases/{case.id}/approve-letter")

    assert response.status_code == 302
    db.session.refresh(case)
    assert case.letter_approved_at is not None
