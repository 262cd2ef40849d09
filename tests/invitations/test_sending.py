"""Invitation e-mails: bulk sending, the preview, languages, links that work."""

from sqlalchemy import func, select

from planner.extensions import db
from planner.formatting import format_date_range
from planner.invitations import services
from planner.invitations.models import AccessLink, RsvpStatus, StatusChange
from planner.mail.models import MailStatus, OutboundEmail
from tests import factories, formats
from tests.invitations.conftest import link_in, make_invitees, outbox, path_of, plain


def send(client, institute, invitees):
    return client.post(
        f"/institutes/{institute.slug}/invitees/send",
        data={"invitee": [i.id for i in invitees]},
    )


def test_bulk_send_invites_the_selected_and_skips_those_who_answered(
    owner_client, client, institute
):
    draft = factories.make_invitee(institute, rsvp_status=RsvpStatus.DRAFT, language="en")
    invited = factories.make_invitee(institute, rsvp_status=RsvpStatus.INVITED, language="ru")
    confirmed = factories.make_invitee(institute, rsvp_status=RsvpStatus.CONFIRMED)
    not_selected = factories.make_invitee(institute, rsvp_status=RsvpStatus.DRAFT)

    response = send(owner_client, institute, [draft, invited, confirmed])

    assert response.status_code == 302
    messages = outbox("invitation")
    assert [m.recipient for m in messages] == [draft.email, invited.email]
    assert {m.status for m in messages} == {MailStatus.QUEUED}
    assert [m.invitee_id for m in messages] == [draft.id, invited.id]
    db.session.expire_all()
    assert (draft.rsvp_status, invited.rsvp_status) == (RsvpStatus.INVITED, RsvpStatus.INVITED)
    assert confirmed.rsvp_status == RsvpStatus.CONFIRMED
    assert not_selected.rsvp_status == RsvpStatus.DRAFT
    assert draft.invited_at is not None
    change = db.session.scalars(select(StatusChange)).one()
    assert (change.invitee_id, change.old_status, change.new_status) == (
        draft.id,
        "draft",
        "invited",
    )
    # Each link of the e-mails opens that person's invitation.
    for message, person in zip(messages, (draft, invited), strict=True):
        page = client.get(path_of(link_in(message)))
        assert page.status_code == 200
        assert person.full_name in page.get_data(as_text=True)
    flashes = owner_client.get(f"/institutes/{institute.slug}/invitees/").get_data(as_text=True)
    assert "2 invitations are queued for sending." in flashes
    assert "1 invitee was skipped: they already answered." in flashes


def test_an_invitation_link_confirms_by_post(client, owner_client, institute):
    invitee = factories.make_invitee(institute, rsvp_status=RsvpStatus.DRAFT, language="en")
    send(owner_client, institute, [invitee])
    path = path_of(link_in(outbox()[0]))

    client.get(path)
    db.session.expire_all()
    assert invitee.rsvp_status == RsvpStatus.INVITED
    client.post(path, data={"answer": "confirmed"})

    db.session.expire_all()
    assert invitee.rsvp_status == RsvpStatus.CONFIRMED


def test_english_invitation_has_title_dates_city_link_and_contact(owner_client, institute):
    invitee = factories.make_invitee(institute, full_name="Samira Khalil", language="en")

    send(owner_client, institute, [invitee])

    (message,) = outbox()
    assert message.locale == "en"
    dates = plain(formats.date_range(institute.start_date, institute.end_date, "en"))
    assert plain(message.subject) == f"Invitation: {institute.title}, {dates}"
    for body in (plain(message.body_text), plain(message.body_html)):
        assert "Dear Samira Khalil," in body
        assert "Shymkent" in body
        assert "team@example.org" in body
        assert dates in body
    assert link_in(message)


def test_russian_invitee_gets_a_russian_invitation(owner_client, institute):
    invitee = factories.make_invitee(institute, full_name="Тимур Абенов", language="ru")

    send(owner_client, institute, [invitee])

    (message,) = outbox()
    assert message.locale == "ru"
    assert message.subject.startswith("Приглашение:")
    dates = format_date_range(institute.start_date, institute.end_date, locale="ru")
    assert " ".join(dates.split()) in plain(message.subject)
    assert "Здравствуйте, Тимур Абенов!" in message.body_text
    assert "Ваша личная ссылка" in message.body_text
    assert "Открыть приглашение" in message.body_html
    assert formats.country("KZ", "ru") in message.body_text


