"""The invitee's path in real Chromium at phone width: link, answer, details (CSRF on)."""

import pytest

from planner.extensions import db
from planner.invitations.models import Invitee, RsvpStatus
from tests import factories
from tests.plugins.invitee_session import make_link

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def phone(new_page):
    return new_page(locale="ru-RU")


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_invitee_confirms_and_fills_in_details_on_a_phone(live_server, phone, institute):
    invitee = factories.make_invitee(
        institute, full_name="Зарина Саидова", language="ru", nationality=None
    )
    token, _ = make_link(invitee)

    phone.goto(f"{live_server}/r/{token}")
    assert phone.locator("h1").inner_text() == institute.title
    assert fits_the_screen(phone)
    phone.get_by_role("button", name="Да, я приеду").click()

    phone.wait_for_url(f"{live_server}/me/")
    assert token not in phone.url
    assert fits_the_screen(phone)
    phone.get_by_role("link", name="Мои данные для поездки и визы").click()
    phone.get_by_label("Имя в паспорте (латиницей)").fill("Saidova Zarina")
    phone.get_by_label("Гражданство").select_option("TJ")
    phone.get_by_label("Телефон").fill("+992 90 132 4056")
    phone.get_by_label("Номер паспорта").fill("N7300137")
    phone.get_by_label("Я согласен(на)", exact=False).check()
    phone.get_by_label("Номер паспорта").press("Enter")  # the keyboard submits the form

    phone.wait_for_url(f"{live_server}/me/")
    assert "Спасибо, ваши данные сохранены." in phone.content()
    db.session.expire_all()
    saved = db.session.get(Invitee, invitee.id)
    assert saved.rsvp_status == RsvpStatus.CONFIRMED
    assert (saved.passport_name, saved.passport_number) == ("SAIDOVA ZARINA", "N7300137")


def test_a_details_mistake_is_shown_next_to_the_field_in_russian(live_server, phone, institute):
    invitee = factories.make_invitee(institute, language="ru", rsvp_status=RsvpStatus.CONFIRMED)
    token, _ = make_link(invitee)
    phone.goto(f"{live_server}/r/{token}")
    phone.get_by_role("button", name="Открыть мою страницу", exact=False).click()
    phone.goto(f"{live_server}/me/details")

    phone.get_by_label("Имя в паспорте (латиницей)").fill("Саидова")
    phone.get_by_role("button", name="Сохранить мои данные").click()

    error = phone.locator("#passport_name-error")
    assert "латинскими буквами" in error.inner_text()
    assert phone.get_by_label("Имя в паспорте (латиницей)").input_value() == "Саидова"
    assert phone.get_by_label("Имя в паспорте (латиницей)").get_attribute("aria-invalid") == "true"


@pytest.fixture
def desktop(new_page):
    return new_page(width=1200, height=900, locale="en-GB")


def test_organizer_selects_everyone_previews_and_sends(live_server, desktop, organizer, institute):
    from tests.invitations.conftest import outbox

    people = [
        factories.make_invitee(institute, rsvp_status=RsvpStatus.DRAFT, language=lang)
        for lang in ("ru", "en", "kk")
    ]
    desktop.goto(f"{live_server}/login")
    desktop.get_by_label("E-mail").fill(organizer.email)
    desktop.get_by_label("Password").fill(factories.DEFAULT_PASSWORD)
    desktop.get_by_label("Password").press("Enter")
    desktop.goto(f"{live_server}/institutes/{institute.slug}/invitees/")

    desktop.get_by_label("Select everyone on this page").check()
    desktop.get_by_role("button", name="Preview the invitation").click()

    assert "3 selected invitees will receive an invitation." in desktop.content()
    assert outbox() == []
    desktop.get_by_role("button", name="Send 3 invitations").click()
    desktop.wait_for_url(f"{live_server}/institutes/{institute.slug}/invitees/")
    assert "3 invitations are queued for sending." in desktop.content()
    db.session.expire_all()
    assert sorted(m.invitee_id for m in outbox("invitation")) == sorted(p.id for p in people)
