"""Visa invitation letters: the settings form, the bilingual letter, who gets it, sending it."""

import io
import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from planner.documents.models import LetterSettings
from planner.mail.models import OutboundEmail
from planner.security.models import AuditEvent
from planner.travel.models import VisaStatus
from tests import formats
from tests.documents.conftest import flat_text, pdf_reader

SETTINGS_FORM = {
    "legal_name": "Public Association “Steppe Women's Network”",
    "signatory_name": "Gulnara Seitova",
    "signatory_title": "Executive Director",
    "signing_city": "Shymkent",
    "reference_prefix": "SWN",
}


def image_bytes(fmt: str = "PNG", size=(60, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (11, 92, 115)).save(buffer, format=fmt)
    return buffer.getvalue()


def letter_url(program, suffix=".pdf") -> str:
    return f"/institutes/{program.institute.slug}/documents/letters/{program.listed.id}{suffix}"


# --- the letter ------------------------------------------------------------------------------


def test_letter_carries_passport_details_in_english_and_russian(
    program, letter_settings, client, login, organizer
):
    login(organizer)
    response = client.get(letter_url(program))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    reader = pdf_reader(response.data)
    assert len(reader.pages) == 2
    english = " ".join(reader.pages[0].extract_text().split())
    russian = " ".join(reader.pages[1].extract_text().split())
    for text in (english, russian):
        assert "KURMANGALI AIGERIM" in text
        assert "N1234567" in text
        assert "SWN/2027/0001" in text  # the institute's first letter, not a database id
    assert "Ref. No." in english and "Исх. №" in russian
    assert "To the Consular Section Embassy of the Republic of Kazakhstan in Tajikistan" in english
    assert "В консульский отдел Посольства Республики Казахстан (Таджикистан)" in russian
    assert f"Nationality {formats.country('TJ')}" in english
    assert f"Гражданство {formats.country('TJ', 'ru')}" in russian
    born = date(1988, 3, 14)
    assert formats.flat(formats.day(born)) in english
    assert formats.flat(formats.day(born, locale="ru")) in russian
    assert "Letter of invitation" in english.replace("LETTER OF INVITATION", "Letter of invitation")
    assert "Gulnara Seitova" in english and "Гульнара Сеитова" in russian
    assert "Executive Director" in english and "Исполнительный директор" in russian


def test_stay_dates_come_from_travel_legs_or_surround_the_institute(
    program, letter_settings, client, login, organizer
):
    login(organizer)
    text = flat_text(client.get(letter_url(program)).data)
    stay = formats.flat(
        f"from {formats.day(date(2027, 4, 11))} to {formats.day(date(2027, 4, 16))}"
    )
    assert stay in text  # arrival leg; no departure leg


def test_missing_passport_details_leave_a_dash_and_a_warning(
    program, letter_settings, db, client, login, organizer
):
    program.listed.passport_number = None
    db.session.commit()
    login(organizer)
    html = client.get(letter_url(program, "")).get_data(as_text=True)
    assert "Missing passport details" in html
    assert '<span class="missing">—</span>' in html


def test_generating_or_viewing_a_letter_is_audited_without_values(
    program, letter_settings, db, client, login, organizer
):
    login(organizer)
    client.get(letter_url(program))
    client.get(letter_url(program, ""))
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action.like("documents.letter_%"))
        .order_by(AuditEvent.id)
    ).all()
    assert [(e.action, e.invitee_id, e.organizer_id) for e in events][-2:] == [
        ("documents.letter_downloaded", program.listed.id, organizer.id),
        ("documents.letter_viewed", program.listed.id, organizer.id),
    ]


def test_letter_without_settings_sends_the_organizer_to_the_settings(
    program, client, login, organizer
):
    login(organizer)
    response = client.get(letter_url(program))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        f"/institutes/{program.institute.slug}/documents/letter"
    )


