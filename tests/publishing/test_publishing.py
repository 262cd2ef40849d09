"""Publishing versions: conflicts first, a changelog against the last version, unpublish."""

from datetime import datetime

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from planner.agenda.models import Session, SessionStatus
from planner.extensions import db
from planner.formatting import format_day
from planner.institutes.models import InstituteStatus
from planner.mail.models import OutboundEmail
from planner.publishing import services
from planner.publishing.models import ProgramVersion
from tests.agenda.factories import make_facilitator, make_room, make_session


def entry(uid, title="Opening", starts="2027-04-12T09:00", ends="2027-04-12T10:30", **extra):
    values = dict(
        uid=uid,
        title=title,
        starts=starts,
        ends=ends,
        room="Hall",
        cancelled=False,
        sequence=0,
        facilitators=[],
    )
    values.update(extra)
    return values


def test_first_version_has_no_changes_to_list():
    log = services.changes_between(None, [entry("a")])
    assert log.first and log.is_empty


def test_changelog_names_each_kind_of_change():
    before = [
        entry("same"),
        entry("moved"),
        entry("renamed", title="Old name"),
        entry("to-cancel"),
        entry("gone"),
        entry("was-cancelled", cancelled=True),
        entry("gone-cancelled", cancelled=True),
    ]
    after = [
        entry("same"),
        entry("moved", starts="2027-04-13T09:00", ends="2027-04-13T10:30"),
        entry("renamed", title="New name"),
        entry("to-cancel", cancelled=True),
        entry("was-cancelled"),  # reinstated: reads as added
        entry("new"),
        entry("new-but-cancelled", cancelled=True),
    ]
    log = services.changes_between(before, after)
    assert [c.uid for c in log.added] == ["was-cancelled", "new"]
    assert [c.uid for c in log.removed] == ["gone"]
    assert [c.uid for c in log.moved] == ["moved"]
    assert log.moved[0].old_starts == datetime(2027, 4, 12, 9, 0)
    assert [c.uid for c in log.cancelled] == ["to-cancel"]
    assert [(c.old_title, c.title) for c in log.retitled] == [("Old name", "New name")]
    # Round trip through the JSON a version stores.
    again = services.Changelog.from_json(log.as_json())
    assert again.as_json() == log.as_json()


def test_a_room_change_is_a_move_and_a_session_can_also_be_renamed():
    log = services.changes_between(
        [entry("a", room="Hall")], [entry("a", room="Room B", title="Renamed")]
    )
    assert [c.old_room for c in log.moved] == ["Hall"]
    assert [c.title for c in log.retitled] == ["Renamed"]


@pytest.fixture
def agenda(institute):
    hall = make_room(institute, "Plenary Hall")
    room_b = make_room(institute, "Room B", position=20)
    rania = make_facilitator(institute, "Rania Haddad", email="rania@example.org", language="en")
    timur = make_facilitator(institute, "Тимур Ахмедов", email="timur@example.org", language="ru")
    opening = make_session(institute, title="Opening", room=hall, facilitators=[rania])
    # Two sessions in Room B at the same time: an open warning.
    clash_a = make_session(
        institute, "2027-04-12 11:00", "2027-04-12 12:30", "Practice A", room=room_b
    )
    clash_b = make_session(
        institute,
        "2027-04-12 11:00",
        "2027-04-12 12:00",
        "Practice B",
        room=room_b,
        facilitators=[timur],
    )
    return {
        "hall": hall,
        "room_b": room_b,
        "opening": opening,
        "clash_a": clash_a,
        "clash_b": clash_b,
        "rania": rania,
        "timur": timur,
    }


def _page(client, institute) -> str:
    return client.get(f"/institutes/{institute.slug}/publish").get_data(as_text=True)


def _versions() -> int:
    return db.session.scalar(select(func.count()).select_from(ProgramVersion))


def test_conflicts_come_first_and_must_be_acknowledged(client, login, organizer, institute, agenda):
    login(organizer)
    page = _page(client, institute)
    assert "Room B" in page and page.index("open warning") < page.index("What will be published")
    refused = client.post(f"/institutes/{institute.slug}/publish", data={"note": "v1"})
    assert refused.status_code == 400
    assert "tick this box" in refused.get_data(as_text=True)
    assert "v1</textarea>" in refused.get_data(as_text=True)  # the note is kept
    assert _versions() == 0 and client.get(f"/p/{institute.slug}/").status_code == 404

    done = client.post(
        f"/institutes/{institute.slug}/publish",
        data={"note": "v1", "acknowledge_conflicts": "y"},
    )
    assert done.status_code == 302
    db.session.expire_all()
    version = db.session.scalar(select(ProgramVersion))
    assert version.number == 1 and version.snapshot and version.changes["first"]
    public = client.get(f"/p/{institute.slug}/").get_data(as_text=True)
    expected_day = format_day(version.published_at, "long")
    assert f"Version 1, published {expected_day}" in public