def test_invitees_read_their_language_else_russian_in_the_region_else_english(
    owner_client, institute
):
    languages = ("kk", "ky", "uz", "tg", "az", "tk", "fr")
    people = [factories.make_invitee(institute, language=lang) for lang in languages]

    send(owner_client, institute, people)

    by_person = {m.recipient: m.locale for m in outbox()}
    assert [by_person[p.email] for p in people] == ["kk", "ky", "uz", "tg", "az", "ru", "en"]


def test_preview_shows_the_message_and_creates_no_link(owner_client, institute):
    invitee = factories.make_invitee(institute, rsvp_status=RsvpStatus.DRAFT, language="ru")
    other = factories.make_invitee(institute, rsvp_status=RsvpStatus.DRAFT, language="en")

    response = owner_client.get(
        f"/institutes/{institute.slug}/invitees/send",
        query_string={"invitee": [invitee.id, other.id], "preview": other.id},
    )

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"Dear {other.full_name}," in html
    assert services.PLACEHOLDER_URL_TOKEN in html
    assert "Send 2 invitations" in html
    assert db.session.scalar(select(func.count(AccessLink.id))) == 0
    assert outbox() == []
    db.session.expire_all()
    assert invitee.rsvp_status == RsvpStatus.DRAFT


def test_the_html_body_escapes_what_organizers_typed(owner_client, organizer):
    institute = factories.make_institute(
        owner=organizer, title='<script>alert("x")</script> Institute'
    )
    invitee = factories.make_invitee(institute, full_name="<b>Eve</b>", language="en")

    send(owner_client, institute, [invitee])

    (message,) = outbox()
    assert "<script>" not in message.body_html
    assert "&lt;script&gt;" in message.body_html
    assert "<b>Eve</b>" not in message.body_html
    assert "<b>Eve</b>" in message.body_text  # plain text is shown as text


def test_invitees_of_another_institute_are_ignored(owner_client, organizer, institute):
    other = factories.make_institute(owner=organizer)
    stranger = factories.make_invitee(other, rsvp_status=RsvpStatus.DRAFT)

    send(owner_client, institute, [stranger])

    assert outbox() == []
    db.session.expire_all()
    assert stranger.rsvp_status == RsvpStatus.DRAFT


def test_three_hundred_invitations_in_one_request_only_write_outbox_rows(owner_client, institute):
    people = make_invitees(institute, 300, rsvp_status=RsvpStatus.DRAFT)

    response = send(owner_client, institute, people)

    assert response.status_code == 302
    assert db.session.scalar(select(func.count(OutboundEmail.id))) == 300
    assert {m.status for m in outbox()} == {MailStatus.QUEUED}
    assert db.session.scalar(select(func.count(AccessLink.id))) == 300
    assert (
        db.session.scalar(
            select(func.count()).where(AccessLink.revoked_at.is_(None)).select_from(AccessLink)
        )
        == 300
    )


def test_a_new_link_for_one_invitee_revokes_the_old_one(owner_client, institute):
    invitee = factories.make_invitee(institute, rsvp_status=RsvpStatus.CONFIRMED)
    url = f"/institutes/{institute.slug}/invitees/{invitee.id}/send-link"

    owner_client.post(url)
    owner_client.post(url)

    first, second = outbox("invitation")
    assert link_in(first) != link_in(second)
    links = db.session.scalars(select(AccessLink).order_by(AccessLink.id)).all()
    assert [link.revoked_at is not None for link in links] == [True, False]
    db.session.expire_all()
    assert invitee.rsvp_status == RsvpStatus.CONFIRMED  # a new link is not a new invitation


def test_sending_with_nothing_selected_explains(owner_client, institute):
    response = owner_client.post(f"/institutes/{institute.slug}/invitees/send", data={})
    assert response.status_code == 302
    page = owner_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Choose the invitees first." in page
