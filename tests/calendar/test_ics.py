"""The pure iCalendar builder: RFC 5545 structure, exact VTIMEZONEs, deterministic output."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from planner.calendar.ics import PRODID, FeedCalendar, FeedEvent, build_ics, vtimezone

STAMP = datetime(2027, 1, 5, 8, 30, tzinfo=UTC)


def timed(uid, start, end, zone="Asia/Almaty", end_zone=None, **fields) -> FeedEvent:
    return FeedEvent(
        uid=uid,
        sequence=fields.pop("sequence", 0),
        summary=fields.pop("summary", uid),
        start=start,
        end=end,
        created=STAMP,
        last_modified=STAMP,
        start_zone=zone,
        end_zone=end_zone or zone,
        **fields,
    )


def offset_from_vtimezone(component, instant: datetime) -> timedelta:
    """The UTC offset a strict client reads from a VTIMEZONE: the last onset at or before
    the instant, each onset's DTSTART read in its TZOFFSETFROM (RFC 5545 §3.6.5)."""
    onsets = []
    for period in component.subcomponents:
        local = period["DTSTART"].dt
        offset_from = period["TZOFFSETFROM"].td
        onsets.append((local.replace(tzinfo=UTC) - offset_from, period["TZOFFSETTO"].td))
    onsets.sort()
    assert onsets[0][0] <= instant, "the VTIMEZONE must cover the instant"
    return [offset for onset, offset in onsets if onset <= instant][-1]


def test_calendar_has_the_properties_calendar_apps_read():
    body = build_ics(
        FeedCalendar(
            "Program",
            "Asia/Almaty",
            [timed("a@x", datetime(2027, 4, 12, 9), datetime(2027, 4, 12, 10))],
        )
    )
    cal = Calendar.from_ical(body)
    assert str(cal["PRODID"]) == PRODID
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["CALSCALE"]) == "GREGORIAN"
    assert str(cal["METHOD"]) == "PUBLISH"
    assert str(cal["X-WR-CALNAME"]) == "Program"
    assert str(cal["X-WR-TIMEZONE"]) == "Asia/Almaty"
    assert b"X-PUBLISHED-TTL:PT1H" in body
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in body
    assert b"\r\n" in body and all(len(line) <= 75 for line in body.split(b"\r\n"))


def test_event_carries_uid_sequence_timestamps_and_status():
    event = timed(
        "s-1@x",
        datetime(2027, 4, 12, 9),
        datetime(2027, 4, 12, 10),
        sequence=3,
        location="Altai Room, Training Centre",
        description="Practice round",
        cancelled=True,
        url="https://planner.test/p/x/",
    )
    vevent = Calendar.from_ical(build_ics(FeedCalendar("P", "Asia/Almaty", [event]))).walk(
        "VEVENT"
    )[0]
    assert str(vevent["UID"]) == "s-1@x"
    assert vevent["SEQUENCE"] == 3
    assert vevent["DTSTAMP"].dt == STAMP
    assert vevent["CREATED"].dt == STAMP
    assert vevent["LAST-MODIFIED"].dt == STAMP
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert str(vevent["LOCATION"]) == "Altai Room, Training Centre"
    assert str(vevent["DESCRIPTION"]) == "Practice round"
    assert str(vevent["URL"]) == "https://planner.test/p/x/"
    assert vevent["DTSTART"].params["TZID"] == "Asia/Almaty"


@pytest.mark.parametrize(
    ("local", "utc"),
    [
        (datetime(2013, 4, 8, 9), datetime(2013, 4, 8, 3, tzinfo=UTC)),  # UTC+6 then
        (datetime(2026, 4, 8, 9), datetime(2026, 4, 8, 4, tzinfo=UTC)),  # UTC+5 since 2024
    ],
)
def test_almaty_wall_clock_resolves_to_the_offset_of_its_year(local, utc):
    body = build_ics(
        FeedCalendar("P", "Asia/Almaty", [timed("a@x", local, local + timedelta(hours=1))])
    )
    cal = Calendar.from_ical(body)
    vevent = cal.walk("VEVENT")[0]
    assert vevent["DTSTART"].dt.astimezone(UTC) == utc
    (almaty,) = cal.walk("VTIMEZONE")
    assert offset_from_vtimezone(almaty, utc) == utc.astimezone(ZoneInfo("Asia/Almaty")).utcoffset()


