"""Regression test of the security review: an invitee's own agenda names, for sessions they
do not lead, only facilitators who consented to be listed (the feed's rule); a facilitator
still sees all their co-facilitators."""

from planner.agenda.models import SessionKind
from tests.agenda.factories import make_facilitator, make_participant, make_session


def test_my_agenda_does_not_name_unlisted_facilitators_to_other_invitees(
    institute, db, invitee_login
):
    listed = make_facilitator(institute, "Rania Haddad", consent_named_facilitator=True)
    unlisted = make_facilitator(institute, "Тимур Абенов", consent_named_facilitator=False)
    participant = make_participant(institute, "Зарина Саидова")
    make_session(
        institute, title="Opening", kind=SessionKind.PLENARY, facilitators=[listed, unlisted]
    )
    db.session.commit()

    page = invitee_login(participant).get("/me/agenda").get_data(as_text=True)

    assert "Opening" in page
    assert "Rania Haddad" in page
    assert "Тимур Абенов" not in page

    page = invitee_login(listed).get("/me/agenda").get_data(as_text=True)
    assert "Тимур Абенов" in page, "co-facilitators know each other"
