"""A second, strict reader: ical.js (Thunderbird's parser) sees the same UTC instants.

ical.js has no zone database: it resolves every TZID from the feed's own VTIMEZONE, so
this checks the VTIMEZONEs, not only the zone names. ``make test`` installs the package in
tests/calendar/js (``npm ci``); outside CI the test skips without node, in CI it must run.
"""

import json
import os
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from planner.agenda.models import SessionKind, SessionStatus
from tests import factories
from tests.calendar.conftest import parse
from tests.calendar.factories import make_hotel, make_leg, make_session, make_stay

JS_DIR = Path(__file__).parent / "js"
NODE = shutil.which("node")

ICALJS_READY = NODE is not None and (JS_DIR / "node_modules" / "ical.js").is_dir()
if not ICALJS_READY and os.environ.get("CI") == "true":
    raise RuntimeError("CI needs node and ical.js: npm ci --prefix tests/calendar/js")

pytestmark = pytest.mark.skipif(
    not ICALJS_READY, reason="node and ical.js (npm ci --prefix tests/calendar/js) are needed"
)


def read_with_icaljs(body: bytes) -> dict:
    result = subprocess.run(
        [NODE, str(JS_DIR / "read-feed.mjs")],
        input=body,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def test_icaljs_reads_the_personal_feed_at_the_instants_the_app_shows(client, institute, feed_url):
    traveller = factories.make_invitee(institute, language="en")
    make_session(institute, "Then", datetime(2013, 4, 8, 9), uid="then@t")
    make_session(
        institute, "Now", datetime(2026, 4, 8, 9), uid="now@t", status=SessionStatus.CANCELLED
    )
    make_session(
        institute,
        "Breakout",
        datetime(2027, 4, 12, 11),
        kind=SessionKind.BREAKOUT,
        participants=[traveller],
        uid="breakout@t",
    )
    make_leg(
        traveller,
        datetime(2027, 3, 27, 22, 30),
        "Europe/Berlin",
        datetime(2027, 3, 28, 7, 10),
        "Asia/Almaty",
    )
    make_leg(
        traveller,
        datetime(2027, 3, 28, 3, 30),
        "Europe/Berlin",
        datetime(2027, 3, 28, 5, 0),
        "Europe/Berlin",
        mode="rail",
    )
    make_stay(traveller, make_hotel(institute), date(2027, 4, 11), date(2027, 4, 16))
    body = client.get(feed_url(traveller)).data

    seen = read_with_icaljs(body)
    expected = {
        str(e["UID"]): (
            e["DTSTART"].dt.isoformat()
            if not isinstance(e["DTSTART"].dt, datetime)
            else iso(e["DTSTART"].dt),
            e["DTEND"].dt.isoformat()
            if not isinstance(e["DTEND"].dt, datetime)
            else iso(e["DTEND"].dt),
        )
        for e in parse(body).walk("VEVENT")
    }
    assert {e["uid"]: (e["start"], e["end"]) for e in seen["events"]} == expected
    by_uid = {e["uid"]: e for e in seen["events"]}
    assert by_uid["then@t"]["start"] == "2013-04-08T03:00:00.000Z"
    assert by_uid["now@t"]["start"] == "2026-04-08T04:00:00.000Z"
    assert by_uid["now@t"]["status"] == "CANCELLED"
    assert sorted(seen["timezones"]) == ["Asia/Almaty", "Europe/Berlin"]
    legs = sorted(
        (e for e in seen["events"] if e["uid"].startswith("leg-")), key=lambda e: e["start"]
    )
    assert [leg["start"] for leg in legs] == [
        "2027-03-27T21:30:00.000Z",
        "2027-03-28T01:30:00.000Z",
    ]
    (stay,) = (e for e in seen["events"] if e["all_day"])
    assert (stay["start"], stay["end"]) == ("2027-04-11", "2027-04-16")


def test_icaljs_reads_the_institute_program(client, institute, db):
    institute.program_published = True
    db.session.commit()
    for day in range(4):
        make_session(institute, f"Day {day + 1}", datetime(2027, 4, 12 + day, 9), uid=f"d{day}@t")
    body = client.get(f"/p/{institute.slug}/program.ics").data
    seen = read_with_icaljs(body)
    assert seen["calname"] == institute.title
    assert [e["start"] for e in seen["events"]] == [
        f"2027-04-{12 + day}T04:00:00.000Z" for day in range(4)
    ]
