"""The feeds over HTTP: what each one shows, to whom, at which instants, and how it answers."""

import logging
import threading
import urllib.request
from datetime import UTC, date, datetime, timedelta

import pytest
from flask_babel import force_locale, gettext
from werkzeug.serving import make_server

from planner.agenda.models import SessionKind, SessionStatus
from planner.calendar import services
from planner.calendar.models import FeedLink
from planner.db import utcnow
from planner.invitations.models import InviteeRole, RsvpStatus
from planner.security.models import AuditEvent
from planner.travel.models import VisaCase, VisaStatus
from tests import factories
from tests.calendar.conftest import events_by_uid, parse, unfolded
from tests.calendar.factories import make_hotel, make_leg, make_room, make_session, make_stay

UTC_0300 = datetime(2013, 4, 8, 3, 0, tzinfo=UTC)
UTC_0400 = datetime(2026, 4, 8, 4, 0, tzinfo=UTC)


@pytest.fixture
def published(institute, db):
    institute.program_published = True
    institute.working_languages = "en,ru"
    db.session.commit()
    return institute


def as_utc(prop) -> datetime:
    return prop.dt.astimezone(UTC)


# -- the institute program ----------------------------------------------------------------


def test_program_feed_is_404_until_published(client, institute):
    make_session(institute)
    assert client.get(f"/p/{institute.slug}/program.ics").status_code == 404
    assert client.get("/p/no-such-institute/program.ics").status_code == 404


def test_program_feed_answers_text_calendar_with_every_session(client, published):
    room = make_room(published, "Altai Room")
    make_session(published, "Opening plenary", room=room, uid="open@planner.test")
    make_session(
        published,
        "Breakout A: Adult learning",
        datetime(2027, 4, 12, 11),
        kind=SessionKind.BREAKOUT,
        uid="b-a@planner.test",
        language="ru",
        interpretation="ru ↔ en",
        description="Practice in pairs.",
    )
    response = client.get(f"/p/{published.slug}/program.ics?lang=en")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'inline; filename="{published.slug}.ics"'
    assert "public" in response.headers["Cache-Control"]
    events = events_by_uid(response.data)
    assert set(events) == {"open@planner.test", "b-a@planner.test"}
    opening = events["open@planner.test"]
    assert str(opening["LOCATION"]) == "Altai Room, Training Centre, 1 Example Street"
    assert str(opening["URL"]) == f"http://planner.test/p/{published.slug}/"
    breakout = str(events["b-a@planner.test"]["DESCRIPTION"])
    assert "Practice in pairs." in breakout
    assert "Language: Russian" in breakout
    assert "Interpretation: ru ↔ en" in breakout
    cal = parse(response.data)
    assert str(cal["X-WR-CALNAME"]) == published.title
    assert str(cal["X-WR-TIMEZONE"]) == "Asia/Almaty"


def test_program_instants_follow_the_zone_rules_of_their_year(client, published):
    make_session(published, "Old", datetime(2013, 4, 8, 9), uid="old@planner.test")
    make_session(published, "New", datetime(2026, 4, 8, 9), uid="new@planner.test")
    response = client.get(f"/p/{published.slug}/program.ics")
    events = events_by_uid(response.data)
    assert as_utc(events["old@planner.test"]["DTSTART"]) == UTC_0300
    assert as_utc(events["new@planner.test"]["DTSTART"]) == UTC_0400
    assert [str(tz["TZID"]) for tz in parse(response.data).walk("VTIMEZONE")] == ["Asia/Almaty"]


def test_cancelled_session_stays_in_the_feed_marked_cancelled(client, published):
    make_session(published, "Excursion", uid="exc@planner.test", status=SessionStatus.CANCELLED)
    event = events_by_uid(client.get(f"/p/{published.slug}/program.ics").data)["exc@planner.test"]
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["SUMMARY"]) == "Cancelled: Excursion"


