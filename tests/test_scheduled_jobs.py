"""The commands the production timers run (deploy/scheduler.sh, deploy/systemd/*.timer) may run
twice on the same day (a timer firing again after a restart, two hosts by mistake): the second
run sends nothing that the first one sent."""

from collections import Counter
from datetime import date, timedelta

from sqlalchemy import select

from planner.db import utcnow
from planner.extensions import db
from planner.invitations.models import RsvpStatus
from planner.mail.models import OutboundEmail
from planner.messages import services as messages
from planner.messages.models import ScheduledMessage, ScheduleStatus
from tests import factories


def queued() -> Counter:
    db.session.expire_all()
    return Counter((m.recipient, m.kind) for m in db.session.scalars(select(OutboundEmail)))


def test_send_scheduled_twice_sends_each_scheduled_message_once(runner, organizer, institute):
    people = [factories.make_invitee(institute, rsvp_status=RsvpStatus.CONFIRMED) for _ in range(3)]
    scheduled = messages.schedule_message(
        institute,
        messages.Audience(status=RsvpStatus.CONFIRMED.value),
        {"en": ("News for {name}", "Dear {name},\n\n{link}")},
        utcnow() - timedelta(minutes=1),
        organizer,
    )
    later = messages.schedule_message(
        institute,
        messages.Audience(),
        {"en": ("Later", "Later, {name}")},
        utcnow() + timedelta(days=1),
        organizer,
    )
    db.session.commit()

    first = runner.invoke(args=["send-scheduled"])
    after_first = queued()
    second = runner.invoke(args=["send-scheduled"])

    assert first.exit_code == 0 and "3 message(s) queued." in first.output
    assert second.exit_code == 0 and "0 message(s) queued." in second.output
    assert queued() == after_first
    assert sorted(r for r, _kind in after_first) == sorted(p.email for p in people)
    assert set(after_first.values()) == {1}
    db.session.expire_all()
    assert db.session.get(ScheduledMessage, scheduled.id).status == ScheduleStatus.SENT
    assert db.session.get(ScheduledMessage, later.id).status == ScheduleStatus.SCHEDULED


def test_send_follow_ups_twice_sends_each_participant_one_follow_up(runner, organizer):
    # Ended more than six months ago (the default delay): the follow-up is due today.
    end = date.today() - timedelta(days=200)
    institute = factories.make_institute(
        owner=organizer, start_date=end - timedelta(days=3), end_date=end
    )
    people = [factories.make_invitee(institute, rsvp_status=RsvpStatus.CONFIRMED) for _ in range(2)]
    factories.make_invitee(institute, rsvp_status=RsvpStatus.DECLINED)

    first = runner.invoke(args=["reports", "send-follow-ups"])
    after_first = queued()
    second = runner.invoke(args=["reports", "send-follow-ups"])

    assert first.exit_code == 0 and "2 follow-up messages queued." in first.output
    assert second.exit_code == 0 and "0 follow-up messages queued." in second.output
    assert queued() == after_first
    assert after_first == Counter({(p.email, "follow_up"): 1 for p in people})


def test_remind_twice_on_the_same_day_reminds_once(runner, institute):
    person = factories.make_invitee(institute, rsvp_status=RsvpStatus.INVITED)
    person.invited_at = utcnow() - timedelta(days=10)
    db.session.commit()

    first = runner.invoke(args=["remind"])
    after_first = queued()
    second = runner.invoke(args=["remind"])

    assert first.exit_code == 0 and "1 reminder(s) queued." in first.output
    assert second.exit_code == 0 and "0 reminder(s) queued." in second.output
    assert queued() == after_first
    assert sum(after_first.values()) == 1
