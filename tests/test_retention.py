"""flask purge-expired removes personal data after the retention date, and says so in the audit."""

from datetime import date, datetime

from sqlalchemy import select, text

from planner.institutes.models import Institute
from planner.invitations.models import AccessLink, Invitee
from planner.security.models import AuditEvent
from planner.travel.models import TravelLeg
from tests import factories
from tests.plugins.invitee_session import make_link


def add_leg(db, invitee):
    leg = TravelLeg(
        invitee=invitee,
        direction="arrival",
        mode="air",
        from_place="Amman",
        to_place="Almaty",
        departs_local=datetime(2020, 4, 1, 23, 55),
        departs_tz="Asia/Amman",
        arrives_local=datetime(2020, 4, 2, 6, 40),
        arrives_tz="Asia/Almaty",
        uid="leg-1@test",
    )
    db.session.add(leg)
    db.session.commit()


def test_purge_removes_personal_data_of_expired_institutes_only(runner, db, organizer):
    expired = factories.make_institute(
        owner=organizer,
        start_date=date(2020, 4, 1),
        end_date=date(2020, 4, 4),
        retention_date=date(2020, 10, 1),
    )
    current = factories.make_institute(owner=organizer, retention_date=date(2099, 1, 1))
    gone = factories.make_invitee(
        expired,
        full_name="Зарина Саидова",
        passport_number="N1234567",
        date_of_birth="1990-05-01",
        phone="+992 90 000 0000",
        dietary_needs="halal",
    )
    kept = factories.make_invitee(current, full_name="Динара Касымова", passport_number="N7654321")
    add_leg(db, gone)
    make_link(gone)

    result = runner.invoke(args=["purge-expired"])
    assert result.exit_code == 0, result.output
    assert f"purged: {expired.slug} (1 people)" in result.output

    db.session.expire_all()
    purged = db.session.get(Invitee, gone.id)
    assert purged.full_name == "—"
    assert purged.passport_number is None
    assert purged.date_of_birth is None
    assert purged.phone == ""
    assert purged.dietary_needs == ""
    assert "saidova" not in purged.email
    raw = db.session.execute(
        text("SELECT passport_number FROM invitee WHERE id = :id"), {"id": gone.id}
    ).scalar()
    assert raw is None
    assert db.session.scalars(select(TravelLeg)).all() == []
    assert db.session.scalars(select(AccessLink)).all() == []
    assert db.session.get(Invitee, kept.id).passport_number == "N7654321"
    assert db.session.get(Institute, expired.id).personal_data_purged_at is not None
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("institute.personal_data_purged") == 1

    again = runner.invoke(args=["purge-expired"])
    assert "No institute is past its retention date." in again.output


def test_dry_run_changes_nothing(runner, db, organizer):
    expired = factories.make_institute(
        owner=organizer,
        start_date=date(2020, 4, 1),
        end_date=date(2020, 4, 4),
        retention_date=date(2020, 10, 1),
    )
    invitee = factories.make_invitee(expired, passport_number="N1234567")
    result = runner.invoke(args=["purge-expired", "--dry-run"])
    assert f"due: {expired.slug}" in result.output
    db.session.expire_all()
    assert db.session.get(Invitee, invitee.id).passport_number == "N1234567"