def test_edit_keeps_the_uid_and_raises_the_sequence(client, published, db):
    session = make_session(published, "Opening", uid="open@planner.test")
    first = events_by_uid(client.get(f"/p/{published.slug}/program.ics").data)
    assert first["open@planner.test"]["SEQUENCE"] == 0

    session.starts_local = datetime(2027, 4, 12, 9, 30)
    session.ends_local = datetime(2027, 4, 12, 10, 30)
    session.sequence += 1  # what the agenda service does on every change
    db.session.commit()

    second = events_by_uid(client.get(f"/p/{published.slug}/program.ics").data)
    assert list(second) == ["open@planner.test"]
    assert second["open@planner.test"]["SEQUENCE"] == 1
    assert as_utc(second["open@planner.test"]["DTSTART"]) == datetime(
        2027, 4, 12, 4, 30, tzinfo=UTC
    )


def test_program_names_consenting_facilitators_and_no_participant(client, published):
    listed = factories.make_invitee(
        published,
        full_name="Rania Haddad",
        role=InviteeRole.FACILITATOR,
        consent_named_facilitator=True,
    )
    unlisted = factories.make_invitee(
        published,
        full_name="Тимур Абенов",
        role=InviteeRole.TRAINER,
        consent_named_facilitator=False,
    )
    declined = factories.make_invitee(
        published,
        full_name="Ләззат Нұрланқызы",
        role=InviteeRole.TRAINER,
        consent_named_facilitator=True,
        rsvp_status=RsvpStatus.DECLINED,
    )
    participant = factories.make_invitee(
        published, full_name="Зарина Саидова", consent_to_list=True, passport_number="N1234567"
    )
    make_session(
        published,
        "Breakout A",
        kind=SessionKind.BREAKOUT,
        facilitators=[listed, unlisted, declined],
        participants=[participant],
        uid="b@planner.test",
    )
    body = unfolded(client.get(f"/p/{published.slug}/program.ics").data)
    description = str(events_by_uid(body.encode())["b@planner.test"]["DESCRIPTION"])
    assert "Facilitators: Rania Haddad" in description
    assert "Тимур Абенов" not in body
    assert "Ләззат Нұрланқызы" not in body  # declined: not announced
    assert "Зарина Саидова" not in body
    assert "N1234567" not in body


def test_program_feed_in_russian_on_request(client, published, app):
    make_session(published, "Обед", uid="m@planner.test", status=SessionStatus.CANCELLED)
    body = client.get(f"/p/{published.slug}/program.ics?lang=ru").data
    assert str(events_by_uid(body)["m@planner.test"]["SUMMARY"]) == "Отменено: Обед"


def test_program_feed_speaks_the_first_working_language_by_default(app, client, published, db):
    published.working_languages = "tk,kk,ru,en"  # no Turkmen catalog: Kazakh is next
    db.session.commit()
    make_session(published, "Обед", uid="m@planner.test", status=SessionStatus.CANCELLED)
    body = client.get(f"/p/{published.slug}/program.ics").data
    with app.test_request_context(), force_locale("kk"):
        expected = gettext("Cancelled: %(title)s", title="Обед")
    assert expected != "Cancelled: Обед"
    assert str(events_by_uid(body)["m@planner.test"]["SUMMARY"]) == expected


def test_personal_feed_speaks_the_invitees_language(client, institute, feed_url):
    invitee = factories.make_invitee(institute, language="ru", role=InviteeRole.FACILITATOR)
    make_session(institute, "Пленарное заседание", facilitators=[invitee], uid="p@t", language="kk")
    body = client.get(feed_url(invitee)).data
    assert str(parse(body)["X-WR-CALNAME"]) == f"{institute.title} · моя программа ведущего"
    description = str(events_by_uid(body)["p@t"]["DESCRIPTION"])
    assert "Вы ведёте эту сессию." in description
    assert "Язык: казахский" in description


# -- personal feeds -----------------------------------------------------------------------


@pytest.fixture
def program(institute):
    """A day with plenaries, a break, three parallel breakouts and a meal."""
    rooms = [make_room(institute, name) for name in ("Altai Room", "Turkestan Room", "Syrdarya")]
    sessions = {
        "plenary": make_session(institute, "Opening plenary", uid="plenary@t"),
        "break": make_session(
            institute,
            "Coffee",
            datetime(2027, 4, 12, 10, 30),
            kind=SessionKind.BREAK,
            uid="break@t",
        ),
        "meal": make_session(
            institute, "Lunch", datetime(2027, 4, 12, 12, 30), kind=SessionKind.MEAL, uid="meal@t"
        ),
    }
    for letter, room in zip("abc", rooms, strict=True):
        sessions[letter] = make_session(
            institute,
            f"Breakout {letter.upper()}",
            datetime(2027, 4, 12, 11),
            kind=SessionKind.BREAKOUT,
            room=room,
            uid=f"breakout-{letter}@t",
        )
    return sessions


