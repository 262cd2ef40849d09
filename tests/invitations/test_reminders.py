"""Reminders: only to those who have not answered, after N days, at most K times, escalating."""

from datetime import date, timedelta

from sqlalchemy import select

from planner.db import utcnow
from planner.extensions import db
from planner.invitations import services
from planner.invitations.models import AccessLink, RsvpStatus
from tests import factories
from tests.invitations.conftest import audit_actions, link_in, outbox, path_of

BASE = "http://planner.test"


def invited(institute, days_ago: int, **fields):
    values = {
        "rsvp_status": RsvpStatus.INVITED,
        "invited_at": utcnow() - timedelta(days=days_ago),
        "language": "en",
    }
    return factories.make_invitee(institute, **{**values, **fields})


def test_only_unanswered_invitees_past_n_days_are_reminded(institute):
    due = invited(institute, 8)
    invited(institute, 3)  # invited three days ago: not yet
    invited(institute, 30, rsvp_status=RsvpStatus.CONFIRMED)
    invited(institute, 30, rsvp_status=RsvpStatus.DECLINED)
    invited(institute, 30, rsvp_status=RsvpStatus.WAITLISTED)
    invited(institute, 30, removed_at=utcnow())
    factories.make_invitee(institute, rsvp_status=RsvpStatus.DRAFT)

    assert services.send_reminders(institute, BASE) == 1
    db.session.commit()

    (message,) = outbox()
    assert (message.recipient, message.kind) == (due.email, "reminder_gentle")
    db.session.expire_all()
    assert due.reminders_sent == 1
    assert due.last_reminded_at is not None
    assert "invitee.reminded" in audit_actions()


def test_reminders_escalate_and_stop_after_k(client, institute):
    invitee = invited(institute, 8)
    now = utcnow()
    kinds = []
    for round_ in range(5):
        sent = services.send_reminders(institute, BASE, now=now + timedelta(days=8 * round_))
        db.session.commit()
        kinds.append(sent)

    assert kinds == [1, 1, 1, 0, 0]
    messages = outbox()
    assert [m.kind for m in messages] == ["reminder_gentle", "reminder_second", "reminder_final"]
    assert messages[0].subject.startswith("Have you seen our invitation")
    assert messages[2].subject.startswith("Final reminder:")
    assert "final reminder" in messages[2].body_text
    # Each reminder carries a new link; only the newest works.
    paths = [path_of(link_in(m)) for m in messages]
    assert [client.get(p).status_code for p in paths] == [404, 404, 200]
    db.session.expire_all()
    assert invitee.reminders_sent == 3


def test_n_days_count_from_the_last_reminder(institute):
    invitee = invited(
        institute, 20, reminders_sent=1, last_reminded_at=utcnow() - timedelta(days=2)
    )
    assert services.send_reminders(institute, BASE) == 0
    invitee.last_reminded_at = utcnow() - timedelta(days=7, minutes=1)
    db.session.commit()
    assert services.send_reminders(institute, BASE) == 1


def test_nobody_is_reminded_after_the_rsvp_deadline(institute):
    institute.rsvp_deadline = date(2020, 1, 1)
    invited(institute, 8)
    assert services.send_reminders(institute, BASE) == 0


def test_nobody_is_reminded_for_an_archived_or_finished_institute(organizer):
    from planner.institutes.models import InstituteStatus

    archived = factories.make_institute(owner=organizer, status=InstituteStatus.ARCHIVED)
    finished = factories.make_institute(
        owner=organizer, start_date=date(2020, 1, 1), end_date=date(2020, 1, 3)
    )
    invited(archived, 8)
    invited(finished, 8)

    assert services.send_reminders(None, BASE) == 0


def test_the_button_reminds_in_this_institute_only(owner_client, organizer, institute):
    mine = invited(institute, 8)
    other = factories.make_institute(owner=organizer)
    invited(other, 8)

    response = owner_client.post(f"/institutes/{institute.slug}/invitees/remind")

    assert response.status_code == 302
    assert [m.recipient for m in outbox()] == [mine.email]
    assert db.session.scalars(select(AccessLink.invitee_id)).all() == [mine.id]


def test_flask_remind_covers_every_institute_with_options(runner, organizer, institute):
    invited(institute, 8)
    other = factories.make_institute(owner=organizer)
    invited(other, 4)

    result = runner.invoke(args=["remind", "--days", "3", "--max", "2"])

    assert result.exit_code == 0, result.output
    assert "2 reminder(s) queued." in result.output
    assert len(outbox()) == 2
    assert "/r/" not in result.output


def test_russian_reminder_is_in_russian(institute):
    invited(institute, 8, language="ru")
    services.send_reminders(institute, BASE)
    (message,) = outbox()
    assert message.locale == "ru"
    assert "Здравствуйте," in message.body_text
