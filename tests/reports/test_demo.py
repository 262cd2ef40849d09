"""The demo has a finished 2026 institute, so the donor report shows real numbers."""

from planner.attendance import certificates
from planner.attendance.models import Certificate
from planner.demo import load_demo
from planner.extensions import db
from planner.institutes.models import Institute
from planner.reports import building
from planner.reports.demo import EARLIER_SLUG


def test_demo_report_has_attendance_certificates_and_returning_people(app):
    institute, created = load_demo()
    db.session.commit()
    earlier = db.session.scalar(db.select(Institute).where(Institute.slug == EARLIER_SLUG))

    assert created and earlier is not None
    issued = db.session.scalars(
        db.select(Certificate).where(Certificate.institute_id == earlier.id)
    ).all()
    eligible = [c for c in certificates.candidates(earlier) if c.eligible]
    assert len(issued) == len(eligible) == 24
    report = building.build_report([institute])
    returning = {c.key: c.shown for b in report.breakdowns if b.key == "returning" for c in b.cells}
    assert returning["returning"] == "6"  # same e-mail; the name match waits for confirmation
    old = building.build_report([earlier])
    days = {c.key: c.count for b in old.breakdowns if b.key == "days" for c in b.cells}
    assert days["4"] == 19 and old.total == 28
    follow_up = {c.key: c.shown for c in old.follow_up.cells}
    assert follow_up["asked"] == "28" and follow_up["answered"] == "21"
    assert int(follow_up["people_reached"]) > 100
