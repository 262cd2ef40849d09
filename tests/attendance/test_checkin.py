"""Check-in: marking is idempotent, the presence rule at its edges, search and badge codes."""

from datetime import date

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from planner.agenda.models import SessionKind
from planner.attendance import services
from planner.attendance.models import AttendanceMark, CheckinPass
from planner.extensions import db
from planner.formatting import country_name
from planner.invitations.models import RsvpStatus
from tests import factories
from tests.agenda.factories import make_session
from tests.attendance.conftest import pdf_words as flat_text

D1, D2, D4 = date(2027, 4, 12), date(2027, 4, 13), date(2027, 4, 15)


def confirmed(institute, **fields):
    return factories.make_invitee(institute, rsvp_status=RsvpStatus.CONFIRMED, **fields)


def marks() -> int:
    return db.session.scalar(select(func.count(AttendanceMark.id)))


def test_marking_twice_leaves_one_mark_and_unmarking_twice_is_harmless(institute):
    person = confirmed(institute)
    for _n in range(2):
        services.commit_mark(institute, invitee_id=person.id, day=D1)
    assert marks() == 1
    for _n in range(2):
        services.commit_mark(institute, invitee_id=person.id, day=D1, present=False)
    assert marks() == 0


@pytest.mark.parametrize("day", [date(2027, 4, 11), date(2027, 4, 16)])
def test_a_day_just_outside_the_institute_is_refused(institute, day):
    person = confirmed(institute)
    with pytest.raises(services.MarkRefused):
        services.mark(institute, invitee_id=person.id, day=day)


@pytest.mark.parametrize("day", [D1, D4])
def test_first_and_last_day_can_be_marked(institute, day):
    person = confirmed(institute)
    services.commit_mark(institute, invitee_id=person.id, day=day)
    assert services.days_present(institute) == {person.id: {day}}


@pytest.mark.parametrize("status", [RsvpStatus.INVITED, RsvpStatus.DECLINED, RsvpStatus.WAITLISTED])
def test_only_confirmed_people_are_checked_in(institute, status):
    person = factories.make_invitee(institute, rsvp_status=status)
    with pytest.raises(services.MarkRefused):
        services.mark(institute, invitee_id=person.id, day=D1)


def test_someone_of_another_institute_cannot_be_marked(institute):
    stranger = confirmed(factories.make_institute())
    with pytest.raises(services.MarkRefused):
        services.mark(institute, invitee_id=stranger.id, day=D1)


def test_a_session_counts_only_on_its_own_day(institute):
    person = confirmed(institute)
    session = make_session(institute, starts="2027-04-13 09:00", ends="2027-04-13 10:00")
    with pytest.raises(services.MarkRefused):
        services.mark(institute, invitee_id=person.id, day=D1, session_id=session.id)
    services.commit_mark(institute, invitee_id=person.id, day=D2, session_id=session.id)
    # Present at a session of the day means present that day.
    assert services.days_present(institute) == {person.id: {D2}}


def test_day_and_session_marks_of_one_day_count_once(institute):
    person = confirmed(institute)
    session = make_session(institute)
    services.commit_mark(institute, invitee_id=person.id, day=D1)
    services.commit_mark(institute, invitee_id=person.id, day=D1, session_id=session.id)
    assert marks() == 2
    assert services.days_present(institute) == {person.id: {D1}}
    assert services.overview(institute).days[0].present == 1


def test_marks_left_outside_moved_dates_count_for_nothing(institute):
    person = confirmed(institute)
    services.commit_mark(institute, invitee_id=person.id, day=D4)
    institute.end_date = D2
    db.session.commit()
    assert services.days_present(institute) == {}


def test_search_finds_any_script_and_the_badge_code(institute):
    aigul = confirmed(institute, full_name="Айгүл Ёлдашева", passport_name="YOLDASHEVA AIGUL")
    confirmed(institute, full_name="Bakyt Asanov", passport_name="ASANOV BAKYT")
    factories.make_invitee(institute, full_name="Айгүл Невошедшая")  # not confirmed
    codes = services.ensure_codes_saved(institute)

    def found(query):
        return [r.name for r in services.find_for_checkin(institute, query, D1)]

    assert found("айгүл") == ["Айгүл Ёлдашева"]
    assert found("ЕЛДАШЕВА") == ["Айгүл Ёлдашева"]
    assert found("yoldasheva") == ["Айгүл Ёлдашева"]
    assert found(codes[aigul.id]) == ["Айгүл Ёлдашева"]
    assert found("%") == [] and found("") == []


