"""The demo institute shows travel, visas and rooms working, with a few deliberate risks."""

from datetime import date

from sqlalchemy import func, select

from planner.demo import load_demo
from planner.extensions import db
from planner.travel import risks
from planner.travel.manifests import build_manifest
from planner.travel.models import Hotel, TravelLeg, TravelMode, VisaCase, VisaRule, VisaStatus


def test_demo_has_rules_cases_legs_rooms_and_the_deliberate_risks():
    institute, created = load_demo()
    db.session.commit()
    assert created

    rules = {r.nationality: r for r in db.session.scalars(select(VisaRule))}
    assert set(rules) == {"KZ", "KG", "TJ", "UZ", "JO"}
    statuses = set(db.session.scalars(select(VisaCase.status)))
    assert {VisaStatus.APPLIED, VisaStatus.APPROVED, VisaStatus.LETTER_REQUESTED} <= statuses
    modes = set(db.session.scalars(select(TravelLeg.mode)))
    assert modes == {TravelMode.AIR, TravelMode.RAIL, TravelMode.ROAD}
    assert db.session.scalar(select(func.count()).select_from(Hotel)) == 2
    assert db.session.scalar(
        select(func.count()).select_from(TravelLeg).where(TravelLeg.border_crossing != "")
    )

    data = risks.load_travel_data(institute, today=date(2027, 1, 1))
    kinds = {f.kind for f in risks.all_findings(data)}
    assert {"passport", "visa", "no_bed", "bed_held", "arrival_late", "departure_early"} <= kinds
    confirmed = data.confirmed
    with_travel = [i for i in confirmed if risks.final_arrival(data.legs.get(i.id, []))]
    assert len(with_travel) > len(confirmed) * 2 / 3
    arrivals = build_manifest(data, "arrival")
    assert arrivals.total == len(with_travel)
    assert any(row.leg.needs_pickup for row in arrivals.rows)
