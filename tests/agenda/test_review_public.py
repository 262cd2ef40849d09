"""Regression test of the security review: the public program page does not announce a
facilitator who declined or withdrew (the feed and the booklet do not either)."""

from planner.agenda.models import SessionKind
from planner.invitations.models import RsvpStatus
from tests.agenda.factories import make_facilitator, make_session


def test_public_page_leaves_out_facilitators_who_declined_or_withdrew(institute, db, client):
    institute.program_published = True
    coming = make_facilitator(institute, "Rania Haddad", consent_named_facilitator=True)
    declined = make_facilitator(institute, "Тимур Абенов", consent_named_facilitator=True)
    withdrawn = make_facilitator(institute, "Бегимай Осмонова", consent_named_facilitator=True)
    declined.rsvp_status = RsvpStatus.DECLINED
    withdrawn.rsvp_status = RsvpStatus.WITHDRAWN
    make_session(
        institute,
        title="Group A",
        kind=SessionKind.BREAKOUT,
        facilitators=[coming, declined, withdrawn],
    )
    db.session.commit()

    page = client.get(f"/p/{institute.slug}/").get_data(as_text=True)

    assert "Rania Haddad" in page
    assert "Тимур Абенов" not in page
    assert "Бегимай Осмонова" not in page