def test_check_in_codes_are_opaque_and_stable(institute):
    person = confirmed(institute, full_name="Dilnoza Karimova", email="dilnoza@example.org")
    first = services.ensure_codes_saved(institute)
    again = services.ensure_codes_saved(institute)
    code = first[person.id]
    assert again == first and len(code) >= 16
    assert "dilnoza" not in code.lower() and str(person.id) != code
    assert db.session.scalar(select(func.count()).select_from(CheckinPass)) == 1


def test_tap_on_the_page_marks_and_json_retries_are_idempotent(client, login, organizer, institute):
    person = confirmed(institute, full_name="Нурлан Сейткали")
    login(organizer)
    url = f"/institutes/{institute.slug}/checkin/"
    page = client.get(url, query_string={"q": "нурлан", "day": D1.isoformat()})
    assert "Нурлан Сейткали" in page.get_data(as_text=True)
    assert page.headers["Permissions-Policy"].startswith("camera=(self)")

    data = {"invitee": person.id, "day": D1.isoformat(), "present": "1"}
    for _n in range(3):  # the offline queue may send one tap again
        response = client.post(f"{url}mark", data=data, headers={"Accept": "application/json"})
        assert response.status_code == 200 and response.json["ok"]
    assert marks() == 1

    plain = client.post(f"{url}mark", data={**data, "present": "0", "q": "нурлан"})
    assert plain.status_code == 302 and "q=" in plain.headers["Location"]
    assert marks() == 0


