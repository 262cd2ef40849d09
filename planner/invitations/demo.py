"""Demo invitees of the fictional Shymkent institute: trainers from four countries and facilitators.

Every person is invented; e-mail addresses use the reserved example.* domains.
"""

from datetime import date, timedelta

from planner.db import utcnow
from planner.extensions import db
from planner.invitations.models import Invitee, InviteeRole, RsvpStatus

P, F, T, OBS, S = (
    InviteeRole.PARTICIPANT,
    InviteeRole.FACILITATOR,
    InviteeRole.TRAINER,
    InviteeRole.OBSERVER,
    InviteeRole.STAFF,
)
C, D, INV, W, N = (
    RsvpStatus.CONFIRMED,
    RsvpStatus.DECLINED,
    RsvpStatus.INVITED,
    RsvpStatus.WAITLISTED,
    RsvpStatus.DRAFT,
)

# full name (native script), passport name, e-mail user, residence, nationality, role,
# language, RSVP status, consent to be listed, organization
ROSTER = [
    (
        "Rania Haddad",
        "HADDAD RANIA",
        "rania.haddad",
        "JO",
        "JO",
        F,
        "en",
        C,
        True,
        "Sisterhood Network (Amman)",
    ),
    (
        "Бегимай Осмонова",
        "OSMONOVA BEGIMAI",
        "begimai.osmonova",
        "KG",
        "KG",
        F,
        "ru",
        C,
        True,
        "Human Rights Centre (Bishkek)",
    ),
    (
        "Тимур Абенов",
        "ABENOV TIMUR",
        "t.abenov",
        "KZ",
        "KZ",
        T,
        "ru",
        C,
        True,
        "Independent journalist",
    ),
    (
        "Ләззат Нұрланқызы",
        "NURLANKYZY LAZZAT",
        "lazzat.nurlankyzy",
        "KZ",
        "KZ",
        T,
        "kk",
        C,
        True,
        "Qazaq Women's Forum",
    ),
    (
        "Зарина Саидова",
        "SAIDOVA ZARINA",
        "zarina.saidova",
        "TJ",
        "TJ",
        P,
        "ru",
        C,
        True,
        "Центр гражданских инициатив",
    ),
    (
        "Динара Касымова",
        "KASSYMOVA DINARA",
        "dinara.kassymova",
        "KZ",
        "KZ",
        P,
        "ru",
        C,
        True,
        "Legal Aid Clinic",
    ),
    (
        "Айгуль Асанбекова",
        "ASANBEKOVA AIGUL",
        "aigul.asanbekova",
        "KG",
        "KG",
        P,
        "en",
        C,
        False,
        "Youth Forum",
    ),
    (
        "Нигина Назарова",
        "NAZAROVA NIGINA",
        "nigina.nazarova",
        "TJ",
        "TJ",
        P,
        "ru",
        C,
        True,
        "Ассоциация кризисных центров",
    ),
    (
        "Мехринисо Саидова",
        "SAIDOVA MEHRINISO",
        "mehriniso.saidova",
        "TJ",
        "TJ",
        P,
        "ru",
        INV,
        False,
        "Ассоциация кризисных центров",
    ),
    (
        "Жылдыз Мамытова",
        "MAMYTOVA JYLDYZ",
        "jyldyz.mamytova",
        "KG",
        "KG",
        P,
        "ru",
        C,
        True,
        "Ассоциация кризисных центров",
    ),
    (
        "Dilnoza Yusupova",
        "YUSUPOVA DILNOZA",
        "dilnoza.yusupova",
        "UZ",
        "UZ",
        P,
        "ru",
        C,
        True,
        "Legal Aid Clinic",
    ),
    (
        "Gulchehra Tursunova",
        "TURSUNOVA GULCHEHRA",
        "gulchehra.tursunova",
        "UZ",
        "UZ",
        P,
        "en",
        C,
        True,
        "Women's Leadership Network",
    ),
    (
        "Oʻgʻiloy Ergasheva",
        "ERGASHEVA OGILOY",
        "ogiloy.ergasheva",
        "UZ",
        "UZ",
        P,
        "ru",
        INV,
        False,
        "Women's Leadership Network",
    ),
    (
        "Бермет Токтогулова",
        "TOKTOGULOVA BERMET",
        "bermet.toktogulova",
        "KG",
        "KG",
        P,
        "ru",
        C,
        True,
        "Youth Forum",
    ),
    (
        "Фарангис Назарова",
        "NAZAROVA FARANGIS",
        "farangis.nazarova",
        "TJ",
        "TJ",
        P,
        "ru",
        D,
        False,
        "Центр гражданских инициатив",
    ),
    (
        "Жанар Касымова",
        "KASSYMOVA ZHANAR",
        "zhanar.kassymova",
        "KZ",
        "KZ",
        P,
        "ru",
        C,
        True,
        "Центр гражданских инициатив",
    ),
    (
        "Мадина Ахметова",
        "AKHMETOVA MADINA",
        "madina.akhmetova",
        "KZ",
        "KZ",
        P,
        "en",
        C,
        True,
        "Legal Aid Clinic",
    ),
    (
        "Чолпон Мамытова",
        "MAMYTOVA CHOLPON",
        "cholpon.mamytova",
        "KG",
        "KG",
        P,
        "ru",
        W,
        False,
        "Women's Leadership Network",
    ),
    (
        "Нигина Рахимова",
        "RAKHIMOVA NIGINA",
        "nigina.rakhimova",
        "TJ",
        "TJ",
        P,
        "ru",
        C,
        True,
        "Центр гражданских инициатив",
    ),
    (
        "Мадина Сейткали",
        "SEITKALI MADINA",
        "madina.seitkali",
        "KZ",
        "KZ",
        P,
        "ru",
        INV,
        False,
        "Youth Forum",
    ),
    (
        "Гульнара Ахметова",
        "AKHMETOVA GULNARA",
        "gulnara.akhmetova",
        "KZ",
        "KZ",
        P,
        "ru",
        C,
        True,
        "Legal Aid Clinic",
    ),
    (
        "Бермет Исаева",
        "ISAEVA BERMET",
        "bermet.isaeva",
        "KG",
        "KG",
        P,
        "ru",
        C,
        True,
        "Youth Forum",
    ),
    (
        "Kamola Karimova",
        "KARIMOVA KAMOLA",
        "kamola.karimova",
        "UZ",
        "UZ",
        P,
        "ru",
        C,
        True,
        "Women's Leadership Network",
    ),
    (
        "Шахноза Рахимова",
        "RAKHIMOVA SHAKHNOZA",
        "shakhnoza.rakhimova",
        "UZ",
        "TJ",
        P,
        "ru",
        C,
        True,
        "Центр гражданских инициатив",
    ),
    (
        "Aliya Dzhaksybekova",
        "DZHAKSYBEKOVA ALIYA",
        "aliya.dzh",
        "KZ",
        "KZ",
        OBS,
        "en",
        C,
        False,
        "Regional donor office",
    ),
    (
        "Айдана Серикова",
        "SERIKOVA AIDANA",
        "aidana.serikova",
        "KZ",
        "KZ",
        S,
        "ru",
        C,
        True,
        "Steppe Women's Network",
    ),
    (
        "Мунира Шарипова",
        "SHARIPOVA MUNIRA",
        "munira.sharipova",
        "TJ",
        "TJ",
        P,
        "ru",
        N,
        False,
        "Youth Forum",
    ),
    (
        "Samira Khalil",
        "KHALIL SAMIRA",
        "samira.khalil",
        "JO",
        "JO",
        P,
        "en",
        INV,
        False,
        "Sisterhood Network (Amman)",
    ),
]


