"""Messages to a filtered group in each recipient's language, through the real outbox and a
local SMTP server; the standard e-mails' own wording; scheduled reminders; nudges."""

from datetime import timedelta

import pytest
from babel.dates import format_date, format_time
from sqlalchemy import select

from planner.db import utcnow
from planner.extensions import db
from planner.invitations import services as invitations
from planner.invitations.models import RsvpStatus, StatusChange
from planner.mail import sender
from planner.messages import services
from planner.messages.models import MessageTemplate, ScheduledMessage, ScheduleStatus
from planner.travel.models import VisaStatus
from tests import factories
from tests.agenda.factories import at, make_room, make_session
from tests.invitations.conftest import URL_IN_MAIL, outbox, path_of
from tests.travel.factories import make_case, make_leg

TEXTS = {
    "ru": ("Новости для {name}", "Здравствуйте, {name}!\n\nВаша ссылка: {link}\n\n{sessions}"),
    "en": ("News for {name}", "Dear {name},\n\nYour link: {link}\n\n{sessions}"),
    "kk": ("{name}, жаңалықтар", "Сәлеметсіз бе, {name}!\n\nСілтеме: {link}\n\n{sessions}"),
}


@pytest.fixture
def app_config(smtp_server):
    return smtp_server.app_config()


@pytest.fixture
def group(institute):
    """Three invited people in Kazakhstan (Russian, English, Kazakh) and two outside the filter."""
    return {
        "ru": factories.make_invitee(
            institute, full_name="Динара Касымова", email="dinara@example.org", language="ru"
        ),
        "en": factories.make_invitee(
            institute, full_name="Anna Lee", email="anna@example.org", language="en"
        ),
        "kk": factories.make_invitee(
            institute, full_name="Ләззат Нұрланқызы", email="lazzat@example.org", language="kk"
        ),
        "uz": factories.make_invitee(
            institute, full_name="Гульнора Каримова", email="g@example.org", country="UZ"
        ),
        "declined": factories.make_invitee(
            institute, email="no@example.org", rsvp_status=RsvpStatus.DECLINED
        ),
    }


def form_data(audience: dict, texts: dict, action: str, **extra) -> dict:
    data = {"action": action, **audience, **extra}
    for code, (subject, body) in texts.items():
        data[f"subject_{code}"] = subject
        data[f"body_{code}"] = body
    return data


def compose_url(institute) -> str:
    return f"/institutes/{institute.slug}/messages/"


def test_compose_to_a_filtered_group_in_three_languages(
    app, client, owner_client, institute, group, smtp_server
):
    room = make_room(institute, "Altai Room")
    session = make_session(institute, title="Digital safety", room=room, facilitators=[group["kk"]])
    audience = {"status": "invited", "country": "KZ"}

    page = owner_client.get(compose_url(institute), query_string=audience)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "3 people in the group" in html
    assert 'id="text-kk"' in html and 'id="text-en"' in html and 'id="text-ru"' in html

    preview = owner_client.post(compose_url(institute), data=form_data(audience, TEXTS, "preview"))
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Здравствуйте, Динара Касымова!" in html and "Dear Anna Lee," in html
    assert "Сәлеметсіз бе, Ләззат Нұрланқызы!" in html
    assert outbox() == []  # a preview sends nothing

    response = owner_client.post(compose_url(institute), data=form_data(audience, TEXTS, "send"))
    assert response.status_code == 302
    assert [m.kind for m in outbox()] == ["message"] * 3
    sender.send_queued()

    assert len(smtp_server.messages) == 3
    ru, en, kk = (smtp_server.to(group[c].email)[0] for c in ("ru", "en", "kk"))
    assert ru["Subject"] == "Новости для Динара Касымова"
    assert en["Subject"] == "News for Anna Lee"
    assert kk["Subject"] == "Ләззат Нұрланқызы, жаңалықтар"
    kk_text = smtp_server.text(kk)
    expected_line = "- {} {}–{} Digital safety (Altai Room)".format(
        format_date(at("2027-04-12 09:00").date(), "EEE d MMM", locale="kk"),
        format_time(session.starts_local, "HH:mm", locale="kk"),
        format_time(session.ends_local, "HH:mm", locale="kk"),
    )
    assert expected_line in kk_text
    with app.test_request_context():
        from flask_babel import force_locale, gettext

        with force_locale("en"):
            nothing = gettext("You have no sessions of your own in the program yet.")
    assert nothing in smtp_server.text(en)
    for message in (ru, en, kk):
        (link,) = set(URL_IN_MAIL.findall(smtp_server.text(message)))
        assert link in smtp_server.html(message)
        assert client.get(path_of(link)).status_code == 200  # the personal link works
    assert smtp_server.to(group["uz"].email) == []
    assert smtp_server.to(group["declined"].email) == []
    history = db.session.execute(
        select(StatusChange.invitee_id, StatusChange.kind, StatusChange.note)
    ).all()
    assert sorted(history) == sorted(
        [
            (group["ru"].id, "message", "Новости для Динара Касымова"),
            (group["en"].id, "message", "News for Anna Lee"),
            (group["kk"].id, "message", "Ләззат Нұрланқызы, жаңалықтар"),
        ]
    )
    detail = owner_client.get(f"/institutes/{institute.slug}/invitees/{group['en'].id}")
    assert "message sent" in detail.get_data(as_text=True)