def test_a_scanned_code_marks_the_holder(client, login, organizer, institute):
    person = confirmed(institute)
    code = services.ensure_codes_saved(institute)[person.id]
    login(organizer)
    response = client.post(
        f"/institutes/{institute.slug}/checkin/mark",
        data={"code": code, "day": D2.isoformat()},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200
    assert services.days_present(institute) == {person.id: {D2}}


@pytest.mark.parametrize(
    "data",
    [
        {"code": "not-a-code", "day": "2027-04-12"},
        {"invitee": "999999", "day": "2027-04-12"},
        {"day": "2027-04-20", "invitee": "1"},
    ],
)
def test_bad_marks_are_refused_with_a_message(client, login, organizer, institute, data):
    login(organizer)
    url = f"/institutes/{institute.slug}/checkin/mark"
    assert client.post(url, data=data, headers={"Accept": "application/json"}).status_code == 422
    response = client.post(url, data=data, follow_redirects=True)
    assert response.status_code == 200 and "alert-danger" in response.get_data(as_text=True)


@pytest.mark.parametrize("data", [{}, {"day": "yesterday"}, {"day": "2027-04-12", "invitee": "x"}])
def test_an_incomplete_mark_is_a_400_not_a_500(client, login, organizer, institute, data):
    login(organizer)
    url = f"/institutes/{institute.slug}/checkin/mark"
    assert client.post(url, data=data, headers={"Accept": "application/json"}).status_code == 400
    assert client.post(url, data=data).status_code == 302


def test_sign_in_sheets_per_day_and_breakout_group_in_the_working_language(
    client, login, organizer, institute
):
    aliya = confirmed(institute, full_name="Алия Тестова", organization="Ак Жол", country="KG")
    confirmed(institute, full_name="Бекзод Другой", organization="Другая", country="UZ")
    group = make_session(
        institute, title="Группа A", kind=SessionKind.BREAKOUT, participants=[aliya]
    )
    login(organizer)
    assert institute.languages[0] == "ru"

    day = client.get(f"/institutes/{institute.slug}/attendance/sheets/2027-04-12.pdf")
    breakout = client.get(f"/institutes/{institute.slug}/attendance/sheets/sessions/{group.id}.pdf")

    assert day.mimetype == breakout.mimetype == "application/pdf"
    day_text, group_text = flat_text(day.data), flat_text(breakout.data)
    with force_locale("ru"):
        signature, kyrgyzstan = _("Signature"), country_name("KG", "ru")
    assert signature in day_text and kyrgyzstan in day_text
    assert "Алия Тестова" in day_text and "Ак Жол" in day_text and "Бекзод Другой" in day_text
    assert "Алия Тестова" in group_text and "Бекзод Другой" not in group_text
    assert (
        client.get(f"/institutes/{institute.slug}/attendance/sheets/2027-05-01.pdf").status_code
        == 404
    )
    assert (
        client.get(f"/institutes/{institute.slug}/attendance/sheets/monday.pdf").status_code == 404
    )


def test_badges_carry_the_check_in_qr_code(client, login, organizer, institute):
    from planner.documents.data import load_badges

    person = confirmed(institute)
    sheet = load_badges(institute)
    code = db.session.get(CheckinPass, person.id).code
    assert sheet.badges[0].qr.startswith("data:image/svg+xml")
    assert sheet.badges[0].qr == services.qr_data_url(code)
    login(organizer)
    assert client.get(f"/institutes/{institute.slug}/documents/badges.pdf").status_code == 200


def test_attendance_page_counts_per_day_and_session(client, login, organizer, institute):
    people = [confirmed(institute) for _n in range(3)]
    group = make_session(institute, kind=SessionKind.BREAKOUT, participants=people[:2])
    services.commit_mark(institute, invitee_id=people[0].id, day=D1, session_id=group.id)
    services.commit_mark(institute, invitee_id=people[2].id, day=D1)
    overview = services.overview(institute)
    assert overview.confirmed == 3
    assert overview.days[0].present == 2
    assert (overview.days[0].sessions[0].present, overview.days[0].sessions[0].expected) == (1, 2)
    login(organizer)
    assert client.get(f"/institutes/{institute.slug}/attendance/").status_code == 200
    assert client.get(f"/institutes/{institute.slug}/").status_code == 200


@pytest.mark.parametrize("text", ["\x00", "ай\x00гуль", "%00"])
def test_odd_characters_in_a_search_or_code_are_harmless(client, login, organizer, institute, text):
    login(organizer)
    url = f"/institutes/{institute.slug}/checkin/"
    assert client.get(url, query_string={"q": text}).status_code == 200
    response = client.post(
        f"{url}mark",
        data={"code": text, "day": "2027-04-12"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code in (400, 422)


class TestRenderWorker:
    """Sign-in sheets are made by the render worker and read from its cache."""

    @pytest.fixture
    def app_config(self):
        return {"RENDER_INLINE": False, "RENDER_WAIT_SECONDS": 0}

    @pytest.mark.parametrize("sheet", ["day", "session"])
    def test_a_sign_in_sheet_comes_from_the_render_worker(
        self, client, login, organizer, institute, monkeypatch, sheet
    ):
        from planner.attendance.views import sign_in_document
        from tests.documents.conftest import (
            block_weasyprint,
            busy_render_worker,
            render_worker_finishes,
        )

        aliya = confirmed(institute, full_name="Алия Тестова")
        group = make_session(
            institute, title="Группа A", kind=SessionKind.BREAKOUT, participants=[aliya]
        )
        db.session.commit()
        if sheet == "day":
            key, _build = sign_in_document(institute, "a4", day=date(2027, 4, 12))
            url = f"/institutes/{institute.slug}/attendance/sheets/2027-04-12.pdf"
        else:
            key, _build = sign_in_document(institute, "a4", session=group)
            url = f"/institutes/{institute.slug}/attendance/sheets/sessions/{group.id}.pdf"
        claim = busy_render_worker(key)
        login(organizer)

        assert client.get(url).status_code == 202

        render_worker_finishes(monkeypatch, claim)
        block_weasyprint(monkeypatch)
        ready = client.get(url)
        assert ready.mimetype == "application/pdf"
        assert "Алия Тестова" in flat_text(ready.data)

        aliya.full_name = "Алия Новая"
        aliya.institute.touch()
        db.session.commit()
        changed = flat_text(client.get(url).data)  # no worker runs: made apart, see documents
        assert "Алия Новая" in changed, "a changed name is never served stale"
