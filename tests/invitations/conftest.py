"""Fixtures of the invitations tests: team members, the outbox, links in mails, query counts."""

import re

import pytest
from sqlalchemy import select

from planner.auth.models import TeamRole
from planner.extensions import db
from planner.mail.models import OutboundEmail
from planner.security.models import AuditEvent
from tests import factories
from tests.queries import count_queries  # noqa: F401 - shared by this package's tests

URL_IN_MAIL = re.compile(r"http://planner\.test/r/[A-Za-z0-9_\-]+")


@pytest.fixture(autouse=True)
def request_context(app):
    """Services format lazy messages and render mails: give them a request to live in."""
    with app.test_request_context():
        yield


@pytest.fixture
def owner_client(app, login, organizer, institute):
    """The institute's owner, signed in (a client of their own, not ``client``)."""
    return login(organizer, on=app.test_client())


@pytest.fixture
def member(app, login, institute):
    """Sign in a new organizer with the given role in the institute; returns the client."""

    def sign_in(role: str):
        person = factories.make_organizer(name=f"{role.title()} Member")
        factories.add_member(institute, person, TeamRole(role))
        return login(person, on=app.test_client())

    return sign_in


@pytest.fixture
def outsider(app, login):
    """An organizer of another institute only."""
    person = factories.make_organizer(name="Other Organizer")
    factories.make_institute(owner=person)
    return login(person, on=app.test_client())


def outbox(kind: str | None = None) -> list[OutboundEmail]:
    query = select(OutboundEmail).order_by(OutboundEmail.id)
    if kind:
        query = query.where(OutboundEmail.kind == kind)
    return list(db.session.scalars(query))


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def link_in(message: OutboundEmail) -> str:
    """The personal link of a message (the same in the text and the HTML body)."""
    urls = set(URL_IN_MAIL.findall(message.body_text))
    assert len(urls) == 1, message.body_text
    url = urls.pop()
    assert url in message.body_html
    return url


def plain(text: str) -> str:
    """Babel puts thin spaces around the dash of date ranges; compare with plain spaces."""
    return text.replace("\u2009", " ").replace("\u202f", " ").replace("\xa0", " ")


def path_of(url: str) -> str:
    return url.removeprefix("http://planner.test")


def make_invitees(institute, count: int, prefix: str = "bulk", **fields):
    """Many invitees at once (one commit)."""
    from planner.invitations.models import Invitee, InviteeRole, RsvpStatus

    invitees = []
    for n in range(count):
        values = dict(
            full_name=f"Участница {n:04d}",
            passport_name=f"UCHASTNITSA {n:04d}",
            email=f"{prefix}{n:04d}@example.org",
            country=("KZ", "KG", "TJ", "UZ")[n % 4],
            nationality=("KZ", "KG", "TJ", "UZ")[n % 4],
            role=InviteeRole.PARTICIPANT,
            language=("ru", "en")[n % 2],
            rsvp_status=(RsvpStatus.INVITED, RsvpStatus.CONFIRMED, RsvpStatus.DRAFT)[n % 3],
        )
        values.update(fields)
        invitees.append(Invitee(institute=institute, **values))
    db.session.add_all(invitees)
    db.session.commit()
    return invitees
