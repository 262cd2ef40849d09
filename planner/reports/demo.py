"""Demo: a finished 2026 institute with attendance, certificates, reporting answers and people
who come back to the 2027 one, so the donor report shows real numbers. Everyone is invented."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from planner.attendance import certificates
from planner.attendance.models import AttendanceMark, CertificateSettings
from planner.extensions import db
from planner.institutes import services as institutes
from planner.institutes.models import Institute, InstituteStatus
from planner.invitations.models import Invitee, InviteeRole, RsvpStatus
from planner.reports.models import ReportingProfile

EARLIER_SLUG = "almaty-tot-2026"

# full name, e-mail user, country (residence and nationality), gender, urban/rural, sector,
# language. Users that also appear in the 2027 roster are its returning participants.
EARLIER_ROSTER = [
    ("Зарина Саидова", "zarina.saidova", "TJ", "woman", "rural", "civil_society", "ru"),
    ("Динара Касымова", "dinara.kassymova", "KZ", "woman", "urban", "media", "ru"),
    ("Айгуль Асанбекова", "aigul.asanbekova", "KG", "woman", "urban", "law", "en"),
    ("Dilnoza Yusupova", "dilnoza.yusupova", "UZ", "woman", "urban", "education", "ru"),
    ("Жанар Касымова", "zhanar.kassymova", "KZ", "woman", "rural", "civil_society", "ru"),
    ("Бермет Исаева", "bermet.isaeva", "KG", "woman", "rural", "civil_society", "ru"),
    # Same name and nationality as a 2027 invitee, another e-mail: waits for confirmation.
    ("Нигина Рахимова", "nigina.r.2026", "TJ", "woman", "urban", "media", "ru"),
    ("Айгерим Нурланова", "aigerim.nurlanova", "KZ", "woman", "urban", "civil_society", "ru"),
    ("Даурен Сапаров", "dauren.saparov", "KZ", "man", "urban", "government", "ru"),
    ("Жансая Кенжебаева", "zhansaya.kenzhebaeva", "KZ", "woman", "rural", "education", "kk"),
    ("Асель Ермекова", "asel.ermekova", "KZ", "woman", "urban", "law", "ru"),
    ("Гульмира Сарсенова", "gulmira.sarsenova", "KZ", "woman", "rural", "civil_society", "ru"),
    ("Айпери Токтогулова", "aiperi.toktogulova", "KG", "woman", "rural", "civil_society", "ky"),
    ("Нургуль Джумабекова", "nurgul.djumabekova", "KG", "woman", "urban", "media", "ru"),
    ("Эркин Исаков", "erkin.isakov", "KG", "man", "rural", "education", "ru"),
    ("Жылдыз Абдыкадырова", "jyldyz.abdykadyrova", "KG", "woman", "urban", "law", "ru"),
    ("Мехрангез Рахимова", "mehrangez.rakhimova", "TJ", "woman", "rural", "education", "ru"),
    ("Фируза Шарипова", "firuza.sharipova", "TJ", "woman", "urban", "civil_society", "tg"),
    ("Парвина Мирзоева", "parvina.mirzoeva", "TJ", "woman", "rural", "civil_society", "ru"),
    ("Саидмурод Каримов", "saidmurod.karimov", "TJ", "man", "urban", "media", "ru"),
    ("Gulnora Tursunova", "gulnora.tursunova", "UZ", "woman", "urban", "civil_society", "ru"),
    ("Shahnoza Ergasheva", "shahnoza.ergasheva", "UZ", "woman", "rural", "education", "uz"),
    ("Jasur Rakhimov", "jasur.rakhimov", "UZ", "man", "urban", "business", "ru"),
    ("Malika Usmonova", "malika.usmonova", "UZ", "woman", "urban", "law", "en"),
    ("Nodira Azimova", "nodira.azimova", "UZ", "woman", "rural", "civil_society", "ru"),
    ("Leyla Mammadova", "leyla.mammadova", "AZ", "woman", "urban", "media", "en"),
    ("Aynur Hasanova", "aynur.hasanova", "AZ", "woman", "urban", "civil_society", "en"),
    ("Gunel Aliyeva", "gunel.aliyeva", "AZ", "not_said", "", "", "en"),
]
DAYS_PRESENT = (4, 4, 3, 4, 2, 4, 4, 4, 3, 4, 4, 1, 4, 4, 3, 4, 4, 4, 2, 4, 4, 3, 4, 4, 4, 4, 3, 0)


def seed(institute, organizer) -> None:
    if db.session.scalar(select(Institute).where(Institute.slug == EARLIER_SLUG)):
        return
    earlier = institutes.create_institute(
        institutes.InstituteData(
            slug=EARLIER_SLUG,
            title="Training of Trainers Institute on Community Mobilisation 2026",
            description="The first regional institute of the network (fictional).",
            host_organization="Steppe Women's Network (fictional)",
            city="Almaty",
            country="KZ",
            venue="Almaty Training House",
            address="5 Abai Avenue, Almaty, Kazakhstan",
            timezone="Asia/Almaty",
            start_date=date(2026, 5, 18),
            end_date=date(2026, 5, 21),
            working_languages=["ru", "en"],
            contact_email="institute@example.org",
            retention_date=date(2026, 11, 30),
        ),
        organizer,
    )
    earlier.status = InstituteStatus.CLOSED
    people = []
    for n, (name, user, country, gender, setting, sector, lang) in enumerate(EARLIER_ROSTER):
        person = Invitee(
            institute=earlier,
            full_name=name,
            email=f"{user}@example.org",
            country=country,
            nationality=country,
            role=InviteeRole.PARTICIPANT,
            language=lang,
            rsvp_status=RsvpStatus.CONFIRMED,
            organization="",
            date_of_birth=(date(1978, 3, 1) + timedelta(days=419 * n)).isoformat(),
        )
        db.session.add(person)
        people.append((person, gender, setting, sector))
    db.session.flush()
    for (person, gender, setting, sector), days in zip(people, DAYS_PRESENT, strict=True):
        db.session.add(
            ReportingProfile(
                invitee_id=person.id,
                gender=gender or None,
                setting=setting or None,
                sector=sector or None,
            )
        )
        for day in earlier.days[:days]:
            db.session.add(
                AttendanceMark(institute_id=earlier.id, invitee_id=person.id, day=day, slot="day")
            )
    db.session.add(
        CertificateSettings(
            institute_id=earlier.id,
            min_days=3,
            signatory_name="Aida Demo",
            signatory_title="Programme Director (fictional)",
            serial_prefix="TOT26",
        )
    )
    db.session.flush()
    certificates.issue(earlier, organizer)
    _follow_up_answers(earlier, people)
    _answers_for_the_2027_institute(institute)


def _answers_for_the_2027_institute(institute) -> None:
    """Some 2027 participants answered the reporting questions at /me/ already."""
    settings = ("urban", "rural", "urban", None)
    sectors = ("civil_society", "media", "education", "law", None)
    people = db.session.scalars(
        select(Invitee)
        .where(Invitee.institute_id == institute.id, Invitee.rsvp_status == RsvpStatus.CONFIRMED)
        .order_by(Invitee.id)
    ).all()
    for n, person in enumerate(people):
        if n % 5 == 4:
            continue  # not everyone answers
        db.session.add(
            ReportingProfile(
                invitee_id=person.id,
                gender="woman" if n % 7 else "man",
                setting=settings[n % len(settings)],
                sector=sectors[n % len(sectors)],
            )
        )


def _follow_up_answers(earlier, people) -> None:
    """The 2026 follow-up went out six months later; most answered."""
    from planner.reports.models import FollowUp, FollowUpSettings
    from planner.security.tokens import hash_token, new_token

    db.session.add(FollowUpSettings(institute_id=earlier.id, months=6))
    sent = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    places = ("KZ", "KG", "TJ", "UZ", "AZ")
    for n, (person, _g, _s, _sector) in enumerate(people):
        answered = n % 4 != 3
        ran = answered and n % 5 != 2
        db.session.add(
            FollowUp(
                institute_id=earlier.id,
                invitee_id=person.id,
                token_hash=hash_token(new_token()),  # the demo keeps no usable link
                sent_at=sent,
                expires_at=sent + timedelta(days=120),
                answered_at=sent + timedelta(days=1 + n % 9) if answered else None,
                ran_training=ran if answered else None,
                trainings=1 + n % 4 if ran else None,
                people_reached=12 + (n * 7) % 30 if ran else None,
                countries=places[n % len(places)] if ran else "",
            )
        )
