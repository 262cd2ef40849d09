"""Demo messages of the fictional Shymkent institute: an own Russian invitation text and a
reminder, scheduled for the RSVP deadline, to those who have not answered yet."""

from datetime import datetime, time

from planner.messages import services
from planner.messages.models import TemplateKind

INVITATION_RU = (
    "Приглашение: {name}, ждём вас в Шымкенте",
    "Здравствуйте, {name}!\n\n"
    "Сеть правозащитных центров Центральной Азии приглашает вас на институт подготовки "
    "тренеров в Шымкенте, 12–15 апреля 2027 года.\n\n"
    "Пожалуйста, ответьте по личной ссылке (не пересылайте её):\n{link}\n\n"
    "С уважением,\nорганизаторы",
)
REMINDER = {
    "ru": (
        "Напоминание: ответ на приглашение до дедлайна",
        "Здравствуйте, {name}!\n\nМы ещё не получили ваш ответ. Ваша ссылка: {link}",
    ),
    "en": (
        "Reminder: please answer before the deadline",
        "Dear {name},\n\nWe have not heard from you yet. Your link: {link}",
    ),
}


def seed(institute, organizer) -> None:
    services.save_template(institute, TemplateKind.INVITATION, "ru", *INVITATION_RU, organizer)
    deadline = institute.rsvp_deadline or institute.start_date
    send_at = datetime.combine(deadline, time(9, 0), tzinfo=institute.zone)
    services.schedule_message(
        institute,
        services.Audience(not_answered=True),
        REMINDER,
        send_at,
        organizer,
    )
