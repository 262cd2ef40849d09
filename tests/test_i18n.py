"""The interface speaks Russian when asked to, and every catalog is complete."""

from pathlib import Path

import pytest
from babel import Locale
from babel.messages.pofile import read_po

CATALOGS = sorted(Path(__file__).parent.parent.glob("planner/**/translations/ru/LC_MESSAGES/*.po"))


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


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda p: str(p.parent.parent.parent.parent))
def test_russian_catalog_is_complete(catalog):
    with catalog.open("rb") as fh:
        messages = [m for m in read_po(fh) if m.id]
    untranslated = [
        m.id
        for m in messages
        if not m.string or (isinstance(m.string, tuple) and not all(m.string)) or m.fuzzy
    ]
    assert messages
    assert untranslated == []