def test_one_vtimezone_spans_every_year_used():
    body = build_ics(
        FeedCalendar(
            "P",
            "Asia/Almaty",
            [
                timed("old@x", datetime(2013, 4, 8, 9), datetime(2013, 4, 8, 10)),
                timed("new@x", datetime(2026, 4, 8, 9), datetime(2026, 4, 8, 10)),
            ],
        )
    )
    (almaty,) = Calendar.from_ical(body).walk("VTIMEZONE")
    assert offset_from_vtimezone(almaty, datetime(2013, 4, 8, 3, tzinfo=UTC)) == timedelta(hours=6)
    assert offset_from_vtimezone(almaty, datetime(2026, 4, 8, 4, tzinfo=UTC)) == timedelta(hours=5)


def test_travel_leg_keeps_each_end_in_its_own_zone_across_a_dst_change():
    # Leaves Berlin on CET the evening before the switch, lands in Almaty next morning.
    leg = timed(
        "leg@x",
        datetime(2027, 3, 27, 22, 30),
        datetime(2027, 3, 28, 7, 10),
        zone="Europe/Berlin",
        end_zone="Asia/Almaty",
    )
    cal = Calendar.from_ical(build_ics(FeedCalendar("P", "Asia/Almaty", [leg])))
    vevent = cal.walk("VEVENT")[0]
    assert vevent["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert vevent["DTEND"].params["TZID"] == "Asia/Almaty"
    assert vevent["DTSTART"].dt.astimezone(UTC) == datetime(2027, 3, 27, 21, 30, tzinfo=UTC)
    assert vevent["DTEND"].dt.astimezone(UTC) == datetime(2027, 3, 28, 2, 10, tzinfo=UTC)
    assert {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")} == {"Europe/Berlin", "Asia/Almaty"}


@pytest.mark.parametrize(
    "zone", ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Almaty"]
)
def test_vtimezone_onsets_agree_with_zoneinfo_at_every_hour_around_changes(zone):
    component = vtimezone(zone, 2023, 2027)
    tzinfo = ZoneInfo(zone)
    instant = datetime(2023, 1, 1, 12, tzinfo=UTC)
    while instant < datetime(2027, 12, 31, tzinfo=UTC):
        assert offset_from_vtimezone(component, instant) == instant.astimezone(tzinfo).utcoffset()
        instant += timedelta(hours=7)  # 7 h steps visit every hour of the day over the years


def test_spring_forward_onset_is_written_in_local_time_before_the_change():
    component = vtimezone("Europe/Berlin", 2027, 2027)
    (daylight,) = component.walk("DAYLIGHT")
    assert daylight["DTSTART"].dt == datetime(2027, 3, 28, 2, 0)  # 02:00 CET becomes 03:00
    assert daylight["TZOFFSETFROM"].td == timedelta(hours=1)
    assert daylight["TZOFFSETTO"].td == timedelta(hours=2)


def test_hotel_nights_are_all_day_from_check_in_to_check_out():
    stay = FeedEvent(
        uid="stay@x",
        sequence=0,
        summary="Hotel",
        start=date(2027, 4, 11),
        end=date(2027, 4, 16),
        created=STAMP,
        last_modified=STAMP,
        transparent=True,
    )
    body = build_ics(FeedCalendar("P", "Asia/Almaty", [stay]))
    assert b"DTSTART;VALUE=DATE:20270411" in body
    assert b"DTEND;VALUE=DATE:20270416" in body
    assert b"TRANSP:TRANSPARENT" in body
    assert b"BEGIN:VTIMEZONE" not in body  # no zone is used


def test_same_data_gives_the_same_bytes():
    def build():
        return build_ics(
            FeedCalendar(
                "P",
                "Asia/Almaty",
                [timed("a@x", datetime(2027, 4, 12, 9), datetime(2027, 4, 12, 10))],
            )
        )

    assert build() == build()


def test_text_is_escaped_and_unicode_survives():
    event = timed(
        "a@x",
        datetime(2027, 4, 12, 9),
        datetime(2027, 4, 12, 10),
        summary="Тренинг; часть 1, «лидерство»",
        description="Line one\nLine two, with comma",
    )
    vevent = Calendar.from_ical(build_ics(FeedCalendar("P", "Asia/Almaty", [event]))).walk(
        "VEVENT"
    )[0]
    assert str(vevent["SUMMARY"]) == "Тренинг; часть 1, «лидерство»"
    assert str(vevent["DESCRIPTION"]) == "Line one\nLine two, with comma"
