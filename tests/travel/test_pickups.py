"""B5: "needs a pickup" (the traveller asked) and "pickup arranged" (an organizer said who and
when) are two facts, and every list, page, feed and e-mail says which one holds."""

from datetime import datetime

from sqlalchemy import select

from planner.invitations.models import RsvpStatus
from planner.mail.models import OutboundEmail
from planner.travel import risks
from planner.travel.manifests import build_manifest
from planner.travel.models import Pickup, TravelLeg, pickup_state
from tests import factories
from tests.travel.factories import make_leg


def leg_form(**changes) -> dict:
    form = {
        "direction": "arrival",
        "mode": "air",
        "carrier": "Turkish Airlines",
        "number": "TK 9350",
        "from_place": "Istanbul (IST)",
        "departs_local": "2027-04-11T08:05",
        "departs_tz": "Europe/Istanbul",
        "to_place": "Shymkent (CIT)",
        "arrives_local": "2027-04-11T15:45",
        "arrives_tz": "Asia/Almaty",
        "border_crossing": "",
        "needs_pickup": "y",
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def test_the_pickup_rule():
    assert pickup_state(False, "") == Pickup.NONE
    assert pickup_state(True, "") == Pickup.REQUESTED
    assert pickup_state(True, "  ") == Pickup.REQUESTED
    assert pickup_state(True, "Ermek") == Pickup.ARRANGED
    assert pickup_state(False, "Ermek") == Pickup.ARRANGED  # arranged without being asked


def test_asking_for_a_pickup_is_not_an_arrangement(client, invitee_login, invitee, db):
    me = invitee_login(invitee)
    assert me.post("/me/travel/legs/new", data=leg_form()).status_code == 302
    leg = db.session.scalar(select(TravelLeg))

    assert leg.pickup == Pickup.REQUESTED
    page = me.get("/me/travel").get_data(as_text=True)
    assert "asked for, not arranged yet" in page
    assert db.session.scalars(select(OutboundEmail)).all() == []  # nothing is arranged


def test_an_organizer_arranges_a_pickup_and_the_traveller_is_told(
    client, login, organizer, institute, invitee, invitee_login, db
):
    leg = make_leg(invitee, needs_pickup=True)
    login(organizer)
    response = client.post(
        f"/institutes/{institute.slug}/travel/legs/{leg.id}/edit",
        data=leg_form(pickup_by="Ermek, +7 701 555 0101", pickup_at="2027-04-11T15:30"),
    )
    assert response.status_code == 302
    db.session.expire_all()
    leg = db.session.get(TravelLeg, leg.id)
    assert leg.pickup == Pickup.ARRANGED
    assert leg.pickup_at == datetime(2027, 4, 11, 15, 30)
    [mail] = db.session.scalars(select(OutboundEmail)).all()
    assert mail.kind == "pickup_arranged" and mail.recipient == invitee.email
    assert "Ermek, +7 701 555 0101" in mail.body_text and "15:30" in mail.body_text

    # Saving again without a change sends nothing more.
    client.post(
        f"/institutes/{institute.slug}/travel/legs/{leg.id}/edit",
        data=leg_form(pickup_by="Ermek, +7 701 555 0101", pickup_at="2027-04-11T15:30"),
    )
    assert len(db.session.scalars(select(OutboundEmail)).all()) == 1

    # The traveller editing their own leg keeps the arrangement.
    client.get("/logout")
    me = invitee_login(invitee)
    assert me.post(f"/me/travel/legs/{leg.id}/edit", data=leg_form()).status_code == 302
    db.session.expire_all()
    assert db.session.get(TravelLeg, leg.id).pickup_by == "Ermek, +7 701 555 0101"
    assert "arranged: Ermek, +7 701 555 0101, 15:30" in me.get("/me/travel").get_data(as_text=True)


def test_the_manifest_tells_asked_from_arranged(institute):
    asked = factories.make_invitee(institute, full_name="Asked", rsvp_status=RsvpStatus.CONFIRMED)
    done = factories.make_invitee(institute, full_name="Done", rsvp_status=RsvpStatus.CONFIRMED)
    make_leg(asked, needs_pickup=True)
    make_leg(done, needs_pickup=True, pickup_by="Ermek")

    manifest = build_manifest(risks.load_travel_data(institute), "arrival")

    pickups = {row.name: row.cells["pickup"] for row in manifest.rows}
    assert pickups == {"Asked": "asked for, not arranged yet", "Done": "arranged: Ermek"}
    [day] = manifest.days
    assert (day.pickups_requested, day.pickups_arranged) == (1, 1)


def test_the_travel_list_filters_asked_and_arranged_pickups(client, login, organizer, institute):
    asked = factories.make_invitee(institute, full_name="Asked", rsvp_status=RsvpStatus.CONFIRMED)
    done = factories.make_invitee(institute, full_name="Done", rsvp_status=RsvpStatus.CONFIRMED)
    make_leg(asked, needs_pickup=True)
    make_leg(done, needs_pickup=True, pickup_by="Ermek")
    login(organizer)
    base = f"/institutes/{institute.slug}/travel/"

    waiting = client.get(f"{base}?travel=pickup").get_data(as_text=True)
    arranged = client.get(f"{base}?travel=pickup_arranged").get_data(as_text=True)

    assert "Asked" in waiting and ">Done<" not in waiting
    assert "arranged: Ermek" in arranged and ">Asked<" not in arranged