def test_a_language_without_its_own_text_gets_russian_then_english(institute, group):
    texts = {"ru": TEXTS["ru"], "en": TEXTS["en"]}
    assert services.text_for(texts, "kk")[0] == "ru"  # Kazakh readers read Russian
    assert services.text_for(texts, "ar")[0] == "en"
    assert services.text_for({"en": TEXTS["en"]}, "ru")[0] == "en"


def test_the_group_filters_by_visa_travel_passport_and_answer(institute, group):
    make_case(group["ru"], VisaStatus.LETTER_REQUESTED)
    make_leg(group["en"])
    group["kk"].passport_number = "N1234567"
    db.session.commit()

    def names(**audience):
        return {i.email for i in services.recipients(institute, services.Audience(**audience))}

    assert names(visa="letter_requested") == {"dinara@example.org"}
    assert "dinara@example.org" not in names(visa="none")
    assert "anna@example.org" not in names(no_travel=True)
    assert "lazzat@example.org" not in names(no_passport=True)
    assert "no@example.org" not in names(not_answered=True)
    assert names(role="facilitator") == set()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "send"}, "Write the message in at least one language."),
        (
            form_data({}, {"ru": ("Тема", "Привет, {nmae}")}, "send"),
            "Unknown placeholder {nmae}.",
        ),
        (form_data({}, {"ru": ("", "Текст")}, "send"), "Write a subject."),
        (form_data({}, {"ru": ("Т" * 301, "Текст")}, "send"), "The subject is longer than 300"),
        (form_data({}, {"ru": ("Тема", "")}, "send"), "Write the text."),
        (form_data({"country": "UZ", "role": "staff"}, TEXTS, "send"), "Nobody is in this group."),
        (form_data({"status": "nonsense"}, TEXTS, "send"), "Not a valid choice."),
        (
            form_data({}, TEXTS, "send", send_at="2020-01-01T10:00"),
            "Choose a time in the future.",
        ),
        (form_data({}, TEXTS, "send", send_at="tomorrow"), "Not a valid datetime value."),
    ],
    ids=[
        "no-text",
        "placeholder",
        "no-subject",
        "long-subject",
        "no-body",
        "empty-group",
        "bad-status",
        "past",
        "bad-time",
    ],
)
def test_invalid_messages_are_explained_and_keep_what_was_typed(
    owner_client, institute, group, data, message
):
    response = owner_client.post(compose_url(institute), data=data)

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    assert outbox() == []
    if data.get("subject_ru") and data.get("status") != "nonsense":
        assert data["subject_ru"][:50] in html  # nothing typed is lost


def test_a_reminder_scheduled_for_later_goes_only_to_those_still_not_answered(
    runner, owner_client, institute, group
):
    for person in (group["ru"], group["en"]):
        person.invited_at = utcnow() - timedelta(days=10)
    db.session.commit()
    audience = {"not_answered": "y", "country": "KZ"}
    response = owner_client.post(
        compose_url(institute),
        data=form_data(audience, TEXTS, "send", send_at="2099-01-01T09:00"),
    )
    assert response.status_code == 302
    (scheduled,) = db.session.scalars(select(ScheduledMessage))
    assert scheduled.send_at.year == 2099
    assert outbox() == []
    invitations.answer(group["en"], RsvpStatus.CONFIRMED)  # meanwhile Anna answers
    db.session.commit()
    before = len(outbox())

    assert services.send_due("http://planner.test", now=utcnow()) == 0  # not yet
    scheduled.send_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    result = runner.invoke(args=["send-scheduled"])

    assert "2 message(s) queued." in result.output  # Dinara and Ләззат, not Anna
    sent_to = {m.recipient for m in outbox()[before:]}
    assert sent_to == {"dinara@example.org", "lazzat@example.org"}
    db.session.expire_all()
    assert scheduled.status == ScheduleStatus.SENT