def test_uploaded_logo_and_signature_are_printed(program, db, app, client, login, organizer):
    login(organizer)
    response = client.post(
        f"/institutes/{program.institute.slug}/documents/letter",
        data={
            **SETTINGS_FORM,
            "logo": (io.BytesIO(image_bytes("PNG")), "logo.png"),
            "signature": (io.BytesIO(image_bytes("JPEG")), "signature.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    settings = db.session.scalar(select(LetterSettings))
    folder = app.config["UPLOAD_DIR"] + f"/{program.institute.id}/"
    assert settings.logo_file.endswith(".png") and settings.signature_file.endswith(".jpg")
    assert "logo" not in settings.logo_file, "stored under a random name"
    assert Path(folder + settings.logo_file).read_bytes().startswith(b"\x89PNG")
    pdf = client.get(letter_url(program)).data
    assert len(pdf_reader(pdf).pages[0].images) == 2
    html = client.get(letter_url(program, "")).get_data(as_text=True)
    assert 'src="data:image/png;base64,' in html and 'src="data:image/jpeg;base64,' in html


def test_replacing_or_removing_an_image_deletes_the_old_file(
    program, db, app, client, login, organizer
):
    login(organizer)
    url = f"/institutes/{program.institute.slug}/documents/letter"
    post = {**SETTINGS_FORM, "logo": (io.BytesIO(image_bytes()), "a.png")}
    client.post(url, data=post, content_type="multipart/form-data")
    first = db.session.scalar(select(LetterSettings)).logo_file
    folder = f"{app.config['UPLOAD_DIR']}/{program.institute.id}"
    client.post(url, data={**SETTINGS_FORM, "remove_logo": "y"}, content_type="multipart/form-data")
    db.session.expire_all()
    assert db.session.scalar(select(LetterSettings)).logo_file is None
    assert first not in os.listdir(folder)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"GIF89a not allowed", "Upload a PNG or JPEG image."),
        (b"%PDF-1.7 renamed.png", "Upload a PNG or JPEG image."),
        (b"\x89PNG\r\n\x1a\n" + b"truncated", "The image file is damaged or incomplete."),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * (1024 * 1024), "The image is larger than 1 MB."),
        (image_bytes("PNG", (5000, 4000)), "The image has too many pixels (at most 4000 × 4000)."),
    ],
)
def test_bad_images_are_refused_next_to_the_field_and_nothing_is_saved(
    program, db, app, client, login, organizer, content, message
):
    login(organizer)
    response = client.post(
        f"/institutes/{program.institute.slug}/documents/letter",
        data={**SETTINGS_FORM, "logo": (io.BytesIO(content), "logo.png")},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="logo-error" class="invalid-feedback d-block">{message}' in html
    assert 'value="Gulnara Seitova"' in html, "typed values are kept"
    assert db.session.scalar(select(LetterSettings)) is None
    assert not os.path.exists(f"{app.config['UPLOAD_DIR']}/{program.institute.id}")


def test_required_settings_are_asked_for(program, db, client, login, organizer):
    login(organizer)
    response = client.post(
        f"/institutes/{program.institute.slug}/documents/letter",
        data={"legal_name": "Steppe Women's Network", "reference_prefix": "bad prefix!"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="signatory_name-error"' in html
    assert 'id="reference_prefix-error"' in html
    assert 'value="Steppe Women&#39;s Network"' in html
    assert db.session.scalar(select(LetterSettings)) is None


def test_settings_form_starts_from_the_institute(program, client, login, organizer):
    login(organizer)
    html = client.get(f"/institutes/{program.institute.slug}/documents/letter").get_data(
        as_text=True
    )
    assert 'value="Steppe Women&#39;s Network"' in html
    assert 'value="Kazakhstan"' in html


# --- the invitee's own letter ---------------------------------------------------------------


def test_invitee_gets_the_letter_only_once_approved(program, letter_settings, db, invitee_login):
    client = invitee_login(program.listed)
    assert client.get("/me/letter.pdf").status_code == 404
    assert client.get("/me/letter/print").status_code == 404
    program.visa_case.letter_approved_at = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
    db.session.commit()
    response = client.get("/me/letter.pdf")
    assert response.status_code == 200
    assert "N1234567" in flat_text(response.data)
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "documents.letter_downloaded")
    ).one()
    assert event.invitee_id == program.listed.id and event.organizer_id is None


def test_letter_is_dated_when_it_was_approved(program, letter_settings, db, invitee_login):
    program.visa_case.letter_approved_at = datetime(2027, 2, 1, 20, 0, tzinfo=UTC)
    db.session.commit()
    text = flat_text(invitee_login(program.listed).get("/me/letter.pdf").data)
    dated = formats.flat(f"Shymkent, {formats.day(date(2027, 2, 2))}")
    assert dated in text, "the date in the institute's zone"


# --- sending ---------------------------------------------------------------------------------


def test_send_letter_marks_it_sent_and_queues_an_email_without_passport_data(
    program, letter_settings, db, client, login, organizer
):
    program.visa_case.letter_approved_at = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
    db.session.commit()
    login(organizer)
    response = client.post(letter_url(program, "/send"))
    assert response.status_code == 302
    db.session.expire_all()
    assert program.visa_case.status == VisaStatus.LETTER_SENT
    assert program.visa_case.letter_sent_at is not None
    mail = db.session.scalars(select(OutboundEmail)).one()
    assert mail.recipient == program.listed.email
    assert mail.kind == "visa_letter_ready"
    assert mail.locale == "ru"
    assert (
        mail.subject
        == "Ваше письмо-приглашение на «Regional Training of Trainers Institute» готово"
    )
    for body in (mail.subject, mail.body_text, mail.body_html):
        assert "N1234567" not in body and "1988" not in body
    assert "http://planner.test/me/" in mail.body_text


def test_send_letter_needs_an_approved_request(
    program, letter_settings, db, client, login, organizer
):
    login(organizer)
    response = client.post(letter_url(program, "/send"), follow_redirects=True)
    assert "Approve the letter request first" in response.get_data(as_text=True)
    db.session.expire_all()
    assert program.visa_case.status == VisaStatus.LETTER_REQUESTED
    assert db.session.scalars(select(OutboundEmail)).all() == []


def test_a_sent_letter_is_not_sent_twice(program, letter_settings, db, client, login, organizer):
    program.visa_case.letter_approved_at = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
    db.session.commit()
    login(organizer)
    client.post(letter_url(program, "/send"))
    response = client.post(letter_url(program, "/send"), follow_redirects=True)
    assert "cannot" in response.get_data(as_text=True)
    assert len(db.session.scalars(select(OutboundEmail)).all()) == 1


def test_send_letter_for_someone_without_a_visa_case_is_404(program, client, login, organizer):
    login(organizer)
    url = f"/institutes/{program.institute.slug}/documents/letters/{program.unlisted.id}/send"
    assert client.post(url).status_code == 404


class TestWithCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_send_letter_without_a_csrf_token_changes_nothing(
        self, program, letter_settings, db, client, organizer
    ):
        program.visa_case.letter_approved_at = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
        db.session.commit()
        page = client.get("/login").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        client.post(
            "/login",
            data={
                "email": organizer.email,
                "password": "correct horse battery",
                "csrf_token": token,
            },
        )
        response = client.post(letter_url(program, "/send"))
        assert response.status_code == 400
        db.session.expire_all()
        assert program.visa_case.status == VisaStatus.LETTER_REQUESTED

    def test_settings_form_without_a_csrf_token_is_refused(self, program, client, db, organizer):
        page = client.get("/login").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        client.post(
            "/login",
            data={
                "email": organizer.email,
                "password": "correct horse battery",
                "csrf_token": token,
            },
        )
        response = client.post(
            f"/institutes/{program.institute.slug}/documents/letter", data=SETTINGS_FORM
        )
        assert response.status_code == 400
        assert db.session.scalar(select(LetterSettings)) is None


def test_letters_are_numbered_per_institute_and_named_for_the_person(
    program, letter_settings, client, login, organizer, db
):
    # B21: downloads were "invitation-letter-45.pdf" and references used the invitee's id.
    login(organizer)
    first = client.get(letter_url(program))
    assert first.headers["Content-Disposition"] == (
        'inline; filename="invitation-letter-kurmangali-aigerim.pdf"'
    )
    second_url = f"/institutes/{program.institute.slug}/documents/letters/{program.unlisted.id}.pdf"
    second = client.get(second_url)
    assert "SWN/2027/0002" in " ".join(pdf_reader(second.data).pages[0].extract_text().split())
    again = client.get(letter_url(program))  # the same letter keeps its number
    assert "SWN/2027/0001" in " ".join(pdf_reader(again.data).pages[0].extract_text().split())
    db.session.expire_all()
    assert (program.listed.letter_number, program.unlisted.letter_number) == (1, 2)