def test_participant_feed_has_all_hands_sessions_and_only_their_breakout(
    client, institute, program, feed_url, db
):
    participant = factories.make_invitee(institute, full_name="Динара Касымова", language="en")
    make_session(
        institute,
        "Breakout D",
        kind=SessionKind.BREAKOUT,
        participants=[participant],
        uid="breakout-d@t",
    )
    response = client.get(feed_url(participant))
    assert response.status_code == 200
    assert set(events_by_uid(response.data)) == {"plenary@t", "break@t", "meal@t", "breakout-d@t"}
    assert "private" in response.headers["Cache-Control"]
    assert "no-store" in response.headers["Cache-Control"]
    assert str(parse(response.data)["X-WR-CALNAME"]).endswith("my program")


def test_facilitator_feed_adds_the_sessions_they_facilitate(client, institute, program, feed_url):
    facilitator = factories.make_invitee(
        institute, full_name="Бегимай Осмонова", role=InviteeRole.FACILITATOR, language="en"
    )
    partner = factories.make_invitee(
        institute,
        full_name="Тимур Абенов",
        role=InviteeRole.TRAINER,
        consent_named_facilitator=False,
    )
    make_session(
        institute,
        "Breakout E",
        datetime(2027, 4, 13, 11),
        kind=SessionKind.BREAKOUT,
        facilitators=[facilitator, partner],
        uid="breakout-e@t",
    )
    response = client.get(feed_url(facilitator))
    events = events_by_uid(response.data)
    assert set(events) == {"plenary@t", "break@t", "meal@t", "breakout-e@t"}
    description = str(events["breakout-e@t"]["DESCRIPTION"])
    assert "You facilitate this session." in description
    # co-facilitators work together, so they see each other even without list consent
    assert "Бегимай Осмонова, Тимур Абенов" in description
    assert str(parse(response.data)["X-WR-CALNAME"]).endswith("my facilitator program")