def seed(institute, organizer) -> list[Invitee]:
    """Add the demo roster; passport data is fictional and encrypted like real data."""
    now = utcnow()
    invitees = []
    for n, row in enumerate(ROSTER):
        name, latin, user, country, nationality, role, lang, status, consent, org = row
        invitee = Invitee(
            institute=institute,
            full_name=name,
            passport_name=latin,
            email=f"{user}@example.org",
            phone=f"+7 700 555 {1000 + n:04d}",
            organization=org,
            country=country,
            nationality=nationality,
            role=role,
            language=lang,
            rsvp_status=status,
            consent_to_list=consent,
            # Facilitators are asked separately; one has not answered yet (the agenda says so).
            consent_named_facilitator=consent
            and role in (InviteeRole.FACILITATOR, InviteeRole.TRAINER)
            and user != "lazzat.nurlankyzy",
            passport_number=f"N{7300000 + n * 137:07d}" if status == RsvpStatus.CONFIRMED else None,
            passport_expiry=date(2027, 9, 1) + timedelta(days=97 * n),
            date_of_birth=(date(1975, 1, 15) + timedelta(days=331 * n)).isoformat(),
            invited_at=None if status == RsvpStatus.DRAFT else now - timedelta(days=30),
            answered_at=now - timedelta(days=20 - n % 15)
            if status in (RsvpStatus.CONFIRMED, RsvpStatus.DECLINED)
            else None,
        )
        if status == RsvpStatus.DECLINED:
            invitee.decline_reason = "Family reasons"
        db.session.add(invitee)
        invitees.append(invitee)
    db.session.flush()
    _seed_history_links_and_mail(institute, organizer, invitees, now)
    return invitees


