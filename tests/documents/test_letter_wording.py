"""The "letter ready" e-mail in the institute's own wording (Messages page), then reset."""

from datetime import UTC, datetime

from sqlalchemy import select

from planner.mail.models import OutboundEmail
from tests.documents.test_letters import letter_url


def test_the_letter_ready_email_uses_the_institutes_own_text(
    program, letter_settings, db, client, login, organizer
):
    program.visa_case.letter_approved_at = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
    db.session.commit()
    login(organizer)
    slug = program.institute.slug
    saved = client.post(
        f"/institutes/{slug}/messages/templates/letter_ready/ru",
        data={"subject": "Письмо готово, {name}", "body": "{name}, скачайте письмо: {link}"},
    )
    assert saved.status_code == 302

    assert client.post(letter_url(program, "/send")).status_code == 302

    mail = db.session.scalars(select(OutboundEmail)).one()
    assert mail.subject == f"Письмо готово, {program.listed.full_name}"
    assert mail.body_text.strip() == (
        f"{program.listed.full_name}, скачайте письмо: http://planner.test/me/"
    )
    assert "N1234567" not in mail.body_text
