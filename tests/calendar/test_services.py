"""Feed link operations without HTTP: issue, revoke, expiry, audit, addresses."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from planner.calendar import services
from planner.calendar.models import FeedLink
from planner.security.models import AuditEvent
from tests import factories


def actions(db) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_issuing_revokes_the_earlier_link_and_is_audited(institute, organizer, db):
    invitee = factories.make_invitee(institute)
    first = services.issue_feed_link(invitee, organizer=organizer)
    second = services.issue_feed_link(invitee, by_invitee=True)
    db.session.commit()
    db.session.refresh(first)
    assert first.revoked_at is not None
    assert services.active_feed_link(invitee).id == second.id
    assert actions(db) == [
        "calendar.feed_link_issued",
        "calendar.feed_link_issued.by_invitee",
    ]
    event = db.session.scalars(select(AuditEvent)).first()
    assert (event.organizer_id, event.invitee_id, event.object_type) == (
        organizer.id,
        invitee.id,
        "FeedLink",
    )


def test_revoking_counts_the_links_it_ended(institute, organizer, db):
    invitee = factories.make_invitee(institute)
    services.issue_feed_link(invitee)
    db.session.commit()
    assert services.revoke_feed_links(invitee, organizer=organizer) == 1
    assert services.revoke_feed_links(invitee, organizer=organizer) == 0
    db.session.commit()
    assert services.active_feed_link(invitee) is None
    assert actions(db)[-2:] == ["calendar.feed_link_revoked", "calendar.feed_link_revoked"]


def test_link_lives_until_sixty_days_after_the_institute(organizer, db):
    institute = factories.make_institute(owner=organizer, end_date=date(2027, 4, 15))
    invitee = factories.make_invitee(institute)
    before = datetime(2027, 1, 10, tzinfo=UTC)
    link = services.issue_feed_link(invitee, now=before)
    assert link.expires_at == datetime(2027, 6, 14, tzinfo=UTC)
    # made after the institute: still sixty days from now
    after = datetime(2027, 9, 1, tzinfo=UTC)
    late = services.issue_feed_link(invitee, now=after)
    assert late.expires_at == after + timedelta(days=60)


def test_active_links_are_counted_per_institute(institute, organizer, db):
    for _ in range(3):
        services.issue_feed_link(factories.make_invitee(institute))
    revoked = factories.make_invitee(institute)
    services.issue_feed_link(revoked)
    services.revoke_feed_links(revoked)
    services.issue_feed_link(factories.make_invitee(factories.make_institute(owner=organizer)))
    db.session.commit()
    assert services.count_active_links(institute) == 3


def test_addresses_come_from_the_base_url_in_three_forms(institute, db):
    link = services.issue_feed_link(factories.make_invitee(institute))
    db.session.commit()
    token = services.feed_token(link)
    addresses = services.personal_feed_addresses(link, "https://planner.example.org")
    assert addresses.https == f"https://planner.example.org/feeds/{token}.ics"
    assert addresses.webcal == f"webcal://planner.example.org/feeds/{token}.ics"
    assert addresses.download == f"https://planner.example.org/feeds/{token}.ics?download=1"


def test_last_use_is_remembered_at_most_hourly(institute, db):
    link = services.issue_feed_link(factories.make_invitee(institute))
    noon = datetime(2027, 4, 12, 12, tzinfo=UTC)
    assert services.note_feed_use(link, noon) is True
    assert services.note_feed_use(link, noon + timedelta(minutes=59)) is False
    assert services.note_feed_use(link, noon + timedelta(minutes=60)) is True
    assert link.last_used_at == noon + timedelta(hours=1)


def test_tokens_of_two_links_differ_and_only_hashes_are_stored(institute, db):
    invitee = factories.make_invitee(institute)
    one = services.issue_feed_link(invitee)
    two = services.issue_feed_link(invitee)
    db.session.commit()
    assert services.feed_token(one) != services.feed_token(two)
    stored = {row.token_hash for row in db.session.scalars(select(FeedLink))}
    assert services.feed_token(one) not in stored and services.feed_token(two) not in stored
