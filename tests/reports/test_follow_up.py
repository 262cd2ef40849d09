"""Follow-up: due N months after the institute, a personal link, anonymous figures."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from planner.extensions import db
from planner.invitations.models import InviteeRole, RsvpStatus
from planner.mail.models import OutboundEmail
from planner.reports import building, followup
from planner.reports.models import FollowUp, FollowUpSettings
from tests import factories

LINK = re.compile(r"http://planner\.test(/r/[A-Za-z0-9_\-]+/follow-up)")


@pytest.mark.parametrize(
    ("day", "months", "due"),
    [
        (date(2027, 4, 15), 6, date(2027, 10, 15)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),
        (date(2027, 12, 31), 2, date(2028, 2, 29)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
    ],
)
def test_due_months_after_the_last_day(day, months, due):
    assert followup.add_months(day, months) == due


def confirmed(institute, **fields):
    return factories.make_invitee(institute, rsvp_status=RsvpStatus.CONFIRMED, **fields)


def test_sent_once_when_due_to_confirmed_participants_only(institute):
    ru = confirmed(institute, language="ru")
    confirmed(institute, language="en")
    confirmed(institute, role=InviteeRole.FACILITATOR)
    factories.make_invitee(institute, rsvp_status=RsvpStatus.DECLINED)

    assert followup.send(institute, today=date(2027, 10, 14)) == 0
    assert followup.send(institute, today=date(2027, 10, 15)) == 2
    assert followup.send(institute, today=date(2027, 11, 1)) == 0
    db.session.commit()

    messages = db.session.scalars(select(OutboundEmail)).all()
    assert {m.locale for m in messages} == {"ru", "en"}
    assert all(m.kind == "follow_up" and LINK.search(m.body_text) for m in messages)
    assert db.session.scalar(select(FollowUp).where(FollowUp.invitee_id == ru.id)) is not None


def test_the_personal_link_shows_the_form_and_saves_answers(client, institute):
    person = confirmed(institute, language="en")
    followup.send(institute, today=date(2028, 1, 1))
    db.session.commit()
    path = LINK.search(db.session.scalars(select(OutboundEmail)).one().body_text).group(1)

    page = client.get(path)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert db.session.scalars(select(FollowUp)).one().answered_at is None  # a GET changes nothing
    response = client.post(
        path,
        data={
            "ran_training": "yes",
            "trainings": "3",
            "people_reached": "45",
            "countries": ["KG", "XX"],
        },
    )

    assert response.status_code == 200
    answer = db.session.scalars(select(FollowUp)).one()
    assert (answer.ran_training, answer.trainings, answer.people_reached, answer.countries) == (
        True,
        3,
        45,
        "KG,XX",
    )
    assert person.full_name not in client.get(path).get_data(as_text=True)


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"ran_training": "yes"},
        {"ran_training": "yes", "trainings": "-1"},
        {"ran_training": "maybe"},
        {"ran_training": "yes", "trainings": "2", "countries": ["ZZ"]},
    ],
)
def test_invalid_answers_are_explained_and_nothing_is_saved(client, institute, data):
    confirmed(institute, language="en")
    followup.send(institute, today=date(2028, 1, 1))
    db.session.commit()
    path = LINK.search(db.session.scalars(select(OutboundEmail)).one().body_text).group(1)
    response = client.post(path, data={"people_reached": "12", **data})
    assert response.status_code == 400
    assert 'value="12"' in response.get_data(as_text=True)
    assert db.session.scalars(select(FollowUp)).one().answered_at is None


def test_unknown_links_are_404(client, db):
    assert client.get("/r/" + "x" * 43 + "/follow-up").status_code == 404


def test_report_adds_up_answers_and_hides_fewer_than_five(institute):
    people = [confirmed(institute) for _n in range(6)]
    followup.send(institute, today=date(2028, 1, 1))
    rows = {r.invitee_id: r for r in db.session.scalars(select(FollowUp))}
    for n, person in enumerate(people[:4]):
        followup.answer(rows[person.id], followup.Answers(True, 2, 10 + n, ["KZ"]))
    db.session.commit()

    few = building.build_report([institute])
    assert {c.key: c.shown for c in few.follow_up.cells} == {
        "asked": "6",
        "answered": "<5",
        "ran_training": "<5",
        "trainings": "<5",
        "people_reached": "<5",
    }
    followup.answer(rows[people[4].id], followup.Answers(False, None, None, []))
    db.session.commit()
    enough = building.build_report([institute])
    # Five answers, but only four trained: their count and sums stay hidden.
    assert {c.key: c.shown for c in enough.follow_up.cells} == {
        "asked": "6",
        "answered": "5",
        "ran_training": "<5",
        "trainings": "<5",
        "people_reached": "<5",
    }
    assert {c.key: c.shown for c in enough.follow_up_where.cells} == {"KZ": "<5"}
    followup.answer(rows[people[5].id], followup.Answers(True, 2, 20, ["KZ"]))
    db.session.commit()
    shown = building.build_report([institute])
    assert {c.key: c.shown for c in shown.follow_up.cells} == {
        "asked": "6",
        "answered": "6",
        "ran_training": "5",
        "trainings": "10",
        "people_reached": "66",
    }
    assert {c.key: c.shown for c in shown.follow_up_where.cells} == {"KZ": "5"}


def test_organizer_sets_the_months_and_sends(client, login, organizer, institute):
    confirmed(institute)
    login(organizer)
    url = f"/institutes/{institute.slug}/report/follow-up"
    assert client.post(url, data={"months": "0"}).status_code == 302
    assert db.session.get(FollowUpSettings, institute.id) is None
    client.post(url, data={"months": "1"})
    assert db.session.get(FollowUpSettings, institute.id).months == 1
    client.post(f"{url}/send")  # the institute is in 2027: not due yet
    assert db.session.scalars(select(FollowUp)).all() == []


def test_retention_ends_the_follow_up_links(client, institute):
    from planner.retention import purge_institute

    confirmed(institute, language="en")
    followup.send(institute, today=date(2028, 1, 1))
    db.session.commit()
    path = LINK.search(db.session.scalars(select(OutboundEmail)).one().body_text).group(1)
    purge_institute(institute)
    db.session.commit()
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("token", ["%00" * 20, "a" * 101, "short"])
def test_odd_tokens_are_404(client, db, token):
    assert client.get(f"/r/{token}/follow-up").status_code == 404
