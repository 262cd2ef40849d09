"""The invitee's own travel page at /me/travel: enter legs, request a letter, see the status."""

from datetime import datetime

from flask import render_template
from sqlalchemy import func, select

from planner.extensions import db
from planner.formatting import format_moment
from planner.invitations.models import RsvpStatus
from planner.sections import render_panels
from planner.security.models import AuditEvent
from planner.travel import services
from planner.travel.models import TravelLeg, VisaCase, VisaStatus
from tests import factories
from tests.travel.factories import make_hotel, make_leg, make_room
from tests.travel.test_legs import leg_form


def test_invitee_enters_a_cross_zone_leg_and_sees_it(invitee_login, invitee):
    client = invitee_login(invitee)

    page = client.get("/me/travel/legs/new").get_data(as_text=True)
    assert 'name="departs_local"' in page and 'type="datetime-local"' in page
    response = client.post("/me/travel/legs/new", data=leg_form())

    assert response.status_code == 302 and response.headers["Location"].endswith("/me/travel")
    leg = db.session.scalar(select(TravelLeg))
    assert leg.invitee_id == invitee.id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "travel_leg.created"))
    assert event.invitee_id == invitee.id and event.organizer_id is None
    html = client.get("/me/travel").get_data(as_text=True)
    assert format_moment(datetime(2027, 4, 10, 23, 55), "en") in html
    assert format_moment(datetime(2027, 4, 11, 6, 40), "en") in html


def test_invitee_sees_a_clear_message_for_an_impossible_leg(invitee_login, invitee):
    client = invitee_login(invitee)

    response = client.post("/me/travel/legs/new", data=leg_form(arrives_local="2027-04-10T20:00"))

    assert response.status_code == 400
    assert "is not after the departure" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(TravelLeg)) == 0


def test_invitee_edits_and_deletes_their_own_leg(invitee_login, invitee):
    leg = make_leg(invitee)
    client = invitee_login(invitee)

    client.post(f"/me/travel/legs/{leg.id}/edit", data=leg_form(number="RJ 1"))
    db.session.refresh(leg)
    assert leg.number == "RJ 1" and leg.sequence == 1

    client.post(f"/me/travel/legs/{leg.id}/delete")
    assert db.session.scalar(select(func.count()).select_from(TravelLeg)) == 0


def test_another_invitee_cannot_see_or_change_someone_elses_leg(invitee_login, invitee, institute):
    leg = make_leg(invitee, number="KC 111")
    other = factories.make_invitee(institute, rsvp_status=RsvpStatus.CONFIRMED)
    client = invitee_login(other)

    assert client.get(f"/me/travel/legs/{leg.id}/edit").status_code == 404
    assert client.post(f"/me/travel/legs/{leg.id}/edit", data=leg_form()).status_code == 404
    assert client.post(f"/me/travel/legs/{leg.id}/delete").status_code == 404
    assert "KC 111" not in client.get("/me/travel").get_data(as_text=True)
    db.session.refresh(leg)
    assert leg.number == "KC 111"


def test_invitee_requests_an_invitation_letter_and_sees_the_status(invitee_login, invitee):
    client = invitee_login(invitee)
    assert "Request an invitation letter" in client.get("/me/travel").get_data(as_text=True)

    response = client.post("/me/travel/visa-letter", follow_redirects=True)

    html = response.get_data(as_text=True)
    assert "Your request for an invitation letter is sent to the organizers." in html
    assert "letter requested" in html
    assert "Request an invitation letter" not in html
    case = db.session.scalar(select(VisaCase))
    assert case.status == VisaStatus.LETTER_REQUESTED and case.invitee_id == invitee.id


def test_an_unconfirmed_invitee_cannot_request_a_letter(invitee_login, institute):
    invited = factories.make_invitee(institute, rsvp_status=RsvpStatus.INVITED, language="en")
    client = invitee_login(invited)

    html = client.post("/me/travel/visa-letter", follow_redirects=True).get_data(as_text=True)

    assert "Please confirm your participation first." in html
    assert db.session.scalar(select(func.count()).select_from(VisaCase)) == 0


def test_invitee_sees_their_hotel_but_not_who_shares_the_room(invitee_login, invitee, institute):
    hotel = make_hotel(institute, name="Guest House Samal", address="17 Kazybek Bi Street")
    make_room(invitee, hotel)
    roommate = factories.make_invitee(institute, full_name="Соседка По Комнате")
    make_room(roommate, hotel)
    client = invitee_login(invitee)

    html = client.get("/me/travel").get_data(as_text=True)

    assert "Guest House Samal, 17 Kazybek Bi Street" in html
    assert "Соседка По Комнате" not in html


def test_the_me_panel_shows_travel_and_visa_to_confirmed_invitees_only(app, invitee, institute):
    make_leg(invitee, from_place="Dushanbe (DYU)")
    services.request_visa_letter(invitee)
    db.session.commit()
    invited = factories.make_invitee(institute, rsvp_status=RsvpStatus.INVITED)

    panels = dict(render_panels("me", invitee))
    html = render_template("travel/_me_panel.html", panel=panels["travel/_me_panel.html"])

    assert "Dushanbe (DYU)" in html and "letter requested" in html
    assert "travel/_me_panel.html" not in dict(render_panels("me", invited))


def test_the_invitee_panel_shows_legs_visa_room_and_risks(app, invitee, institute, organizer):
    make_leg(invitee, from_place="Dushanbe (DYU)")
    make_room(invitee, make_hotel(institute, name="Samal"), room_label="204")
    invitee.passport_expiry = invitee.institute.start_date
    db.session.commit()

    panels = dict(render_panels("invitee", invitee))
    html = render_template(
        "travel/_invitee_panel.html",
        panel=panels["travel/_invitee_panel.html"],
        institute=institute,
    )

    assert "Dushanbe (DYU)" in html
    assert "room 204" in html
    assert "The passport of Зарина Саидова expires" in html
    assert f"/institutes/{institute.slug}/travel/invitees/{invitee.id}" in html
