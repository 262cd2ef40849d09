"""The demo has a finished 2026 institute, so the donor report shows real numbers."""

from planner.attendance import certificates
from planner.attendance.models import Certificate
from planner.demo import load_demo
from planner.extensions import db
from planner.institutes.models import Institute
from planner.invitations.models import Invitee
from planner.reports import building
from planner.reports.demo import EARLIER_SLUG
from planner.reports.returning import history_of


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
    # One demo organization owns both; returning people share a person record.
    assert earlier.organization_id == institute.organization_id
    assert institute.organization.name == "Steppe Women's Network (fictional)"
    back = db.session.scalars(
        db.select(Invitee).where(
            Invitee.institute_id == institute.id,
            Invitee.email.in_(db.select(Invitee.email).where(Invitee.institute_id == earlier.id)),
        )
    ).all()
    assert len(back) >= 6
    old = {
        i.email: i.person_id
        for i in db.session.scalars(db.select(Invitee).where(Invitee.institute_id == earlier.id))
    }
    assert all(i.person_id == old[i.email] for i in back)
    [nigina] = [
        i
        for i in db.session.scalars(
            db.select(Invitee).where(
                Invitee.institute_id == institute.id, Invitee.full_name == "Нигина Рахимова"
            )
        )
    ]
    assert [r.decision for r in history_of(nigina)] == ["pending"]
    old_report = building.build_report([earlier])
    days = {c.key: c.count for b in old_report.breakdowns if b.key == "days" for c in b.cells}
    assert days["4"] == 19 and old_report.total == 28
    follow_up = {c.key: c.shown for c in old_report.follow_up.cells}
    assert follow_up["asked"] == "28" and follow_up["answered"] == "21"
    assert int(follow_up["people_reached"]) > 100
