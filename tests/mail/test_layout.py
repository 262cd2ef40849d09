"""The shared e-mail layouts: what every message around its content says, in both languages."""

from datetime import date

from planner.formatting import format_date_range
from planner.mail.services import render_email
from tests import factories, formats


def render_test_message(institute, locale: str, **organizer_fields):
    organizer = factories.make_organizer(name="Ольга <Организатор>", **organizer_fields)
    return render_email("mail/messages/test", locale, institute=institute, organizer=organizer)


def test_text_layout_names_the_institute_why_and_whom_to_ask(institute):
    subject, text, _ = render_test_message(institute, "en")

    assert subject == f"Test message from Institute Planner: {institute.title}"
    assert text.startswith(f"{institute.title}\n\nHello Ольга <Организатор>,")
    body, signature = text.split("\n-- \n")  # the standard signature separator
    assert "This is a test message." in body
    assert institute.title in signature
    dates = formats.date_range(institute.start_date, institute.end_date, "en")
    assert f"{dates} · Shymkent, {formats.country('KZ', 'en')}" in signature
    assert "You receive this e-mail because you asked for a test message." in signature
    assert f"Questions? Write to the organizers at {institute.contact_email}." in signature


def test_html_layout_is_escaped_with_the_language_and_phone_width(institute):
    institute.title = "Institute <script>alert(1)</script>"

    _, _, html = render_test_message(institute, "en")

    assert html.startswith("<!doctype html>")
    assert '<html lang="en">' in html
    assert 'name="viewport"' in html
    assert "max-width:600px" in html
    assert "<script>" not in html
    assert "Institute &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Ольга &lt;Организатор&gt;" in html


def test_layout_in_russian(institute):
    subject, text, html = render_test_message(institute, "ru")

    assert subject.startswith("Тестовое письмо от Institute Planner")
    assert "Здравствуйте, Ольга <Организатор>!" in text
    assert format_date_range(date(2027, 4, 12), date(2027, 4, 15), locale="ru") in text
    assert formats.country("KZ", "ru") in text
    assert f"Вопросы? Пишите организаторам: {institute.contact_email}." in text
    assert '<html lang="ru">' in html


def test_notice_carries_the_personal_link_as_a_button_and_as_text(institute):
    invitee = factories.make_invitee(institute, full_name="Гульнара Сейтова", language="ru")
    link = "http://planner.test/r/" + "A" * 43

    subject, text, html = render_email(
        "mail/messages/notice",
        "en",
        institute=institute,
        invitee=invitee,
        subject="Practical information",
        paragraphs=["The venue is 10 minutes from the airport."],
        link=link,
    )

    assert subject == "Practical information"
    assert "Dear Гульнара Сейтова," in text
    assert f"Your personal page: {link}" in text
    assert html.count(f'href="{link}"') == 2  # the button and the copyable address
    assert "You receive this e-mail because the organizers of this institute invited you" in html