def test_second_version_lists_what_changed_and_feeds_carry_new_sequence(
    client, app, login, organizer, institute, agenda
):
    login(organizer)
    services.publish(institute, organizer)
    db.session.commit()
    v1 = db.session.scalar(select(ProgramVersion))
    published_seq = {e["uid"]: e["sequence"] for e in v1.snapshot}

    # Changes made outside the editor's services (which raise the sequence themselves).
    opening = db.session.get(Session, agenda["opening"].id)
    opening.starts_local = datetime(2027, 4, 12, 9, 30)
    opening.ends_local = datetime(2027, 4, 12, 11, 0)
    clash_b = db.session.get(Session, agenda["clash_b"].id)
    clash_b.status = SessionStatus.CANCELLED
    clash_a = db.session.get(Session, agenda["clash_a"].id)
    clash_a.title = "Practice round 1"
    db.session.commit()
    make_session(institute, "2027-04-13 09:00", "2027-04-13 10:00", "Day two opening")

    page = _page(client, institute)
    assert "What changed since version 1" in page
    assert "1 session moved" in page and "1 session cancelled" in page
    assert "1 session added" in page and "1 session renamed" in page

    response = client.post(
        f"/institutes/{institute.slug}/publish",
        data={"note": "Room B sorted out", "notify_facilitators": "y"},
    )
    assert response.status_code == 302  # no warning left: nothing to acknowledge
    db.session.expire_all()
    v2 = db.session.scalar(select(ProgramVersion).where(ProgramVersion.number == 2))
    assert [c["title"] for c in v2.changes["moved"]] == ["Opening"]
    assert [c["title"] for c in v2.changes["cancelled"]] == ["Practice B"]
    assert [c["title"] for c in v2.changes["retitled"]] == ["Practice round 1"]
    assert [c["title"] for c in v2.changes["added"]] == ["Day two opening"]

    feed = Calendar.from_ical(client.get(f"/p/{institute.slug}/program.ics").data)
    sequences = {str(e["UID"]): int(e["SEQUENCE"]) for e in feed.walk("VEVENT")}
    for session in (agenda["opening"], agenda["clash_a"], agenda["clash_b"]):
        assert sequences[session.uid] > published_seq[session.uid]

    # Both facilitators of changed sessions are told, each in their language.
    mails = db.session.scalars(
        select(OutboundEmail).where(OutboundEmail.kind == "program_changed")
    ).all()
    assert sorted(m.recipient for m in mails) == ["rania@example.org", "timur@example.org"]
    to_rania = next(m for m in mails if m.recipient == "rania@example.org")
    assert "Opening" in to_rania.body_text and "Practice B" not in to_rania.body_text
    assert f"/p/{institute.slug}/" in to_rania.body_text
    to_timur = next(m for m in mails if m.recipient == "timur@example.org")
    assert to_timur.locale == "ru" and "Practice B" in to_timur.body_text
    assert "Опубликована версия 2 программы" in to_timur.body_text

    history = _page(client, institute)
    assert "Version 2" in history and "Room B sorted out" in history


def test_facilitators_are_told_only_on_request(client, login, organizer, institute, agenda):
    login(organizer)
    services.publish(institute, organizer)
    db.session.commit()
    db.session.get(Session, agenda["opening"].id).title = "Welcome"
    db.session.commit()
    client.post(f"/institutes/{institute.slug}/publish", data={"acknowledge_conflicts": "y"})
    assert _versions() == 2
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(OutboundEmail)
            .where(OutboundEmail.kind == "program_changed")
        )
        == 0
    )


def test_unpublish_is_explicit_and_keeps_the_versions(client, login, organizer, institute, agenda):
    login(organizer)
    services.publish(institute, organizer)
    db.session.commit()
    assert client.get(f"/p/{institute.slug}/").status_code == 200
    response = client.post(f"/institutes/{institute.slug}/publish/unpublish")
    assert response.status_code == 302
    assert client.get(f"/p/{institute.slug}/").status_code == 404
    assert client.get(f"/p/{institute.slug}/program.ics").status_code == 404
    assert _versions() == 1
    assert "Not public. The last version published was version 1" in _page(client, institute)


def test_settings_no_longer_publish(client, login, organizer, institute):
    login(organizer)
    form = {
        "title": institute.title,
        "city": institute.city,
        "country": institute.country,
        "timezone": institute.timezone,
        "start_date": institute.start_date.isoformat(),
        "end_date": institute.end_date.isoformat(),
        "working_languages": ["en"],
        "program_published": "y",
    }
    assert client.post(f"/institutes/{institute.slug}/settings", data=form).status_code == 302
    db.session.expire_all()
    assert not institute.program_published


def test_a_too_long_note_is_refused_and_kept(client, login, organizer, institute):
    login(organizer)
    note = "x" * 1001
    response = client.post(f"/institutes/{institute.slug}/publish", data={"note": note})
    assert response.status_code == 400
    assert note in response.get_data(as_text=True)
    assert _versions() == 0


def test_an_archived_institute_publishes_nothing(client, login, organizer, institute, agenda):
    login(organizer)
    services.publish(institute, organizer)
    db.session.commit()
    institute.status = InstituteStatus.ARCHIVED
    institute.program_published = False
    db.session.commit()
    base = f"/institutes/{institute.slug}/publish"
    assert client.get(base).status_code == 200  # reading stays
    assert client.post(base, data={"acknowledge_conflicts": "y"}).status_code == 403
    assert client.post(f"{base}/unpublish").status_code == 403
    assert _versions() == 1
    with pytest.raises(Exception, match=r"archived|Forbidden|403"):
        services.publish(institute, organizer)


def test_the_publish_page_speaks_russian(client, login, organizer, institute, agenda):
    login(organizer)
    client.post("/language", data={"lang": "ru", "next": "/institutes/"})
    page = _page(client, institute)
    assert "Опубликовать программу" in page
    assert "1 открытое предупреждение в программе" in page
