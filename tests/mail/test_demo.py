"""The demo institute shows an outbox with sent, queued and failed mail."""

from sqlalchemy import select

from planner.demo import load_demo
from planner.extensions import db
from planner.mail import services
from planner.mail.models import MailStatus, OutboundEmail


def test_demo_outbox_has_a_realistic_history_without_live_links(app):
    institute, created = load_demo()
    db.session.commit()

    counts = services.status_counts(institute)
    assert created
    assert counts[MailStatus.SENT] >= 10
    assert counts[MailStatus.QUEUED] >= 2
    assert counts[MailStatus.FAILED] == 2
    messages = db.session.scalars(
        select(OutboundEmail).where(OutboundEmail.institute_id == institute.id)
    ).all()
    assert all("/r/[redacted]" in m.body_text for m in messages if m.status == MailStatus.SENT)
    assert {m.locale for m in messages} == {"en", "ru"}
    assert any("550 5.1.1" in m.last_error for m in messages)
