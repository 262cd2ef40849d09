"""A feed costs the same number of SQL statements whatever the size of the program."""

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from planner.agenda.models import SessionKind
from planner.invitations.models import InviteeRole
from tests import factories
from tests.calendar.conftest import count_queries, parse
from tests.calendar.factories import make_hotel, make_leg, make_room, make_session, make_stay


def build_program(institute, count: int, facilitator, participant) -> None:
    """``count`` sessions over four days: plenaries and breaks, and breakouts in 3 rooms."""
    rooms = [make_room(institute, f"Room {n}") for n in range(3)]
    for n in range(count):
        day, slot = divmod(n, 15)
        starts = datetime(2027, 4, 12, 8) + timedelta(days=day, minutes=40 * slot)
        breakout = n % 3 == 1
        make_session(
            institute,
            f"Session {n}",
            starts,
            starts + timedelta(minutes=30),
            kind=SessionKind.BREAKOUT if breakout else SessionKind.PLENARY,
            room=rooms[n % 3],
            facilitators=[facilitator] if n % 2 else [],
            participants=[participant] if breakout else [],
            commit=False,
        )
    from planner.extensions import db

    db.session.commit()


def statements_for(client, url: str) -> tuple[int, int]:
    client.get(url)  # warm: zone tables, templates, the once-an-hour last-use write
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements), len(parse(response.data).walk("VEVENT"))


@pytest.mark.parametrize("feed", ["institute", "personal"])
def test_feed_query_count_does_not_grow_with_sessions(app, organizer, feed, feed_url, db):
    counts = {}
    for size in (10, 60):
        institute = factories.make_institute(owner=organizer, program_published=True)
        facilitator = factories.make_invitee(institute, role=InviteeRole.FACILITATOR)
        participant = factories.make_invitee(institute)
        build_program(institute, size, facilitator, participant)
        make_leg(
            participant,
            datetime(2027, 4, 11, 6),
            "Asia/Tashkent",
            datetime(2027, 4, 11, 8),
            "Asia/Almaty",
        )
        make_stay(participant, make_hotel(institute))
        client = app.test_client()
        url = f"/p/{institute.slug}/program.ics" if feed == "institute" else feed_url(participant)
        counts[size] = statements_for(client, url)
    (small, small_events), (large, large_events) = counts[10], counts[60]
    assert large_events > small_events  # the bigger program really is in the feed
    assert small == large
    # institute feed: the institute, then the body built by the first request from the cache;
    # personal feed (never cached): the link (with its invitee and institute), sessions,
    # facilitators, travel legs, hotel nights
    assert large == {"institute": 1, "personal": 5}[feed]


def test_the_cached_institute_feed_follows_each_change(app, organizer, db):
    institute = factories.make_institute(owner=organizer, program_published=True)
    build_program(
        institute, 3, factories.make_invitee(institute), factories.make_invitee(institute)
    )
    client = app.test_client()
    url = f"/p/{institute.slug}/program.ics"
    first = parse(client.get(url).data)
    assert len(first.walk("VEVENT")) == 3
    make_session(institute, "Added late", datetime(2027, 4, 14, 16), datetime(2027, 4, 14, 17))
    again = parse(client.get(url).data)
    assert "Added late" in [str(e["SUMMARY"]) for e in again.walk("VEVENT")]
    folder = Path(app.config["DOCUMENT_CACHE_DIR"]) / str(institute.id)
    assert len(list(folder.glob("program-feed-*.ics"))) == 1  # the old version is gone
