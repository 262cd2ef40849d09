"""Hotels and rooms: capacity and sharing, one bed a night per person, the rooming list."""

from datetime import date

import pytest
from sqlalchemy import func, select

from planner.extensions import db
from planner.invitations.models import RsvpStatus
from planner.travel import overview, risks, services
from planner.travel.models import Hotel, RoomAssignment
from tests import factories, formats
from tests.travel.factories import make_hotel, make_room


def guest(institute, name):
    return factories.make_invitee(institute, full_name=name, rsvp_status=RsvpStatus.CONFIRMED)


def room(invitee, hotel, check_in=date(2027, 4, 12), check_out=date(2027, 4, 15), label="201",
         capacity=2):  # fmt: skip
    return services.RoomData(invitee, hotel, label, capacity, check_in, check_out)


def test_two_people_share_a_double_room_and_a_third_is_refused(institute, organizer):
    hotel = make_hotel(institute, name="Hotel Samal")
    first, second = guest(institute, "Айгуль"), guest(institute, "Жылдыз")
    third = guest(institute, "Бермет")
    services.assign_room(institute, room(first, hotel), organizer)
    services.assign_room(institute, room(second, hotel), organizer)

    with pytest.raises(services.InvalidInput) as error:
        services.assign_room(institute, room(third, hotel, date(2027, 4, 14)), organizer)

    assert error.value.errors["room_label"] == (
        f"Room 201 at Hotel Samal holds 2; on the night of {formats.day(date(2027, 4, 14))} "
        "it already has Айгуль, Жылдыз."
    )


def test_a_bed_freed_on_check_out_morning_can_be_taken_that_night(institute, organizer):
    hotel = make_hotel(institute)
    first, second = guest(institute, "A"), guest(institute, "B")
    services.assign_room(institute, room(first, hotel, check_out=date(2027, 4, 13), capacity=1),
                         organizer)  # fmt: skip

    services.assign_room(
        institute, room(second, hotel, check_in=date(2027, 4, 13), capacity=1), organizer
    )

    assert db.session.scalar(select(func.count()).select_from(RoomAssignment)) == 2


def test_the_capacity_belongs_to_the_room_and_cannot_drop_below_its_guests(institute, organizer):
    hotel = make_hotel(institute)
    first, second = guest(institute, "A"), guest(institute, "B")
    services.assign_room(institute, room(first, hotel, capacity=2), organizer)
    services.assign_room(institute, room(second, hotel, capacity=3), organizer)
    capacities = db.session.scalars(select(RoomAssignment.room_capacity)).all()
    assert capacities == [3, 3]

    third = guest(institute, "C")
    with pytest.raises(services.InvalidInput):
        services.assign_room(institute, room(third, hotel, capacity=2), organizer)


def test_one_person_cannot_hold_two_beds_on_the_same_night(institute, organizer):
    hotel = make_hotel(institute)
    person = guest(institute, "Динара")
    services.assign_room(institute, room(person, hotel), organizer)

    with pytest.raises(services.InvalidInput) as error:
        services.assign_room(institute, room(person, hotel, date(2027, 4, 14), label="305"),
                             organizer)  # fmt: skip

    night = formats.day(date(2027, 4, 14))
    assert f"already has a bed on the night of {night}" in error.value.errors["check_in"]


def test_editing_an_assignment_does_not_count_it_twice(institute, organizer):
    hotel = make_hotel(institute)
    person = guest(institute, "A")
    assignment = services.assign_room(institute, room(person, hotel, capacity=1), organizer)

    services.assign_room(
        institute, room(person, hotel, check_out=date(2027, 4, 16), capacity=1), organizer,
        assignment,
    )  # fmt: skip

    assert assignment.check_out == date(2027, 4, 16) and assignment.sequence == 1
    assert assignment.uid.startswith("room-")


@pytest.mark.parametrize(
    ("check_in", "check_out", "field"),
    [
        (date(2027, 4, 14), date(2027, 4, 14), "check_out"),
        (date(2027, 4, 14), date(2027, 4, 12), "check_out"),
        (date(2027, 2, 1), date(2027, 4, 12), "check_in"),
        (date(2027, 4, 12), date(2027, 6, 1), "check_out"),
    ],
)
def test_impossible_or_far_dates_are_refused(institute, organizer, check_in, check_out, field):
    hotel = make_hotel(institute)
    with pytest.raises(services.InvalidInput) as error:
        services.assign_room(institute, room(guest(institute, "A"), hotel, check_in, check_out),
                             organizer)  # fmt: skip
    assert field in error.value.errors


