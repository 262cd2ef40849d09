"""What the mail package adds to shared pages: the dashboard and the organizer's invitee page."""

from flask import render_template_string

from planner.extensions import db
from planner.mail.models import MailStatus
from planner.sections import render_panels
from tests import factories
from tests.mail.conftest import queue

PANELS = '{% import "macros/panels.html" as p with context %}{{ p.render(panels) }}'


def test_dashboard_counts_the_mail_and_warns_of_failures(login, organizer, institute):
    queue(institute)
    queue(institute).status = MailStatus.FAILED
    queue(institute).status = MailStatus.FAILED
    db.session.commit()

    page = login(organizer).get(f"/institutes/{institute.slug}/").get_data(as_text=True)

    assert "E-mail" in page
    assert (
        f'href="/institutes/{institute.slug}/outbox/?status=failed">Failed</a>: <strong>2' in page
    )
    assert "2 messages could not be delivered." in page


def test_dashboard_panel_is_hidden_while_the_outbox_is_empty(institute):
    assert not [t for t, _ in render_panels("dashboard", institute) if t.startswith("mail/")]


def test_invitee_page_lists_the_latest_mail_to_that_person(app, institute):
    invitee = factories.make_invitee(institute)
    other = factories.make_invitee(institute)
    mine = queue(institute, invitee=invitee, subject="Приглашение")
    queue(institute, invitee=other, subject="Not hers")

    with app.test_request_context():
        html = render_template_string(PANELS, panels=render_panels("invitee", invitee))

    assert "E-mail to this person" in html
    assert f'href="/institutes/{institute.slug}/outbox/{mine.id}">Приглашение</a>' in html
    assert "Not hers" not in html