def test_travel_leg_across_a_dst_change_has_the_right_instants(client, institute, feed_url):
    traveller = factories.make_invitee(institute, language="en")
    # Leaves Berlin at 22:30 CET on 27 March 2027; Europe switches to CEST that night.
    make_leg(
        traveller,
        datetime(2027, 3, 27, 22, 30),
        "Europe/Berlin",
        datetime(2027, 3, 28, 7, 10),
        "Asia/Almaty",
        from_place="Berlin (BER)",
        to_place="Almaty (ALA)",
        number="KC 922",
        needs_pickup=True,
    )
    make_leg(  # the connection leaves Berlin's zone after the switch: CEST
        traveller,
        datetime(2027, 3, 28, 3, 30),
        "Europe/Berlin",
        datetime(2027, 3, 28, 5, 0),
        "Europe/Berlin",
        mode="rail",
        carrier="DB",
        number="ICE 1",
        from_place="Leipzig",
        to_place="Berlin",
    )
    body = client.get(feed_url(traveller)).data
    flight, train = sorted(parse(body).walk("VEVENT"), key=lambda e: e["DTSTART"].dt)
    assert as_utc(flight["DTSTART"]) == datetime(2027, 3, 27, 21, 30, tzinfo=UTC)
    assert as_utc(flight["DTEND"]) == datetime(2027, 3, 28, 2, 10, tzinfo=UTC)
    assert flight["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert flight["DTEND"].params["TZID"] == "Asia/Almaty"
    assert str(flight["SUMMARY"]) == "Flight Berlin (BER) → Almaty (ALA)"
    # B5: the traveller only asked for a pickup; the feed must not claim it is arranged.
    assert "You asked for a pickup; it is not arranged yet." in str(flight["DESCRIPTION"])
    assert "arranged." not in str(flight["DESCRIPTION"])
    assert as_utc(train["DTSTART"]) == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    zones = {str(tz["TZID"]) for tz in parse(body).walk("VTIMEZONE")}
    assert zones == {"Europe/Berlin", "Asia/Almaty"}


def test_leg_with_an_unknown_zone_is_left_out_not_fatal(client, institute, feed_url, caplog):
    traveller = factories.make_invitee(institute)
    make_session(institute, "Opening", uid="open@t")
    bad = make_leg(
        traveller,
        datetime(2027, 4, 11, 6),
        "Mars/Olympus_Mons",
        datetime(2027, 4, 11, 9),
        "Asia/Almaty",
    )
    response = client.get(feed_url(traveller))
    assert response.status_code == 200
    assert set(events_by_uid(response.data)) == {"open@t"}
    assert f"travel leg {bad.id} has an unknown time zone" in caplog.text


def test_hotel_nights_are_one_all_day_event(client, institute, feed_url):
    guest = factories.make_invitee(institute, language="en")
    make_stay(guest, make_hotel(institute), date(2027, 4, 11), date(2027, 4, 16), "214")
    (stay,) = parse(client.get(feed_url(guest)).data).walk("VEVENT")
    assert stay["DTSTART"].dt == date(2027, 4, 11)
    assert stay["DTEND"].dt == date(2027, 4, 16)
    assert str(stay["SUMMARY"]) == "Hotel: Hotel Ordabasy"
    assert "Room: 214" in str(stay["DESCRIPTION"])


def test_personal_feed_has_no_passport_visa_or_other_peoples_travel(
    client, institute, feed_url, db
):
    me = factories.make_invitee(
        institute,
        full_name="Нигина Назарова",
        passport_name="NAZAROVA NIGINA",
        passport_number="T9988776",
        date_of_birth="1990-05-17",
        phone="+992 900 111 222",
    )
    db.session.add(VisaCase(invitee_id=me.id, status=VisaStatus.APPLIED, notes="embassy queue"))
    other = factories.make_invitee(institute, full_name="Жылдыз Мамытова")
    make_leg(me, datetime(2027, 4, 11, 6), "Asia/Dushanbe", datetime(2027, 4, 11, 9), "Asia/Almaty")
    make_leg(
        other,
        datetime(2027, 4, 11, 7),
        "Asia/Bishkek",
        datetime(2027, 4, 11, 8),
        "Asia/Almaty",
        number="QH 999",
        from_place="Bishkek (FRU)",
    )
    body = unfolded(client.get(feed_url(me)).data)
    for secret in ("T9988776", "NAZAROVA", "1990", "+992", "embassy", "VISA", "visa", "applied"):
        assert secret not in body
    assert "Bishkek" not in body and "QH 999" not in body
    assert "Нигина Назарова" not in body  # not even their own name
    assert len(parse(body.encode()).walk("VEVENT")) == 1


def test_feed_token_of_another_institute_gives_nothing_of_this_one(
    client, institute, organizer, feed_url
):
    other_institute = factories.make_institute(owner=organizer, timezone="Asia/Tashkent")
    make_session(institute, "Here", uid="here@t")
    make_session(other_institute, "Elsewhere", uid="elsewhere@t")
    stranger = factories.make_invitee(other_institute)
    body = client.get(feed_url(stranger)).data
    assert set(events_by_uid(body)) == {"elsewhere@t"}
    assert b"Asia/Almaty" not in body


@pytest.mark.parametrize("token", ["", "x" * 43, "short", "a" * 200])
def test_unknown_token_is_404(client, institute, token):
    assert client.get(f"/feeds/{token}.ics").status_code == 404


def test_revoked_regenerated_expired_and_removed_links_are_404(client, institute, db):
    invitee = factories.make_invitee(institute)
    old = services.issue_feed_link(invitee)
    db.session.commit()
    old_url = f"/feeds/{services.feed_token(old)}.ics"
    assert client.get(old_url).status_code == 200

    new = services.issue_feed_link(invitee)  # regenerate: the old URL dies at once
    db.session.commit()
    new_url = f"/feeds/{services.feed_token(new)}.ics"
    assert client.get(old_url).status_code == 404
    assert client.get(new_url).status_code == 200

    services.revoke_feed_links(invitee)
    db.session.commit()
    assert client.get(new_url).status_code == 404

    fresh = services.issue_feed_link(invitee)
    db.session.commit()
    url = f"/feeds/{services.feed_token(fresh)}.ics"
    fresh.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(url).status_code == 404

    fresh.expires_at = utcnow() + timedelta(days=1)
    invitee.removed_at = utcnow()
    db.session.commit()
    assert client.get(url).status_code == 404


def test_token_is_shown_again_but_only_its_hash_is_stored(app, institute, db):
    invitee = factories.make_invitee(institute)
    link = services.issue_feed_link(invitee)
    db.session.commit()
    token = services.feed_token(link)
    assert len(token) == services.TOKEN_LENGTH  # 256 bits
    assert services.feed_token(db.session.get(FeedLink, link.id)) == token
    stored = db.session.get(FeedLink, link.id)
    assert token not in (stored.salt, stored.token_hash)
    assert services.find_feed_link(token).id == link.id
    # another SECRET_KEY derives another token: a leaked database alone gives no feed
    assert services.feed_token(link, "another-secret") != token


# -- responses ----------------------------------------------------------------------------


def test_unchanged_feed_answers_304_to_its_etag(client, published, db):
    session = make_session(published)
    url = f"/p/{published.slug}/program.ics"
    first = client.get(url)
    etag = first.headers["ETag"]
    assert not etag.startswith("W/")  # strong
    assert client.get(url).headers["ETag"] == etag  # deterministic body
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""

    session.title = "Opening plenary (moved)"
    session.sequence += 1
    db.session.commit()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag


def test_personal_feed_304_and_download_as_attachment(client, institute, feed_url):
    invitee = factories.make_invitee(institute)
    make_session(institute)
    url = feed_url(invitee)
    etag = client.get(url).headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    download = client.get(url + "?download=1")
    assert download.headers["Content-Disposition"] == (
        f'attachment; filename="{institute.slug}-my-program.ics"'
    )


def test_last_use_is_written_at_most_once_an_hour(client, institute, feed_url, db):
    invitee = factories.make_invitee(institute)
    url = feed_url(invitee)
    link = db.session.scalar(db.select(FeedLink))
    client.get(url)
    db.session.refresh(link)
    first_use = link.last_used_at
    assert first_use is not None
    client.get(url)
    client.get(url)
    db.session.refresh(link)
    assert link.last_used_at == first_use
    reads = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "calendar.personal_feed_read")
    ).all()
    assert len(reads) == 1

    link.last_used_at = first_use - timedelta(hours=2)
    db.session.commit()
    client.get(url)
    db.session.refresh(link)
    assert link.last_used_at > first_use