def test_a_scheduled_message_can_be_cancelled(owner_client, institute, group):
    owner_client.post(
        compose_url(institute), data=form_data({}, TEXTS, "send", send_at="2099-01-01T09:00")
    )
    (scheduled,) = db.session.scalars(select(ScheduledMessage))

    response = owner_client.post(
        f"/institutes/{institute.slug}/messages/scheduled/{scheduled.id}/cancel"
    )

    assert response.status_code == 302
    db.session.expire_all()
    assert scheduled.status == ScheduleStatus.CANCELLED
    again = owner_client.post(
        f"/institutes/{institute.slug}/messages/scheduled/{scheduled.id}/cancel"
    )
    assert again.status_code == 404


def test_one_invitee_can_be_nudged_from_their_page(owner_client, institute, group):
    person = group["ru"]
    page = owner_client.get(f"/institutes/{institute.slug}/invitees/{person.id}")
    assert "/nudge" in page.get_data(as_text=True)

    response = owner_client.post(f"/institutes/{institute.slug}/invitees/{person.id}/nudge")

    assert response.status_code == 302
    (message,) = outbox()
    assert (message.recipient, message.kind) == (person.email, "reminder_gentle")
    assert URL_IN_MAIL.search(message.body_text)
    db.session.expire_all()
    assert person.reminders_sent == 1
    assert db.session.scalar(select(StatusChange.new_status)) == "nudged"


# The standard e-mails' own wording ----------------------------------------------------------


def template_url(institute, kind="invitation", locale="ru") -> str:
    return f"/institutes/{institute.slug}/messages/templates/{kind}/{locale}"


def test_the_edit_form_starts_from_the_built_in_text_with_placeholders(owner_client, institute):
    page = owner_client.get(template_url(institute))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "{name}" in html and "{link}" in html
    assert institute.title in html


def test_an_own_invitation_text_is_used_until_it_is_reset(app, owner_client, institute, group):
    response = owner_client.post(
        template_url(institute),
        data={"subject": "Приглашение: {name}", "body": "{name}, ждём вас! {link}"},
    )
    assert response.status_code == 302
    person = group["ru"]
    listing = owner_client.get(f"/institutes/{institute.slug}/messages/templates/")
    assert "own text" in listing.get_data(as_text=True)

    invitations.send_invitations(institute, [person], None, "http://planner.test")
    db.session.commit()
    custom = outbox()[-1]
    assert custom.subject == "Приглашение: Динара Касымова"
    assert custom.body_text.startswith("Динара Касымова, ждём вас! http://planner.test/r/")

    owner_client.post(template_url(institute) + "/reset")
    assert db.session.scalars(select(MessageTemplate)).all() == []
    with app.app_context(), app.test_request_context():  # the wording is read once a request
        invitations.send_invitations(
            institute, [person], None, "http://planner.test", only_unanswered=False
        )
        db.session.commit()
    assert outbox()[-1].subject != custom.subject  # the built-in text again


def test_an_own_confirmation_text_answers_a_yes(owner_client, institute, group):
    owner_client.post(
        template_url(institute, "confirmation", "en"),
        data={"subject": "See you, {name}", "body": "Thanks {name}. Your page: {link}"},
    )

    invitations.answer(group["en"], RsvpStatus.CONFIRMED)
    db.session.commit()

    message = outbox("confirmation")[-1]
    assert message.subject == "See you, Anna Lee"
    assert "http://planner.test/me/" in message.body_text or "/me/" in message.body_text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"subject": "", "body": "Text"}, "This field is required."),
        ({"subject": "S", "body": "Hi {nam}"}, "Unknown placeholder {nam}."),
        ({"subject": "S" * 301, "body": "Text"}, "Field cannot be longer than 300 characters."),
    ],
)
def test_invalid_template_texts_are_explained(owner_client, institute, data, message):
    response = owner_client.post(template_url(institute), data=data)

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalars(select(MessageTemplate)).all() == []


@pytest.mark.parametrize("path", ["invitation/de", "welcome/ru"])
def test_unknown_templates_are_404(owner_client, institute, path):
    response = owner_client.get(f"/institutes/{institute.slug}/messages/templates/{path}")
    assert response.status_code == 404


def test_a_subject_never_carries_the_personal_link(institute, group):
    texts = {"en": ("Link {link} for {name}", "Dear {name}: {link}")}
    services.send_message(
        institute, services.Audience(country="KZ"), texts, None, "http://planner.test"
    )
    message = next(m for m in outbox() if m.recipient == "anna@example.org")
    assert message.subject == "Link {link} for Anna Lee"
    assert URL_IN_MAIL.search(message.body_text)
