"""Bad input gets a message, never a 500 (F8: images over the pixel limit; F9: missing fields)."""

import io
import struct
import zlib

import pytest
from flask_babel import gettext
from sqlalchemy import select

from planner.documents.models import LetterSettings
from planner.documents.services import ImageRejected, check_image
from planner.extensions import db
from planner.invitations.models import Invitee, RsvpStatus
from tests import factories


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def png_claiming(width: int, height: int) -> bytes:
    """A small PNG file whose header announces a huge 1-bit picture (a decompression bomb)."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", pixels)
        + _chunk(b"IEND", b"")
    )


def jpeg_claiming(width: int, height: int) -> bytes:
    """A 30-byte JPEG whose frame header says width × height."""
    frame = struct.pack(">BHHB", 8, height, width, 1) + bytes([1, 0x11, 0])
    return b"\xff\xd8" + b"\xff\xc0" + struct.pack(">H", len(frame) + 2) + frame + b"\xff\xd9"


TOO_MANY = gettext("The image has too many pixels (at most 4000 × 4000).")


@pytest.mark.parametrize(
    "content",
    [png_claiming(20000, 20000), png_claiming(60000, 60000), jpeg_claiming(60000, 60000)],
    ids=["png-20000", "png-60000", "jpeg-60000"],
)
def test_images_over_the_pixel_limit_are_refused_with_a_message(
    app, client, login, organizer, institute, content
):
    with pytest.raises(ImageRejected) as refused:
        check_image(content)
    assert str(refused.value) == TOO_MANY

    login(organizer)
    response = client.post(
        f"/institutes/{institute.slug}/documents/letter",
        data={
            "legal_name": "Steppe Women's Network",
            "signatory_name": "Gulnara Seitova",
            "signatory_title": "Director",
            "signing_city": "Shymkent",
            "logo": (io.BytesIO(content), "logo.png"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert TOO_MANY in response.get_data(as_text=True)
    assert db.session.scalar(select(LetterSettings)) is None


def test_details_posted_without_the_date_of_birth_keep_the_stored_one(institute, invitee_login):
    invitee = factories.make_invitee(
        institute,
        rsvp_status=RsvpStatus.CONFIRMED,
        date_of_birth="1990-05-06",
        nationality="UZ",
    )
    client = invitee_login(invitee)

    response = client.post(
        "/me/details", data={"passport_name": "PART ONE", "nationality": "UZ", "phone": "123"}
    )

    assert response.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Invitee, invitee.id)
    assert stored.date_of_birth == "1990-05-06"
    assert stored.passport_name == "PART ONE"


def test_an_organizer_edit_without_the_date_of_birth_keeps_the_stored_one(
    client, login, organizer, institute
):
    invitee = factories.make_invitee(institute, date_of_birth="1988-01-02")
    login(organizer)
    response = client.post(
        f"/institutes/{institute.slug}/invitees/{invitee.id}/edit",
        data={"full_name": "Айгуль Тестова", "email": invitee.email, "language": "ru"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Invitee, invitee.id).date_of_birth == "1988-01-02"
