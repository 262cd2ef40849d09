"""Answers sent at the same moment are serialized, and no data version is lost (F4, F5).

Real parallel requests: a threaded HTTP server in front of the test app, each request on its
own connection to the database, all released at once by a barrier. Runs on the test database
of the session: PostgreSQL (``SELECT … FOR UPDATE``) with PLANNER_TEST_DATABASE_URL, else
SQLite (the database write lock).
"""

import http.client
import threading
from urllib.parse import urlencode, urlsplit

import pytest
from sqlalchemy import select

from planner.extensions import db
from planner.institutes.models import Institute
from planner.invitations.models import Invitee, RsvpStatus, StatusChange
from planner.mail.models import OutboundEmail
from tests import factories
from tests.plugins.invitee_session import make_link

pytestmark = pytest.mark.postgres


def post_all_at_once(base_url: str, requests: list[tuple[str, dict]]) -> list[int]:
    """POST every (path, form) from its own thread, released together; the status codes."""
    address = urlsplit(base_url)
    barrier = threading.Barrier(len(requests))
    statuses: list[int] = [0] * len(requests)

    def send(index: int, path: str, form: dict) -> None:
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
        barrier.wait()
        connection.request(
            "POST",
            path,
            body=urlencode(form),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        response = connection.getresponse()
        response.read()
        statuses[index] = response.status
        connection.close()

    threads = [
        threading.Thread(target=send, args=(i, path, form))
        for i, (path, form) in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def rsvp_history(invitee_id: int) -> list[StatusChange]:
    return list(
        db.session.scalars(
            select(StatusChange)
            .where(StatusChange.invitee_id == invitee_id, StatusChange.kind == "rsvp")
            .order_by(StatusChange.id)
        )
    )


def confirmations(invitee_id: int) -> int:
    return len(
        db.session.scalars(
            select(OutboundEmail.id).where(
                OutboundEmail.invitee_id == invitee_id, OutboundEmail.kind == "confirmation"
            )
        ).all()
    )


def data_version(institute_id: int) -> int:
    return db.session.scalar(select(Institute.data_version).where(Institute.id == institute_id))


@pytest.fixture
def invited(institute):
    def make(**fields) -> tuple[Invitee, str]:
        invitee = factories.make_invitee(institute, rsvp_status=RsvpStatus.INVITED, **fields)
        token, _ = make_link(invitee)
        return invitee, token

    return make


def test_a_double_click_gives_one_history_row_and_one_mail(live_server, institute, invited):
    invitee, token = invited()
    version = data_version(institute.id)

    statuses = post_all_at_once(live_server, [(f"/r/{token}", {"answer": "confirmed"})] * 12)

    assert statuses == [302] * 12
    db.session.expire_all()
    history = rsvp_history(invitee.id)
    assert [(h.old_status, h.new_status) for h in history] == [("invited", "confirmed")]
    assert confirmations(invitee.id) == 1
    assert db.session.get(Invitee, invitee.id).rsvp_status == RsvpStatus.CONFIRMED
    assert data_version(institute.id) == version + 1


def test_confirm_and_decline_at_once_keep_an_unbroken_history(
    live_server, institute, invited, invitee_login
):
    invitee, token = invited()
    version = data_version(institute.id)
    answers = ["confirmed", "declined"] * 6

    statuses = post_all_at_once(live_server, [(f"/r/{token}", {"answer": a}) for a in answers])

    assert statuses == [302] * len(answers)
    db.session.expire_all()
    history = rsvp_history(invitee.id)
    assert history, "at least one answer was recorded"
    previous = "invited"
    for change in history:
        assert change.old_status == previous != change.new_status
        previous = change.new_status
    assert db.session.get(Invitee, invitee.id).rsvp_status.value == previous
    assert confirmations(invitee.id) == len(history)
    assert data_version(institute.id) == version + len(history)


def test_every_answer_of_many_people_raises_the_data_version(live_server, institute, invited):
    people = [invited() for _ in range(12)]
    version = data_version(institute.id)

    statuses = post_all_at_once(
        live_server, [(f"/r/{token}", {"answer": "confirmed"}) for _, token in people]
    )

    assert statuses == [302] * len(people)
    db.session.expire_all()
    assert data_version(institute.id) == version + len(people)
    for invitee, _ in people:
        assert len(rsvp_history(invitee.id)) == 1
        assert confirmations(invitee.id) == 1