def _seed_history_links_and_mail(institute, organizer, invitees, now) -> None:
    """History of how the roster got here, links for everyone invited, and the invitations
    of those who have not answered waiting in the outbox. No token is printed or kept."""
    from flask import current_app

    from planner.invitations import services
    from planner.invitations.models import StatusChange

    for invitee in invitees:
        db.session.add(
            StatusChange(
                invitee_id=invitee.id,
                kind="record",
                new_status="imported",
                organizer_id=organizer.id,
                at=now - timedelta(days=35),
            )
        )
        if invitee.rsvp_status == RsvpStatus.DRAFT:
            continue
        db.session.add(
            StatusChange(
                invitee_id=invitee.id,
                kind="rsvp",
                old_status="draft",
                new_status="invited",
                organizer_id=organizer.id,
                at=invitee.invited_at,
            )
        )
        if invitee.answered_at is not None:
            db.session.add(
                StatusChange(
                    invitee_id=invitee.id,
                    kind="rsvp",
                    old_status="invited",
                    new_status=invitee.rsvp_status.value,
                    by_invitee=True,
                    note=invitee.decline_reason,
                    at=invitee.answered_at,
                )
            )
        elif invitee.rsvp_status == RsvpStatus.WAITLISTED:
            db.session.add(
                StatusChange(
                    invitee_id=invitee.id,
                    kind="rsvp",
                    old_status="invited",
                    new_status="waitlisted",
                    organizer_id=organizer.id,
                    note="Facilitation group is full; first on the waiting list",
                    at=now - timedelta(days=12),
                )
            )
    answered = [i for i in invitees if i.rsvp_status not in services.INVITABLE]
    services.issue_rsvp_links(institute, answered)
    waiting = [i for i in invitees if i.rsvp_status == RsvpStatus.INVITED]
    services.send_invitations(institute, waiting, organizer, current_app.config["BASE_URL"])
    # They were invited a while ago: `flask remind` has someone to remind in the demo.
    for n, invitee in enumerate(waiting):
        invitee.invited_at = now - timedelta(days=9 + n)
        invitee.reminders_sent = n % 2
        invitee.last_reminded_at = now - timedelta(days=8) if n % 2 else None
