"""Demo: the program is published as version 1, as the organizers would have done."""

from planner.publishing import services


def seed(institute, organizer) -> None:
    services.publish(
        institute,
        organizer,
        note="First program for the participants; facilitators' rooms are final.",
    )
