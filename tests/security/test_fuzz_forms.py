"""No form answers 5xx, whatever is posted: random, missing and extra fields (F8, F9).

The test builds an institute with one of everything, crawls the pages of the owner and of a
confirmed invitee, and reads each form on them (its action, its fields and their values).
For every POST route of the app, hypothesis then posts variations of that form: fields
dropped, emptied, replaced by random or hostile text, random files, extra fields. Routes
that end the session or delete things run last, so the others see the whole institute.
"""

import io
import os
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.auth.models import TeamRole
from planner.extensions import db
from planner.invitations.models import InviteeRole, RsvpStatus
from planner.mail.services import queue_email
from tests import factories
from tests.agenda.factories import make_room, make_session
from tests.plugins.invitee_session import make_link
from tests.travel.factories import make_case, make_hotel, make_leg, make_rule
from tests.travel.factories import make_room as make_stay

EXAMPLES = int(os.environ.get("PLANNER_FUZZ_EXAMPLES", "5"))
# Routes whose success ends the session or removes what others need: fuzzed last.
LAST = ("delete", "remove", "revoke", "archive", "logout", "sign-out", "sign_out", "password")
HOSTILE = [
    "",
    " ",
    "0",
    "-1",
    "99999999999999999999",
    "1e309",
    "nan",
    "2027-02-30",
    "2027-04-12T25:61",
    "31.12.2027",
    "abc",
    "\x00",
    "=1+2",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "ä" * 300,
    "x" * 5001,
    "KZ",
    "confirmed",
    "on",
]
FILES = [
    b"",
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,
    b"\xff\xd8\xff\xe0" + b"\x00" * 20,
    b"<svg xmlns='http://www.w3.org/2000/svg'/>",
    "Full name;E-mail\nАйгуль;aigul@example.org\n".encode(),
]