def test_rooming_list_per_night_shows_who_sleeps_where(institute):
    samal, plaza = make_hotel(institute, name="Samal"), make_hotel(institute, name="Plaza")
    a, b, c = guest(institute, "Айгуль"), guest(institute, "Бермет"), guest(institute, "Сауле")
    make_room(a, samal, date(2027, 4, 11), date(2027, 4, 13), "2")
    make_room(b, samal, date(2027, 4, 12), date(2027, 4, 14), "2")
    make_room(c, plaza, date(2027, 4, 12), date(2027, 4, 13), "7", 1)

    nights = overview.rooming_by_night(risks.load_travel_data(institute))

    listed = [
        (night, [(r.hotel.name, r.room_label, [g.full_name for g in r.guests]) for r in rooms])
        for night, rooms in nights
    ]
    assert listed == [
        (date(2027, 4, 11), [("Samal", "2", ["Айгуль"])]),
        (date(2027, 4, 12), [("Plaza", "7", ["Сауле"]), ("Samal", "2", ["Айгуль", "Бермет"])]),
        (date(2027, 4, 13), [("Samal", "2", ["Бермет"])]),
    ]


def test_rooming_page_is_printable_and_not_cached(client, login, organizer, institute):
    hotel = make_hotel(institute, name="Samal")
    make_room(guest(institute, "Айгуль"), hotel)
    login(organizer)

    response = client.get(f"/institutes/{institute.slug}/accommodation/rooming")

    html = response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert f"Night of {formats.day(date(2027, 4, 12), 'full')}" in html
    assert "<td>1 / 2</td>" in html


def test_over_capacity_through_the_form_keeps_the_values_and_saves_nothing(
    client, login, organizer, institute
):
    hotel = make_hotel(institute, name="Samal")
    make_room(guest(institute, "Айгуль"), hotel, room_capacity=1, room_label="12")
    newcomer = guest(institute, "Бермет")
    login(organizer)

    response = client.post(
        f"/institutes/{institute.slug}/accommodation/rooms/new",
        data={
            "invitee_id": newcomer.id,
            "hotel_id": hotel.id,
            "room_label": "12",
            "room_capacity": "1",
            "check_in": "2027-04-12",
            "check_out": "2027-04-15",
        },
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="room_label-error"' in html and "Room 12 at Samal holds 1" in html
    assert 'value="2027-04-15"' in html
    assert db.session.scalar(select(func.count()).select_from(RoomAssignment)) == 1


def test_accommodation_page_warns_about_missing_beds_and_held_beds(
    client, login, organizer, institute
):
    hotel = make_hotel(institute, name="Samal")
    guest(institute, "Aliya Dzhaksybekova")
    declined = factories.make_invitee(
        institute, full_name="Фарангис Назарова", rsvp_status=RsvpStatus.DECLINED
    )
    make_room(declined, hotel)
    login(organizer)

    html = client.get(f"/institutes/{institute.slug}/accommodation/").get_data(as_text=True)

    assert "Aliya Dzhaksybekova has no bed on 3 nights" in html
    assert "is held for Фарангис Назарова, who is not coming" in html


def test_organizer_adds_edits_and_deletes_a_hotel(client, login, organizer, institute):
    login(organizer)
    base = f"/institutes/{institute.slug}/accommodation/hotels"

    assert client.post(f"{base}/new", data={"name": "", "phone": "+7"}).status_code == 400
    client.post(f"{base}/new", data={"name": "Samal", "address": "1 Tauke Khan", "phone": "+7"})
    hotel = db.session.scalar(select(Hotel))
    client.post(f"{base}/{hotel.id}/edit", data={"name": "Samal Plaza"})
    db.session.refresh(hotel)
    assert hotel.name == "Samal Plaza"
    make_room(guest(institute, "A"), hotel)

    client.post(f"{base}/{hotel.id}/delete")

    assert db.session.scalar(select(func.count()).select_from(Hotel)) == 0
    assert db.session.scalar(select(func.count()).select_from(RoomAssignment)) == 0
