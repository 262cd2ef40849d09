"""The organizer's documents page and the panels on shared pages."""

from sqlalchemy import event

from planner.invitations.models import InviteeRole, RsvpStatus
from planner.sections import render_panels
from planner.travel.models import VisaCase, VisaStatus
from tests import factories


def test_documents_page_lists_every_document_agenda_and_letter(
    program, letter_settings, client, login, organizer
):
    login(organizer)
    html = client.get(f"/institutes/{program.institute.slug}/documents/?paper=letter").get_data(
        as_text=True
    )
    slug = program.institute.slug
    for kind in ("program", "arrivals", "departures", "rooming", "badges"):
        assert f"/institutes/{slug}/documents/{kind}.pdf?paper=letter" in html
        assert f"/institutes/{slug}/documents/{kind}?paper=letter" in html
    assert f"/agendas/{program.facilitator.id}.pdf?paper=letter" in html
    assert f"/agendas/{program.co_facilitator.id}.pdf?paper=letter" in html
    assert f"/agendas/{program.listed.id}" not in html
    assert f"/letters/{program.listed.id}.pdf?paper=letter" in html
    assert "Letters are signed by Gulnara Seitova" in html
    assert '<option value="letter" selected>' in html
    assert f"/p/{slug}/program.pdf" in html


def test_viewer_sees_only_the_booklet(program, client, login, viewer):
    login(viewer)
    html = client.get(f"/institutes/{program.institute.slug}/documents/").get_data(as_text=True)
    assert "program.pdf" in html
    assert "arrivals.pdf" not in html and "/letters/" not in html and "/agendas/" not in html


def test_send_button_only_for_approved_unsent_letters(
    program, letter_settings, db, client, login, organizer
):
    from datetime import UTC, datetime

    login(organizer)
    url = f"/institutes/{program.institute.slug}/documents/"
    send = f"/letters/{program.listed.id}/send"
    assert send not in client.get(url).get_data(as_text=True)
    program.visa_case.letter_approved_at = datetime(2027, 2, 1, tzinfo=UTC)
    db.session.commit()
    assert send in client.get(url).get_data(as_text=True)


def test_documents_page_uses_a_constant_number_of_queries(program, db, client, login, organizer):
    login(organizer)
    url = f"/institutes/{program.institute.slug}/documents/"

    def queries() -> int:
        db.session.commit()
        db.session.expire_all()  # the same starting point for both measurements
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    before = queries()
    for n in range(5):
        person = factories.make_invitee(
            program.institute,
            role=InviteeRole.FACILITATOR if n % 2 else InviteeRole.PARTICIPANT,
            rsvp_status=RsvpStatus.CONFIRMED,
        )
        db.session.add(VisaCase(invitee=person, status=VisaStatus.LETTER_REQUESTED))
    db.session.commit()
    assert queries() == before


def documents_panels(place: str, obj) -> list:
    """This package's panels only (other packages add theirs to the same pages)."""
    return [(t, c) for t, c in render_panels(place, obj) if t.startswith("documents/")]


def test_me_panel_offers_the_approved_letter_and_the_agenda(program, db, app):
    from datetime import UTC, datetime

    with app.test_request_context():
        assert documents_panels("me", program.unlisted) == []
        [(template, context)] = documents_panels("me", program.facilitator)
        assert context == {"letter": False, "agenda": True}
        assert documents_panels("me", program.listed) == [], "requested, not approved"
        program.visa_case.letter_approved_at = datetime(2027, 2, 1, tzinfo=UTC)
        db.session.commit()
        [(template, context)] = documents_panels("me", program.listed)
        assert template == "documents/_panel_me.html"
        assert context == {"letter": True, "agenda": False}


def test_invitee_panel_links_letter_and_agenda_for_editors(program, app):
    with app.test_request_context():
        [(template, context)] = documents_panels("invitee", program.listed)
        assert template == "documents/_panel_invitee.html"
        assert context["letter"] is True and context["agenda"] is False
        assert documents_panels("invitee", program.unlisted) == []


def test_panels_render_their_links(program, app):
    from flask import g, render_template

    from planner.auth.models import TeamRole

    with app.test_request_context():
        html = render_template("documents/_panel_me.html", panel={"letter": True, "agenda": True})
        assert 'href="/me/letter.pdf"' in html and 'href="/me/agenda.pdf"' in html
        context = {"invitee": program.listed, "slug": program.institute.slug}
        g.team_role = TeamRole.EDITOR
        html = render_template(
            "documents/_panel_invitee.html", panel={**context, "letter": True, "agenda": False}
        )
        assert f"/documents/letters/{program.listed.id}.pdf" in html
        g.team_role = TeamRole.VIEWER
        html = render_template(
            "documents/_panel_invitee.html", panel={**context, "letter": True, "agenda": False}
        )
        assert "/letters/" not in html, "viewers do not see letters"
