"""Demo letter settings of the fictional host, with a logo and signature drawn in code."""

import io
import math

from sqlalchemy import select

from planner.db import utcnow
from planner.documents import services
from planner.extensions import db
from planner.invitations.models import Invitee, RsvpStatus
from planner.travel.models import VisaCase, VisaStatus


def _png(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def demo_logo() -> bytes:
    """A teal disc with a sun over the steppe: the fictional network's emblem."""
    from PIL import Image, ImageDraw

    size = 240
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, size - 4, size - 4), fill=(11, 92, 115, 255))
    draw.ellipse((88, 52, 152, 116), fill=(255, 205, 80, 255))
    for n in range(12):
        angle = n * math.pi / 6
        x, y = 120 + 48 * math.cos(angle), 84 + 48 * math.sin(angle)
        draw.line(
            (120 + 38 * math.cos(angle), 84 + 38 * math.sin(angle), x, y),
            fill=(255, 205, 80, 255),
            width=5,
        )
    draw.polygon(
        [(20, 170), (90, 128), (140, 160), (190, 120), (225, 170), (200, 205), (40, 205)],
        fill=(255, 255, 255, 255),
    )
    draw.line((30, 178, 210, 178), fill=(11, 92, 115, 255), width=4)
    return _png(image)


def demo_signature() -> bytes:
    """A handwritten-looking line, so the letter shows where the signature goes."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (420, 140), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    points = [
        (20 + t * 3.8, 80 - 35 * math.sin(t / 7.0) * math.exp(-t / 110) - 10 * math.sin(t / 2.3))
        for t in range(100)
    ]
    draw.line(points, fill=(20, 40, 110, 255), width=4, joint="curve")
    draw.line((60, 112, 330, 104), fill=(20, 40, 110, 255), width=3)
    return _png(image)


def seed(institute, organizer) -> None:
    services.save_letter_settings(
        institute,
        services.LetterSettingsData(
            legal_name="Public Association “Steppe Women's Network” (fictional)",
            legal_name_ru="Общественное объединение «Сеть женщин степи» (вымышленное)",
            address="12 Tauke Khan Avenue, office 4, Shymkent 160000, Republic of Kazakhstan",
            address_ru="160000, Республика Казахстан, г. Шымкент, пр. Тауке хана, 12, офис 4",
            registration="Registered with the Department of Justice of Shymkent, BIN 000000000000 "
            "(fictional)",
            registration_ru="Зарегистрировано Департаментом юстиции г. Шымкент, БИН 000000000000 "
            "(вымышленный)",
            phone="+7 725 200 0000",
            email="institute@example.org",
            signatory_name="Gulnara Seitova (fictional)",
            signatory_name_ru="Гульнара Сеитова (вымышленное лицо)",
            signatory_title="Executive Director",
            signatory_title_ru="Исполнительный директор",
            signing_city="Shymkent",
            signing_city_ru="г. Шымкент",
            embassy_of="the Republic of Kazakhstan",
            embassy_of_ru="Республики Казахстан",
            reference_prefix="SWN",
            costs="The host covers accommodation, meals and local transport for the whole stay.",
            costs_ru="Принимающая сторона оплачивает проживание, питание и местный транспорт на "
            "весь срок пребывания.",
        ),
        by=organizer,
        logo=demo_logo(),
        signature=demo_signature(),
    )
    _visa_cases_unless_travel_made_them(institute)


def _visa_cases_unless_travel_made_them(institute) -> None:
    """Letters need visa cases; the travel demo makes them. Without it, a few are made here
    (confirmed people from outside Central Asia), one of them approved."""
    existing = db.session.scalar(
        select(VisaCase.id).join(Invitee).where(Invitee.institute_id == institute.id).limit(1)
    )
    if existing is not None:
        return
    invitees = db.session.scalars(
        select(Invitee)
        .where(
            Invitee.institute_id == institute.id,
            Invitee.rsvp_status == RsvpStatus.CONFIRMED,
            Invitee.nationality.in_(("JO", "TJ")),
        )
        .order_by(Invitee.id)
    ).all()
    for n, invitee in enumerate(invitees[:3]):
        case = VisaCase(invitee=invitee, status=VisaStatus.LETTER_REQUESTED)
        case.letter_requested_at = utcnow()
        if n == 0:
            case.letter_approved_at = utcnow()
        db.session.add(case)
