"""Demo agenda of the fictional Shymkent institute: four days, parallel breakouts in three rooms.

Built through the services like an organizer would. It keeps one cancelled session and one
deliberate conflict (Тимур Абенов runs a clinic while his breakout is still going) so the
warnings show on the agenda.
"""

from dataclasses import replace
from datetime import time, timedelta

from sqlalchemy import select

from planner.agenda import services
from planner.agenda.services import SessionData
from planner.extensions import db
from planner.invitations.models import Invitee

ROOMS = [
    ("Plenary Hall", 40),
    ("Altai Room", 10),
    ("Turkestan Room", 10),
    ("Syrdarya Room", 8),
    ("Foyer", 30),
]

RANIA, BEGIMAI, TIMUR, LAZZAT = (
    "Rania Haddad",
    "Бегимай Осмонова",
    "Тимур Абенов",
    "Ләззат Нұрланқызы",
)
INTERPRETATION = "ru ↔ en"

# Breakout groups: (track, room, language, facilitator)
GROUPS = [
    ("A", "Altai Room", "ru", BEGIMAI),
    ("B", "Turkestan Room", "en", RANIA),
    ("C", "Syrdarya Room", "ru", LAZZAT),
]


def _t(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


# Day 2's content for the slots copied from day 1: (start, kind) → title, facilitators,
# description. Breakouts keep their group's facilitator; breaks and lunch stay as copied.
DAY_TWO = {
    ("09:00", "plenary"): ("Facilitating difficult conversations", [RANIA], None),
    ("11:00", "breakout"): (
        "Case studies",
        None,
        "Real situations from our trainings: resistance, conflict, trauma responses.",
    ),
    ("13:30", "plenary"): ("Digital safety for trainers and participants", [TIMUR], None),
    ("15:30", "breakout"): (
        "Practice round 2",
        None,
        "Each participant facilitates a 20-minute content session.",
    ),
    ("17:00", "plenary"): ("Reflection of the day", [LAZZAT], None),
}


def _rewrite_copied_day(copies, people, organizer) -> list[list]:
    """Give the copied sessions day 2's content; returns the day's breakout slots."""
    slots: dict[str, list] = {}
    for session in copies:
        key = (session.starts_local.strftime("%H:%M"), session.kind)
        if key not in DAY_TWO:
            continue
        title, facilitators, description = DAY_TWO[key]
        data = services.session_data(session)
        if session.track:
            title = f"{title} — {session.track}"
            slots.setdefault(key[0], []).append(session)
        changes = {"title": title, "description": description, "translations": {}}
        if facilitators is not None:
            changes["facilitator_ids"] = [people[name] for name in facilitators if name in people]
        services.update_session(session, replace(data, **changes), organizer)
    return list(slots.values())


def seed(institute, organizer) -> None:
    rooms = {
        name: services.create_room(institute, name, capacity, (n + 1) * 10, organizer)
        for n, (name, capacity) in enumerate(ROOMS)
    }
    people = {
        i.full_name: i.id
        for i in db.session.scalars(select(Invitee).where(Invitee.institute_id == institute.id))
    }

    def add(day, start, end, title, kind, room=None, facilitators=(), **extra):
        # Plenaries in the hall and breaks in the foyer are for everyone: drawn across the
        # grid; a breakout is drawn in its own room's column.
        extra.setdefault("spans_rooms", room in ("Plenary Hall", "Foyer"))
        data = SessionData(
            title=title,
            kind=kind,
            day=day,
            starts=_t(start),
            ends=_t(end),
            room_id=rooms[room].id if room else None,
            facilitator_ids=[people[name] for name in facilitators if name in people],
            **extra,
        )
        return services.create_session(institute, data, organizer)

    def breakouts(day, start, end, title, description):
        return [
            add(
                day,
                start,
                end,
                f"{title} — {track}",
                "breakout",
                room,
                [facilitator],
                track=track,
                language=language,
                description=description,
            )
            for track, room, language, facilitator in GROUPS
        ]

    def coffee(day, start, end):
        add(
            day,
            start,
            end,
            "Coffee break",
            "break",
            "Foyer",
            translations={"ru": {"title": "Кофе-брейк"}},
        )

    def lunch(day):
        add(
            day,
            "12:30",
            "13:30",
            "Lunch",
            "meal",
            description="Restaurant of the training centre",
            translations={"ru": {"title": "Обед", "description": "Ресторан учебного центра"}},
        )

    d1, d2, d3, d4 = (institute.start_date + timedelta(days=n) for n in range(4))
    slots = []

    # Day 1: opening, learning principles, first practice round.
    add(
        d1,
        "09:00",
        "10:30",
        "Opening: welcome, introductions and expectations",
        "plenary",
        "Plenary Hall",
        [RANIA, BEGIMAI],
        interpretation=INTERPRETATION,
        description="Who is in the room, what we hope to take home, agreements for our days.",
        translations={
            "ru": {
                "title": "Открытие: знакомство и ожидания",
                "description": "Кто в зале, что мы хотим увезти домой, наши договорённости.",
            }
        },
    )
    coffee(d1, "10:30", "11:00")
    slots.append(
        breakouts(
            d1,
            "11:00",
            "12:30",
            "How adults learn",
            "Experiential learning cycle, learning styles, and safe spaces for women's groups.",
        )
    )
    lunch(d1)
    add(
        d1,
        "13:30",
        "15:00",
        "Designing a leadership training",
        "plenary",
        "Plenary Hall",
        [TIMUR],
        interpretation=INTERPRETATION,
        description="From needs assessment to objectives and a session plan.",
    )
    coffee(d1, "15:00", "15:30")
    slots.append(
        breakouts(
            d1,
            "15:30",
            "17:00",
            "Practice round 1",
            "Each participant facilitates a 15-minute opening exercise and gets feedback.",
        )
    )
    add(d1, "17:00", "17:30", "Reflection of the day", "plenary", "Plenary Hall", [BEGIMAI])

    # Day 2 has day 1's shape: the organizer copied day 1 (breaks, lunch, breakout rooms and
    # their facilitators come along) and then rewrote the content of each slot.
    day2 = services.duplicate_day(institute, d1, d2, organizer).copies
    slots.extend(_rewrite_copied_day(day2, people, organizer))

    add(d1, "08:30", "09:00", "Registration", "other", description="At the desk in the foyer.")
    add(d1, "19:00", "21:00", "Welcome dinner", "meal", description="Restaurant “Samal”.")

    # Day 3: morning work, then the excursion.
    add(
        d3,
        "09:00",
        "10:30",
        "Adapting trainings to rural communities",
        "plenary",
        "Plenary Hall",
        [LAZZAT, BEGIMAI],
        interpretation=INTERPRETATION,
    )
    coffee(d3, "10:30", "11:00")
    slots.append(
        breakouts(
            d3,
            "11:00",
            "12:30",
            "Co-facilitation in pairs",
            "Plan a session in pairs and divide the roles.",
        )
    )
    # The deliberate conflict: Тимур is still needed in his group's co-facilitation breakout.
    add(
        d3,
        "11:30",
        "12:30",
        "Media safety clinic (drop-in)",
        "other",
        "Foyer",
        [TIMUR],
        description="Questions on phones, messengers and social media, one by one.",
    )
    lunch(d3)
    add(
        d3,
        "14:00",
        "18:30",
        "Excursion to Sayram and the Ibragim Ata mausoleum",
        "excursion",
        description="The bus leaves from the main entrance at 14:00 sharp.",
    )
    # Тимур also leads the co-facilitation group C this morning.
    group_c = slots[-1][2]
    services.update_session(
        group_c,
        replace(services.session_data(group_c), facilitator_ids=[people[LAZZAT], people[TIMUR]]),
        organizer,
    )

    # Day 4: action plans, a cancelled panel, evaluation and closing.
    add(
        d4,
        "09:00",
        "10:30",
        "Action plans: our trainings back home",
        "plenary",
        "Plenary Hall",
        [RANIA, TIMUR],
        interpretation=INTERPRETATION,
    )
    coffee(d4, "10:30", "11:00")
    panel = add(
        d4,
        "11:00",
        "12:00",
        "Panel with donor representatives",
        "plenary",
        "Plenary Hall",
        interpretation=INTERPRETATION,
    )
    services.cancel_session(panel, organizer)
    add(
        d4,
        "12:00",
        "12:30",
        "Evaluation and certificates",
        "plenary",
        "Plenary Hall",
        [BEGIMAI, LAZZAT],
    )
    add(d4, "12:30", "14:00", "Closing lunch", "meal")
    db.session.flush()

    for group in slots:
        services.split_breakouts(institute, group[0].starts_local, organizer)
    db.session.flush()
