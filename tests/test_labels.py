"""A value shown to a person is a label, never an enum's value (B6, B18, B20)."""

from datetime import date, datetime

from flask_babel import force_locale, gettext

from planner.extensions import db
from planner.formatting import format_moment
from planner.invitations.models import RsvpStatus, StatusChange
from planner.mail.services import queue_email
from tests import factories
from tests.travel.test_legs import leg_form


def _ru(app, message: str) -> str:
    with app.test_request_context(), force_locale("ru"):
        return gettext(message)


def test_visa_history_reads_as_labels_in_russian(app, client, login, organizer, institute):
    invitee = factories.make_invitee(institute)
    db.session.add(
        StatusChange(
            invitee_id=invitee.id,
            kind="visa",
            old_status="needed",
            new_status="letter_requested",
            by_invitee=True,
        )
    )
    db.session.commit()
    login(organizer)
    client.post("/language", data={"lang": "ru", "next": "/"})
    page = client.get(f"/institutes/{institute.slug}/invitees/{invitee.id}").get_data(as_text=True)
    assert "letter_requested" not in page
    assert f"{_ru(app, 'Visa')}: {_ru(app, 'needed')} → {_ru(app, 'letter requested')}" in page


def test_outbox_kind_and_paper_size_are_labels(app, client, login, organizer, institute):
    queue_email(
        recipient="a@example.org",
        kind="visa_letter_ready",
        subject="Letter",
        body_text="…",
        institute=institute,
    )
    db.session.commit()
    login(organizer)
    client.post("/language", data={"lang": "ru", "next": "/"})
    outbox = client.get(f"/institutes/{institute.slug}/outbox/").get_data(as_text=True)
    assert ">visa_letter_ready<" not in outbox
    assert _ru(app, "Visa letter ready") in outbox
    documents = client.get(f"/institutes/{institute.slug}/documents/").get_data(as_text=True)
    assert f">{_ru(app, 'US Letter')}</option>" in documents
    assert ">letter</option>" not in documents


def test_leg_direction_and_mode_read_as_labels(app, invitee_login, institute):
    invitee = factories.make_invitee(institute, rsvp_status=RsvpStatus.CONFIRMED, language="en")
    client = invitee_login(invitee)
    client.post("/me/travel/legs/new", data=leg_form())
    page = client.get("/me/travel").get_data(as_text=True)
    assert "Arrival · Air" in page


def test_a_leg_that_ends_before_it_starts_is_explained_in_local_times(invitee_login, institute):
    invitee = factories.make_invitee(institute, rsvp_status=RsvpStatus.CONFIRMED, language="en")
    client = invitee_login(invitee)
    response = client.post(
        "/me/travel/legs/new",
        data=leg_form(
            departs_local="2027-04-11T17:10",
            arrives_local="2027-04-11T16:40",
            departs_tz="Asia/Almaty",
        ),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "UTC" not in page.split("is not after")[0][-80:]
    assert format_moment(datetime(2027, 4, 11, 16, 40), "en") in page
    assert "Asia/Almaty" in page


def test_a_confirmed_invitee_is_not_asked_to_answer_by_the_deadline(app, institute):
    from planner.invitations import services

    institute.rsvp_deadline = date(2027, 3, 1)
    invitee = factories.make_invitee(institute, rsvp_status=RsvpStatus.CONFIRMED, language="en")
    with app.test_request_context():
        _locale, _subject, text, _html = services.compose("rsvp_answer", invitee)
    assert "Please answer by" not in text


def test_the_own_answer_badge_says_you_in_russian(app, invitee_login, institute):
    invitee = factories.make_invitee(institute, rsvp_status=RsvpStatus.CONFIRMED, language="ru")
    page = invitee_login(invitee).get("/me/").get_data(as_text=True)
    assert _ru(app, "You are coming") in page
    assert "Подтвердили" not in page
