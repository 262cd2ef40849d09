"""The interface speaks Russian when asked to, invitees read their own language, and every
catalog is complete."""

from pathlib import Path

import pytest
from babel import Locale
from babel.messages.pofile import read_po
from flask_babel import force_locale, gettext

from planner import i18n
from planner.invitations.models import RsvpStatus
from tests import factories
from tests.plugins.invitee_session import make_link

CATALOGS = sorted(Path(__file__).parent.parent.glob("planner/**/translations/*/LC_MESSAGES/*.po"))


def test_russian_ui_renders_russian_strings(client, login, organizer, institute):
    login(organizer)
    response = client.post("/language", data={"lang": "ru", "next": "/institutes/"})
    assert response.headers["Location"] == "/institutes/"
    page = client.get("/institutes/").get_data(as_text=True)
    assert '<html lang="ru">' in page
    assert "Мои институты" in page
    assert "Новый институт" in page
    dashboard = client.get(f"/institutes/{institute.slug}/").get_data(as_text=True)
    assert "Настройки" in dashboard
    assert Locale("ru").territories["KZ"] in dashboard


def test_browser_language_is_used_before_a_choice(client, db):
    page = client.get("/login", headers={"Accept-Language": "ru-RU,ru;q=0.9"})
    assert "Вход" in page.get_data(as_text=True)


def test_form_errors_are_in_russian(client, login, organizer):
    login(organizer)
    with client.session_transaction() as session:
        session["lang"] = "ru"
    page = client.post("/institutes/new", data={"title": ""}).get_data(as_text=True)
    assert "Исправьте отмеченные ниже поля." in page
    assert "Обязательное поле." in page


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda p: str(p.parent.parent))
def test_every_catalog_is_complete(catalog):
    with catalog.open("rb") as fh:
        messages = [m for m in read_po(fh) if m.id]
    untranslated = [
        m.id
        for m in messages
        if not m.string or (isinstance(m.string, tuple) and not all(m.string)) or m.fuzzy
    ]
    assert messages
    assert untranslated == []


# --- the invitee's languages ------------------------------------------------------------------


def test_every_invitee_string_is_translated_into_every_invitee_language():
    """kk, ky, uz, tg and az catalogs hold every string of INVITEE_SOURCES
    (``make missing-messages`` lists the gaps; ``make update-invitee-catalogs`` adds them)."""
    assert i18n.missing_messages() == {}


def test_the_invitee_sources_exist():
    for package, patterns in i18n.INVITEE_SOURCES.items():
        for pattern in patterns:
            path = pattern.partition("::")[0]
            assert list(i18n.PROJECT_ROOT.glob(path)), f"{package}: {path}"
        assert i18n.invitee_message_ids(package)


def _in(app, locale: str, message: str, **values) -> str:
    with app.test_request_context(), force_locale(locale):
        return gettext(message, **values)