def test_feed_tokens_never_reach_the_request_log(app, institute, feed_url, caplog):
    """A real server on a free loopback port logs the request line without the token."""
    url = feed_url(factories.make_invitee(institute))
    token = url.removeprefix("/feeds/").removesuffix(".ics")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            with urllib.request.urlopen(f"http://127.0.0.1:{server.port}{url}", timeout=30) as r:
                assert r.status == 200
            server.shutdown()
            thread.join(timeout=30)
    finally:
        server.server_close()
    request_lines = [
        rec.getMessage() for rec in caplog.records if "GET /feeds/" in rec.getMessage()
    ]
    assert request_lines
    assert all(token not in line for line in request_lines)
    assert "/feeds/[redacted].ics" in request_lines[0]


def test_an_arranged_pickup_says_who_and_when_in_the_feed(client, institute, feed_url):
    traveller = factories.make_invitee(institute, language="en")
    make_leg(
        traveller,
        datetime(2027, 4, 11, 8, 5),
        "Europe/Istanbul",
        datetime(2027, 4, 11, 15, 45),
        "Asia/Almaty",
        needs_pickup=True,
        pickup_by="Ermek Dzhaksybekov, +7 701 555 0101",
        pickup_at=datetime(2027, 4, 11, 15, 30),
    )
    [flight] = parse(client.get(feed_url(traveller)).data).walk("VEVENT")
    description = str(flight["DESCRIPTION"])
    assert "Pickup arranged: Ermek Dzhaksybekov, +7 701 555 0101, 15:30." in description
    assert "not arranged" not in description
