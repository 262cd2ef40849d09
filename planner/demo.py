"""The fictional demo institute. Every person here is invented.

Each domain package may add its part in ``planner/<package>/demo.py`` with a function
``seed(institute, organizer)``; they run in the order of ``DEMO_PACKAGES``.
"""

import importlib
from datetime import date

from sqlalchemy import select

from planner.auth import services as accounts
from planner.extensions import db
from planner.institutes import services as institutes
from planner.institutes.models import Institute, InstituteStatus

DEMO_EMAIL = "demo@example.org"
DEMO_PASSWORD = "shymkent-demo-2027"  # noqa: S105 - a public demo account
DEMO_SLUG = "shymkent-tot-2027"
DEMO_PACKAGES = (
    "invitations",
    "travel",
    "agenda",
    "calendar",
    "documents",
    "mail",
    "messages",
    "publishing",
    "reports",
)


def load_demo() -> tuple[Institute, bool]:
    """Create the demo organizer and institute unless they exist; (institute, created)."""
    existing = db.session.scalar(select(Institute).where(Institute.slug == DEMO_SLUG))
    if existing is not None:
        return existing, False
    organizer = accounts.find_organizer(DEMO_EMAIL) or accounts.create_organizer(
        DEMO_EMAIL, "Aida Demo (fictional)", DEMO_PASSWORD
    )
    organizer.is_admin = True  # the demo login also shows the installation's admin page
    institute = institutes.create_institute(
        institutes.InstituteData(
            slug=DEMO_SLUG,
            title="Regional Training of Trainers Institute on Women's Leadership",
            description=(
                "Four days for trainers from Kazakhstan, Kyrgyzstan, Tajikistan and Uzbekistan "
                "to practise facilitation of leadership trainings for women's groups."
            ),
            host_organization="Steppe Women's Network (fictional)",
            city="Shymkent",
            country="KZ",
            venue="Shymkent Regional Training Centre",
            address="12 Tauke Khan Avenue, Shymkent 160000, Kazakhstan",
            timezone="Asia/Almaty",
            start_date=date(2027, 4, 12),
            end_date=date(2027, 4, 15),
            working_languages=["ru", "en"],
            rsvp_deadline=date(2027, 3, 1),
            contact_email="institute@example.org",
            emergency_phone="+7 725 200 0000",
            retention_date=date(2027, 10, 15),
        ),
        organizer,
    )
    institute.status = InstituteStatus.OPEN
    for package in DEMO_PACKAGES:
        try:
            module = importlib.import_module(f"planner.{package}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"planner.{package}.demo":
                raise
            continue
        module.seed(institute, organizer)
        db.session.flush()
    return institute, True
