"""Stored risks: kept in step with the data, rebuilt when the basis changes; a dashboard whose
number of queries does not grow with invitees (30 and 3,000)."""

from datetime import UTC, date, datetime

from sqlalchemy import func, insert, select

from planner.extensions import db
from planner.invitations.models import Invitee, RsvpStatus
from planner.travel import risks, riskstore
from planner.travel.models import (
    Direction,
    Hotel,
    RoomAssignment,
    TravelLeg,
    TravelMode,
    VisaCase,
    VisaRequirement,
    VisaStatus,
)
from planner.travel.riskstore import Risk
from tests import factories
from tests.travel.factories import make_leg, make_rule

NATIONALITIES = ["KZ", "KG", "TJ", "UZ", "AZ", "JO"]
STATUSES = [RsvpStatus.CONFIRMED, RsvpStatus.CONFIRMED, RsvpStatus.INVITED, RsvpStatus.DECLINED]


def bulk_invitees(institute, count: int) -> None:
    """``count`` invitees, each with an arrival, most with a room, some with a visa case:
    inserted in bulk (Core executemany), as a real import of thousands would be."""
    hotel = Hotel(institute_id=institute.id, name="Samal")
    db.session.add(hotel)
    db.session.flush()
    first_id = (db.session.scalar(select(func.max(Invitee.id))) or 0) + 1
    now = datetime(2026, 12, 1, tzinfo=UTC)
    people, legs, rooms, cases = [], [], [], []
    for n in range(count):
        invitee_id = first_id + n
        people.append(
            dict(
                id=invitee_id,
                institute_id=institute.id,
                full_name=f"Участник {n:05d}",
                email=f"bulk{institute.id}-{n}@example.org",
                nationality=NATIONALITIES[n % len(NATIONALITIES)],
                rsvp_status=STATUSES[n % 4],
                passport_expiry=date(2027, 5, 1) if n % 11 == 0 else None,
                created_at=now,
                updated_at=now,
            )
        )
        if n % 3:
            legs.append(
                dict(
                    invitee_id=invitee_id,
                    direction=Direction.ARRIVAL,
                    mode=TravelMode.AIR,
                    from_place="Almaty",
                    to_place="Shymkent",
                    departs_local=datetime(2027, 4, 11, 8),
                    departs_tz="Asia/Almaty",
                    arrives_local=datetime(2027, 4, 11, 10),
                    arrives_tz="Asia/Almaty",
                    uid=f"bulk-leg-{invitee_id}@planner.test",
                    created_at=now,
                    updated_at=now,
                )
            )
        if n % 2:
            rooms.append(
                dict(
                    invitee_id=invitee_id,
                    hotel_id=hotel.id,
                    room_label=str(n),
                    check_in=date(2027, 4, 11),
                    check_out=date(2027, 4, 15),
                    uid=f"bulk-room-{invitee_id}@planner.test",
                    created_at=now,
                    updated_at=now,
                )
            )
        if n % 6 == 5:
            cases.append(
                dict(
                    invitee_id=invitee_id,
                    status=VisaStatus.APPLIED,
                    created_at=now,
                    updated_at=now,
                )
            )
    for model, rows in ((Invitee, people), (TravelLeg, legs), (RoomAssignment, rooms)):
        db.session.execute(insert(model), rows)
    if cases:
        db.session.execute(insert(VisaCase), cases)
    db.session.commit()


def _stored(institute) -> int:
    return db.session.scalar(
        select(func.count(Risk.id)).where(
            Risk.institute_id == institute.id, Risk.invitee_id.is_not(None)
        )
    )


