"""The program's one read model, and answers from the version: a 304 costs one query."""

from datetime import datetime

import pytest

from planner.agenda.models import Session, SessionKind
from planner.agenda.readmodel import load_program
from planner.calendar import services as calendar_services
from planner.extensions import db
from planner.invitations.models import Invitee
from tests import factories
from tests.agenda.factories import (
    make_facilitator,
    make_participant,
    make_room,
    make_session,
)
from tests.queries import count_queries


@pytest.fixture
def published(institute):
    institute.program_published = True
    db.session.commit()
    room = make_room(institute, "Altai Room")
    rania = make_facilitator(institute, "Rania Haddad", consent_to_list=True)
    make_session(institute, title="Opening", facilitators=[rania])
    make_session(
        institute,
        "2027-04-12 11:00",
        "2027-04-12 12:30",
        "Group A",
        SessionKind.BREAKOUT,
        room,
        facilitators=[rania],
        participants=[make_participant(institute)],
    )
    return institute


def test_one_load_serves_every_view_of_the_program(published):
    program = load_program(published)
    opening, group = program.sessions
    assert (opening.title, group.title) == ("Opening", "Group A")
    assert group.room_name == "Altai Room" and group.participant_count == 1
    assert [f.name for f in group.facilitators] == ["Rania Haddad"]
    assert group.facilitators[0].public and group.facilitators[0].coming


def test_within_a_request_the_program_is_loaded_once(app, published):
    assert published.data_version  # loaded before counting
    with app.test_request_context("/"):
        with count_queries() as queries:
            first = load_program(published)
            second = load_program(published)
        assert first is second
        assert len(queries) == 2


def test_a_change_to_the_program_raises_the_version(published):
    before = published.data_version
    session = load_program(published).sessions[0]
    db.session.get(Session, session.id).title = "Opening plenary"
    db.session.commit()
    assert published.data_version == before + 1
    assert load_program(published).sessions[0].title == "Opening plenary"


def test_unrelated_reads_do_not_raise_the_version(published):
    before = published.data_version
    load_program(published)
    db.session.commit()
    assert published.data_version == before


def _not_modified_queries(client, url: str) -> int:
    etag = client.get(url).headers["ETag"]
    assert etag
    client.get(url, headers={"If-None-Match": etag})  # warm: the hourly note of a feed's use
    with count_queries() as queries:
        response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.data == b""
    return len(queries)


@pytest.mark.parametrize("path", ["/p/{slug}/program.ics", "/p/{slug}/", "/p/{slug}/program.pdf"])
def test_public_answers_304_with_one_query(app, published, path):
    client = app.test_client()
    assert _not_modified_queries(client, path.format(slug=published.slug)) == 1


def test_personal_feed_answers_304_with_one_query(app, published):
    invitee = factories.make_invitee(published)
    link = calendar_services.issue_feed_link(invitee)
    db.session.commit()
    url = f"/feeds/{calendar_services.feed_token(link)}.ics"
    assert _not_modified_queries(app.test_client(), url) == 1


def test_the_etag_changes_with_the_data(app, published):
    client = app.test_client()
    url = f"/p/{published.slug}/program.ics"
    etag = client.get(url).headers["ETag"]
    make_session(published, "2027-04-13 09:00", "2027-04-13 10:00", "Day two")
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert b"Day two" in changed.data
    assert changed.headers["ETag"] != etag


def test_personal_feed_etag_changes_with_own_travel(app, published):
    from planner.travel import services as travel_services

    invitee = factories.make_invitee(published)
    link = calendar_services.issue_feed_link(invitee)
    db.session.commit()
    client = app.test_client()
    url = f"/feeds/{calendar_services.feed_token(link)}.ics"
    etag = client.get(url).headers["ETag"]
    travel_services.add_leg(invitee, _leg_data())
    db.session.commit()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert b"Almaty" in changed.data


def _leg_data():
    from planner.travel import services as travel_services
    from planner.travel.models import Direction, TravelMode

    return travel_services.LegData(
        direction=Direction.ARRIVAL,
        mode=TravelMode.AIR,
        carrier="KC",
        number="101",
        from_place="Almaty",
        to_place="Tashkent",
        departs_local=datetime(2027, 4, 11, 6, 0),
        departs_tz="Asia/Almaty",
        arrives_local=datetime(2027, 4, 11, 7, 30),
        arrives_tz="Asia/Tashkent",
        border_crossing="",
        needs_pickup=False,
    )


def test_a_facilitators_consent_changed_mid_request_is_read_at_once(app, published):
    before = published.data_version
    with app.test_request_context("/"):
        rania = load_program(published).sessions[0].facilitators[0]
        assert rania.public
        person = db.session.get(Invitee, rania.invitee_id)

        person.consent_named_facilitator = False  # not flushed yet

        [again] = load_program(published).sessions[0].facilitators
        assert not again.public
        assert not load_program(published).sessions[1].facilitators[0].public
    db.session.commit()
    assert published.data_version == before + 1  # the public page and feeds follow


def test_a_change_to_someone_who_facilitates_nothing_keeps_the_version(app, published):
    before = published.data_version
    other = factories.make_invitee(published)
    db.session.commit()
    before = published.data_version
    with app.test_request_context("/"):
        load_program(published)
        other.consent_named_facilitator = True
        assert all(
            f.invitee_id != other.id
            for s in load_program(published).sessions
            for f in s.facilitators
        )
    db.session.commit()
    assert published.data_version == before
