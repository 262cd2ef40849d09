"""Travel pages in Russian, and CSRF protection on their forms."""

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from planner.extensions import db
from planner.formatting import format_day, format_moment
from planner.invitations.models import RsvpStatus
from planner.travel.models import TravelLeg, VisaCase, VisaRequirement
from tests import factories
from tests.travel.factories import make_leg, make_rule
from tests.travel.test_legs import leg_form


def test_organizer_pages_render_in_russian(client, login, organizer, institute):
    make_rule(institute, "KG", VisaRequirement.NOT_NEEDED, visa_free_days=30)
    person = factories.make_invitee(
        institute, full_name="Бермет Исаева", nationality="KG", rsvp_status=RsvpStatus.CONFIRMED
    )
    make_leg(person, "2027-04-12T09:00", "2027-04-12T10:30")
    login(organizer)
    with client.session_transaction() as session:
        session["lang"] = "ru"

    visas = client.get(f"/institutes/{institute.slug}/visas/").get_data(as_text=True)
    dashboard = client.get(f"/institutes/{institute.slug}/").get_data(as_text=True)

    assert "Визовые правила по гражданству" in visas
    assert "не нужна (безвизовый въезд)" in visas
    assert "Кто приезжает, визы и поездки по гражданству" in dashboard
    moment = format_moment(datetime(2027, 4, 12, 10, 30), "ru")
    assert f"Бермет Исаева прибывает {moment}, уже после начала программы" in dashboard


def test_invitee_pages_follow_the_invitees_language(invitee_login, institute):
    person = factories.make_invitee(institute, language="ru", rsvp_status=RsvpStatus.CONFIRMED)
    client = invitee_login(person)

    html = client.get("/me/travel").get_data(as_text=True)

    assert '<html lang="ru">' in html
    assert "Ваша поездка" in html and "Запросить пригласительное письмо" in html


@pytest.mark.parametrize(
    ("nights", "expected"),
    [
        (3, "Алия: нет места для ночлега на 3 ночи: "),
        (5, "Алия: нет места для ночлега на 5 ночей: "),
    ],
)
def test_russian_plural_forms_of_the_risks(institute, nights, expected):
    from datetime import timedelta

    from flask_babel import force_locale

    from planner.travel import risks
    from planner.travel.models import Hotel

    institute.end_date = institute.start_date + timedelta(days=nights)
    db.session.add(Hotel(institute_id=institute.id, name="Samal"))
    factories.make_invitee(institute, full_name="Алия", rsvp_status=RsvpStatus.CONFIRMED)

    with force_locale("ru"):
        [finding] = risks.missing_beds(risks.load_travel_data(institute))

    assert finding.message.startswith(expected)
    assert format_day(date(2027, 4, 12), locale="ru") in finding.message
    assert not finding.message.endswith("..")


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_posts_without_a_csrf_token_are_refused(
    app_config, client, login, invitee_login, organizer, institute
):
    person = factories.make_invitee(institute, rsvp_status=RsvpStatus.CONFIRMED)
    # Sign in with a token taken from the login page, as a browser would.
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post(
        "/login",
        data={
            "email": organizer.email,
            "password": factories.DEFAULT_PASSWORD,
            "csrf_token": token,
        },
    )
    invitee_client = invitee_login(person)

    organizer_post = client.post(
        f"/institutes/{institute.slug}/travel/invitees/{person.id}/legs/new", data=leg_form()
    )
    invitee_post = invitee_client.post("/me/travel/legs/new", data=leg_form())
    letter = invitee_client.post("/me/travel/visa-letter")

    assert organizer_post.status_code == 400
    assert invitee_post.status_code == 400
    assert letter.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(TravelLeg)) == 0
    assert db.session.scalar(select(func.count()).select_from(VisaCase)) == 0