@pytest.mark.parametrize("locale", i18n.INVITEE_LOCALES)
def test_invitee_pages_are_in_the_invitees_language(app, db, institute, invitee_login, locale):
    invitee = factories.make_invitee(
        institute, language=locale, rsvp_status=RsvpStatus.CONFIRMED, full_name="Азиз Каримов"
    )
    token, _link = make_link(invitee)
    page = app.test_client().get(f"/r/{token}").get_data(as_text=True)
    assert f'<html lang="{locale}">' in page
    assert _in(app, locale, "Invitation for %(name)s", name="Азиз Каримов") in page

    client = invitee_login(invitee)
    for path, message in [
        ("/me/", "Your answer"),
        ("/me/details", "Name in passport (Latin letters)"),
        ("/me/travel", "How you travel"),
        ("/me/travel/legs/new", "Needs a pickup on arrival"),
        ("/me/agenda", "My agenda"),
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        page = response.get_data(as_text=True)
        assert f'<html lang="{locale}">' in page, path
        assert _in(app, locale, message) in page, path
        assert _in(app, locale, "Sign out") in page, path
        assert 'href="/me/">Institute Planner</a>' in page, path


def test_the_switcher_lists_each_language_in_itself(app, db, institute, invitee_login):
    invitee = factories.make_invitee(institute, language="tg")
    page = invitee_login(invitee).get("/me/").get_data(as_text=True)
    for code in i18n.INVITEE_LOCALES:
        assert f'lang="{code}">{i18n.autonym(code)}</option>' in page
    assert "Тоҷикӣ" in page


def test_each_language_is_named_in_itself_as_cldr_names_it():
    from babel import Locale

    for code in i18n.INVITEE_LOCALES:
        name = Locale.parse(code).get_display_name(code)
        assert i18n.autonym(code) == name[:1].upper() + name[1:]


def test_organizer_pages_stay_english_and_russian(client, login, organizer, institute):
    login(organizer)
    client.post("/language", data={"lang": "kk", "next": "/institutes/"})
    page = client.get("/institutes/").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert 'value="kk"' not in page
    assert organizer.locale in i18n.ORGANIZER_LOCALES


def test_the_switcher_changes_the_invitees_language_for_pages_and_mail(
    app, db, institute, invitee_login
):
    invitee = factories.make_invitee(institute, language="ru")
    client = invitee_login(invitee)
    client.post("/language", data={"lang": "ky", "next": "/me/"})
    assert '<html lang="ky">' in client.get("/me/").get_data(as_text=True)
    db.session.refresh(invitee)
    assert invitee.language == "ky"


def test_a_link_page_without_a_profile_follows_the_browser(app, db):
    page = app.test_client().get(
        "/r/no-such-token", headers={"Accept-Language": "uz-UZ,uz;q=0.9,ru;q=0.5"}
    )
    assert page.status_code == 404
    assert '<html lang="uz">' in page.get_data(as_text=True)
    assert _in(app, "uz", "This link does not work") in page.get_data(as_text=True)


def test_an_expired_invitee_session_gets_an_invitee_error_page(app, db):
    page = app.test_client().get("/me/", headers={"Accept-Language": "az"})
    text = page.get_data(as_text=True)
    assert page.status_code == 404
    assert '<html lang="az">' in text
    assert _in(app, "az", "Open your personal link first") in text  # how to get in (B4)
    assert "/institutes/" not in text


def test_a_language_we_do_not_speak_reads_russian_or_english():
    assert i18n.invitee_locale("tk") == "ru"
    assert i18n.invitee_locale("fr") == "en"
    assert i18n.invitee_locale("ky") == "ky"


def test_a_date_that_ends_a_sentence_gets_one_period(app, db, institute, invitee_login):
    from datetime import date

    from planner.formatting import format_day

    institute.rsvp_deadline = date(2027, 4, 1)
    db.session.commit()
    invitee = factories.make_invitee(institute, language="ru")
    page = invitee_login(invitee).get("/me/").get_data(as_text=True)
    day = format_day(date(2027, 4, 1), locale="ru")
    assert day.endswith(".")
    assert f"{day}." not in page
    assert day in page
    assert i18n.single_period("12 апр. 2027 г..") == "12 апр. 2027 г."
    assert i18n.single_period("Wait...") == "Wait..."


def test_form_errors_in_a_language_wtforms_does_not_speak(app, db, institute, invitee_login):
    invitee = factories.make_invitee(institute, language="tg", rsvp_status=RsvpStatus.CONFIRMED)
    client = invitee_login(invitee)
    page = client.post("/me/details", data={"passport_name": ""}).get_data(as_text=True)
    assert _in(app, "tg", "This field is required.") in page
    assert "This field is required." not in page


@pytest.mark.parametrize("locale", i18n.INVITEE_ONLY_LOCALES)
def test_invitation_and_answer_mails_are_in_the_invitees_language(app, db, institute, locale):
    from planner.formatting import format_date_range
    from planner.invitations import services

    invitee = factories.make_invitee(institute, language=locale, full_name="Нигора Юсупова")
    with app.test_request_context():
        used, subject, text, html = services.compose(
            "invitation", invitee, url="https://planner.test/r/x"
        )
        dates = format_date_range(institute.start_date, institute.end_date, locale=locale)
        with force_locale(locale):
            expected_subject = gettext(
                "Invitation: %(title)s, %(dates)s", title=institute.title, dates=dates
            )
            dear = gettext("Dear %(name)s,", name="Нигора Юсупова")
    assert used == locale
    assert subject.split() == expected_subject.split()  # a subject has plain spaces
    assert dear in text and dear in html
    assert "Dear " not in text


def test_the_personal_calendar_feed_speaks_the_invitees_language(app, db, institute):
    from icalendar import Calendar

    from planner.calendar import services as calendar_services

    invitee = factories.make_invitee(institute, language="ky", rsvp_status=RsvpStatus.CONFIRMED)
    link = calendar_services.issue_feed_link(invitee)
    db.session.commit()
    token = calendar_services.feed_token(link)
    body = app.test_client().get(f"/feeds/{token}.ics").data
    name = str(Calendar.from_ical(body)["X-WR-CALNAME"])
    assert name == _in(app, "ky", "%(title)s · my program", title=institute.title)