class FormReader(HTMLParser):
    """The POST forms of a page (action, fields) and the links it has."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict[str, list], set[str]]] = []
        self.links: list[str] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form" and (a.get("method") or "get").lower() == "post":
            self._form = (a.get("action") or "", {}, set())
            self.forms.append(self._form)
        elif self._form is None or not a.get("name"):
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            fields = self._form[1]
            if kind == "file":
                self._form[2].add(a["name"])
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    fields.setdefault(a["name"], []).append(a.get("value", "y"))
                else:
                    fields.setdefault(a["name"], [])
            elif kind not in ("submit", "button", "image"):
                fields.setdefault(a["name"], []).append(a.get("value", ""))
        elif tag == "button" and a.get("value") is not None:
            self._form[1].setdefault(a["name"], [a["value"]])
        elif tag == "select":
            self._select = a["name"]
            self._form[1].setdefault(self._select, [])
        elif tag == "option" and self._select:
            values = self._form[1][self._select]
            if "selected" in a or not values:
                values[:] = [a.get("value", "")]
        elif tag == "textarea":
            self._textarea = a["name"]
            self._form[1][self._textarea] = [""]

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form[1][self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def crawl(client, start: str, inside: str, limit: int = 160) -> dict[str, tuple[dict, set]]:
    """Follow the links under ``inside`` from ``start``; the forms found, by action path."""
    forms: dict[str, tuple[dict, set]] = {}
    seen, queue = {start}, deque([start])
    while queue and len(seen) <= limit:
        path = queue.popleft()
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        reader = FormReader()
        reader.feed(response.get_data(as_text=True))
        for action, fields, files in reader.forms:
            target = urlsplit(urljoin(path, action or path)).path
            forms.setdefault(target, (fields, files))
        for href in reader.links:
            parts = urlsplit(urljoin(path, href))
            if parts.netloc or not parts.path.startswith(inside):
                continue
            if re.search(r"\.(pdf|csv|ics|eml)$|/export|/eml", parts.path):
                continue
            link = parts.path + (f"?{parts.query}" if parts.query else "")
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return forms


@st.composite
def variations(draw, fields: dict, files: set, extra_names: list[str], file_contents: list):
    """A form as posted: each field kept, dropped, emptied or replaced; maybe extra fields."""
    data: dict = {}
    for name, values in fields.items():
        choice = draw(st.sampled_from(["keep", "keep", "drop", "hostile", "random"]))
        if choice == "keep":
            data[name] = values
        elif choice == "hostile":
            data[name] = [draw(st.sampled_from(HOSTILE))]
        elif choice == "random":
            data[name] = draw(st.lists(st.text(max_size=60), min_size=1, max_size=2))
    for name in files:
        if draw(st.booleans()):
            content = draw(st.one_of(st.sampled_from(file_contents), st.binary(max_size=300)))
            filename = draw(st.sampled_from(["a.csv", "a.png", "a.jpg", "a.txt", "", "a.xlsx"]))
            data[name] = (io.BytesIO(content), filename)
    extras = st.lists(st.sampled_from(extra_names), max_size=3) if extra_names else st.just([])
    for name in draw(extras):
        data.setdefault(name, [draw(st.sampled_from(HOSTILE))])
    return data


def fuzz_route(
    client, path: str, fields: dict, files: set, extra_names: list[str], file_contents=None
) -> None:
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,  # the same examples on every run: a failure is never a fluke
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(variations(fields, files, extra_names, file_contents or FILES))
    def post(data):
        response = client.post(path, data=data, content_type="multipart/form-data")
        db.session.rollback()
        assert response.status_code < 500, f"POST {path} answered {response.status_code}"

    post()


def the_institute():
    owner = factories.make_organizer(email="owner.fuzz@example.org")
    institute = factories.make_institute(owner=owner)
    viewer = factories.add_member(institute, factories.make_organizer(), TeamRole.VIEWER)
    room = make_room(institute)
    facilitator = factories.make_invitee(
        institute, role=InviteeRole.FACILITATOR, rsvp_status=RsvpStatus.CONFIRMED
    )
    session = make_session(institute, room=room, facilitators=[facilitator])
    make_session(institute, starts="2027-04-12 11:00", ends="2027-04-12 12:30", title="Breakout A")
    person = factories.make_invitee(
        institute,
        rsvp_status=RsvpStatus.CONFIRMED,
        nationality="UZ",
        passport_number="FA1234567",
        date_of_birth="1990-01-02",
    )
    factories.make_invitee(institute, rsvp_status=RsvpStatus.DRAFT)
    hotel = make_hotel(institute)
    ids = {
        "slug": institute.slug,
        "room_id": room.id,
        "session_id": session.id,
        "invitee_id": person.id,
        "leg_id": make_leg(person).id,
        "case_id": make_case(person).id,
        "rule_id": make_rule(institute, "TJ").id,
        "hotel_id": hotel.id,
        "assignment_id": make_stay(person, hotel).id,
        "membership_id": viewer.id,
    }
    message = queue_email(
        recipient=person.email, kind="test", subject="Hello", body_text="Hi", institute=institute
    )
    db.session.commit()
    ids["message_id"] = message.id
    return owner, institute, person, ids


# Route arguments the fixture has no row for (a scheduled message, a certificate, ...): an id
# nobody has, which must answer 404, never 5xx; words for the word arguments.
OTHER_ARGUMENTS = {"kind": "invitation", "locale": "en"}


def argument(ids: dict, name: str):
    return ids.get(name, OTHER_ARGUMENTS.get(name, 999_999))


def ordered(paths):
    return sorted(paths, key=lambda p: (any(word in p for word in LAST), p))


def test_no_form_route_answers_5xx_to_random_or_missing_fields(app, client, login):
    owner, institute, person, ids = the_institute()
    token, _ = make_link(person)

    login(owner)
    base = f"/institutes/{institute.slug}/"
    organizer_forms = crawl(client, base, base)
    organizer_forms |= crawl(client, "/institutes/new", "/institutes/new", limit=1)
    organizer_forms |= crawl(client, "/account/password", "/account/password", limit=1)

    invitee = app.test_client()
    assert invitee.post(f"/r/{token}").status_code == 302
    invitee_forms = crawl(invitee, "/me/", "/me/")

    # Routes no page offers a form for in this institute (no failed message, no letter
    # request yet, ...): posted at their address with random fields only.
    adapter = app.url_map.bind("planner.test")
    reached = {adapter.match(p, method="POST")[0] for p in (*organizer_forms, *invitee_forms)}
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint in reached:
            continue
        path = adapter.build(
            rule.endpoint,
            {name: argument(ids, name) for name in rule.arguments if name != "token"}
            | ({"token": token} if "token" in rule.arguments else {}),
        )
        target = invitee_forms if path.startswith(("/me/", "/r/")) else organizer_forms
        target.setdefault(path, ({}, set()))

    extra = sorted({name for fields, _ in organizer_forms.values() for name in fields})
    for path in ordered(organizer_forms):
        if path in ("/logout",) or path.startswith(("/me/", "/r/")):
            continue
        fields, files = organizer_forms[path]
        if path == "/login":  # signed out, as anyone who signs in
            fields = {"email": [owner.email], "password": ["not the password"]}
            fuzz_route(app.test_client(), path, fields, files, extra)
            continue
        fuzz_route(client, path, fields, files, extra)

    extra = sorted({name for fields, _ in invitee_forms.values() for name in fields})
    for path in ordered(invitee_forms):
        if not path.startswith(("/me/", "/r/")):
            continue
        fields, files = invitee_forms[path]
        if path.startswith("/r/"):
            fields = {"answer": ["confirmed"], "reason": [""]}
        fuzz_route(invitee, path, fields, files, extra)


# The encodings of the security probe's F6: a byte-order mark before bytes that do not decode.
BAD_ENCODINGS = [
    b"\xef\xbb\xbfFull name;E-mail\nBad \xff\xfe name;bad8@example.org\n",
    b"\xff\xfe" + "Full name;E-mail\n".encode("utf-16-le") + b"A",
    b"\xff\xfe" + "Full name;E-mail\n".encode("utf-16-le") + b"\x00\xd8",
]


@pytest.mark.parametrize("content", BAD_ENCODINGS, ids=["utf8-bom", "utf16-odd", "surrogate"])
def test_the_invitee_import_never_answers_5xx(app, client, login, content):
    owner, institute, _, _ = the_institute()
    login(owner)
    response = client.post(
        f"/institutes/{institute.slug}/invitees/import",
        data={"file": (io.BytesIO(content), "invitees.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code in (200, 400)  # the preview, or a refusal that says why