def test_dashboard_queries_are_the_same_at_30_and_3000_invitees(
    client, login, organizer, count_queries
):
    counts, totals = {}, {}
    login(organizer)
    organizer_id = organizer.id
    for size in (30, 3000):
        owner = db.session.get(type(organizer), organizer_id)  # expunged after the first size
        institute = factories.make_institute(owner=owner)
        make_rule(institute, "JO", VisaRequirement.REQUIRED, lead_time_days=30)
        make_rule(institute, "KG", VisaRequirement.NOT_NEEDED, visa_free_days=3)
        bulk_invitees(institute, size)
        client.get(f"/institutes/{institute.slug}/")  # the first reader stores the risks
        db.session.expunge_all()
        with count_queries() as queries:
            response = client.get(f"/institutes/{institute.slug}/")
        assert response.status_code == 200
        counts[size] = len(queries)
        totals[size] = len(risks.all_findings(risks.load_travel_data(institute)))
        assert _stored(institute) == totals[size]
        assert f"All {totals[size]} risks" in response.get_data(as_text=True)
    assert totals[3000] > totals[30] > 8
    assert counts[30] == counts[3000]
    assert counts[3000] <= 11  # the whole dashboard: stored figures, a few live counts


def test_first_risks_match_the_checks_in_order(institute):
    make_rule(institute, "JO", VisaRequirement.REQUIRED, lead_time_days=400)
    bulk_invitees(institute, 40)
    expected = risks.all_findings(risks.load_travel_data(institute))
    page = riskstore.first_risks(institute, 8)
    assert page.count == len(expected)
    assert [(f.invitee_id, f.kind, f.message) for f in page.findings] == [
        (f.invitee_id, f.kind, f.message) for f in expected[:8]
    ]


def test_a_rebuild_in_batches_stores_what_the_checks_find_for_everyone(institute, monkeypatch):
    monkeypatch.setattr(riskstore, "REBUILD_BATCH", 7)
    make_rule(institute, "JO", VisaRequirement.REQUIRED, lead_time_days=400)
    bulk_invitees(institute, 40)
    expected = risks.all_findings(risks.load_travel_data(institute))

    assert riskstore.rebuild(institute) == len(expected)

    stored = db.session.execute(
        select(Risk.invitee_id, Risk.kind).where(Risk.invitee_id.is_not(None))
    ).all()
    assert sorted(stored) == sorted((f.invitee_id, f.kind) for f in expected)
    assert len({f.invitee_id for f in expected}) > 7  # more people than one batch


def test_a_new_leg_refreshes_that_invitees_risks(institute):
    institute.start_date = date.today()  # travel details are due now
    db.session.commit()
    person = factories.make_invitee(institute, nationality="KZ", rsvp_status="confirmed")
    make_rule(institute, "KZ", VisaRequirement.NOT_NEEDED)
    riskstore.rebuild(institute)
    db.session.commit()
    kinds = lambda: set(  # noqa: E731
        db.session.scalars(select(Risk.kind).where(Risk.invitee_id == person.id))
    )
    assert "travel" in kinds()
    make_leg(person)
    assert "travel" not in kinds()


def test_a_status_change_refreshes_and_a_rule_change_marks_stale(institute):
    make_rule(institute, "JO", VisaRequirement.REQUIRED, lead_time_days=400)
    person = factories.make_invitee(institute, nationality="JO", rsvp_status="invited")
    assert riskstore.ensure_current(institute) == 0
    person.rsvp_status = RsvpStatus.CONFIRMED
    db.session.commit()
    # the visa is not approved in time (and, since i11, the nights without a bed)
    expected = risks.all_findings(risks.load_travel_data(institute))
    assert "visa" in {f.kind for f in expected}
    assert _stored(institute) == len(expected)
    make_rule(institute, "KZ", VisaRequirement.NOT_NEEDED)
    state = db.session.scalar(select(Risk.basis).where(Risk.kind == riskstore.MARKER))
    assert state == "stale"
    assert riskstore.ensure_current(institute) == len(expected)


def test_rebuild_risks_command(runner, institute):
    make_rule(institute, "JO", VisaRequirement.REQUIRED, lead_time_days=400)
    factories.make_invitee(institute, nationality="JO", rsvp_status="confirmed")
    result = runner.invoke(args=["rebuild-risks", "--slug", institute.slug])
    assert result.exit_code == 0, result.output
    expected = len(risks.all_findings(risks.load_travel_data(institute)))
    assert expected >= 1
    assert f"{institute.slug}: {expected} risks" in result.output
    assert _stored(institute) == expected
