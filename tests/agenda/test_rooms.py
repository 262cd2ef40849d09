"""Rooms of the venue: add, edit, delete; names unique per institute; sessions follow renames."""

from sqlalchemy import select

from planner.agenda.models import Room
from tests import factories
from tests.agenda.factories import make_room, make_session


def rooms_url(institute, path=""):
    return f"/institutes/{institute.slug}/agenda/rooms{path}"


def room_names(db, institute):
    return list(
        db.session.scalars(
            select(Room.name).where(Room.institute_id == institute.id).order_by(Room.position)
        )
    )


def test_editor_adds_rooms_in_order(institute, editor_client, db):
    for name, capacity in (("Plenary Hall", "40"), ("Altai Room", "10")):
        response = editor_client.post(
            rooms_url(institute), data={"name": name, "capacity": capacity}
        )
        assert response.status_code == 302
    assert room_names(db, institute) == ["Plenary Hall", "Altai Room"]
    page = editor_client.get(rooms_url(institute)).get_data(as_text=True)
    assert '<th scope="row">Altai Room</th>' in page


def test_room_names_are_unique_per_institute_whatever_the_case(institute, editor_client, db):
    make_room(institute, "Altai Room")
    make_room(factories.make_institute(), "Turkestan Room")
    response = editor_client.post(rooms_url(institute), data={"name": "altai room"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Another room already has this name." in page
    assert 'value="altai room"' in page
    assert (
        editor_client.post(rooms_url(institute), data={"name": "Turkestan Room"}).status_code == 302
    )
    assert room_names(db, institute) == ["Altai Room", "Turkestan Room"]


def test_bad_capacity_is_explained(institute, editor_client, db):
    response = editor_client.post(rooms_url(institute), data={"name": "Foyer", "capacity": "-3"})
    assert response.status_code == 400
    assert "Number must be between 1 and 10000." in response.get_data(as_text=True)
    assert room_names(db, institute) == []


def test_renaming_a_room_raises_the_sequence_of_its_sessions(institute, editor_client, db):
    room = make_room(institute, "Altai Room", 10)
    session = make_session(institute, room=room)
    response = editor_client.post(
        rooms_url(institute, f"/{room.id}"), data={"name": "Altai Hall", "capacity": "12"}
    )
    assert response.status_code == 302
    db.session.refresh(session)
    db.session.refresh(room)
    assert (room.name, room.capacity, session.sequence) == ("Altai Hall", 12, 1)


def test_a_room_in_use_cannot_be_deleted(institute, editor_client, db):
    used = make_room(institute, "Altai Room")
    free = make_room(institute, "Foyer")
    make_session(institute, room=used, status="cancelled")
    response = editor_client.post(rooms_url(institute, f"/{used.id}/delete"), follow_redirects=True)
    assert "Sessions are planned in this room" in response.get_data(as_text=True)
    editor_client.post(rooms_url(institute, f"/{free.id}/delete"))
    assert room_names(db, institute) == ["Altai Room"]


def test_a_room_of_another_institute_is_404(institute, editor_client, db):
    foreign = make_room(factories.make_institute(), "Their hall")
    assert editor_client.get(rooms_url(institute, f"/{foreign.id}")).status_code == 404
    assert editor_client.post(rooms_url(institute, f"/{foreign.id}/delete")).status_code == 404
    assert db.session.get(Room, foreign.id) is not None
