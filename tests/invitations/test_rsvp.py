"""RSVP at /me/: answering, the deadline, the details form, encryption at rest, languages."""

from datetime import date

import pytest
from sqlalchemy import select, text

from planner.extensions import db
from planner.invitations import services
from planner.invitations.models import Invitee, RsvpStatus, StatusChange
from tests import factories
from tests.invitations.conftest import audit_actions, outbox

VALID_DETAILS = {
    "passport_name": "Saidova Zarina",
    "nationality": "TJ",
    "phone": "+992 90 132 4056",
    "organization": "Центр гражданских инициатив",
    "dietary_needs": "vegetarian",
    "access_needs": "",
    "consent_to_list": "y",
    "passport_number": "N 7300137",
    "passport_expiry": "2031-07-28",
    "date_of_birth": "1988-03-14",
}


@pytest.fixture
def invitee(institute):
    return factories.make_invitee(
        institute, full_name="Зарина Саидова", email="zarina@example.org", language="en"
    )


def reload(invitee) -> Invitee:
    db.session.expire_all()
    return db.session.get(Invitee, invitee.id)


def test_invitee_can_confirm_then_change_to_decline_before_the_deadline(invitee_login, invitee):
    client = invitee_login(invitee)

    confirmed = client.post("/me/rsvp", data={"answer": "confirmed"})
    assert confirmed.headers["Location"] == "/me/details"
    declined = client.post("/me/rsvp", data={"answer": "declined", "reason": "Visa refused"})
    assert declined.headers["Location"] == "/me/"

    invitee = reload(invitee)
    assert invitee.rsvp_status == RsvpStatus.DECLINED
    assert invitee.decline_reason == "Visa refused"
    assert invitee.answered_at is not None
    history = db.session.scalars(select(StatusChange).order_by(StatusChange.id)).all()
    assert [(h.old_status, h.new_status, h.by_invitee, h.organizer_id) for h in history] == [
        ("invited", "confirmed", True, None),
        ("confirmed", "declined", True, None),
    ]
    assert history[1].note == "Visa refused"
    assert audit_actions().count("invitee.status_changed") == 2
    mails = outbox("confirmation")
    assert [m.recipient for m in mails] == ["zarina@example.org"] * 2
    assert "Thank you for confirming" in mails[0].body_text
    assert "cannot come" in mails[1].body_text


def test_after_the_deadline_the_invitee_cannot_answer_but_an_organizer_can(
    invitee_login, owner_client, institute, invitee
):
    institute.rsvp_deadline = date(2020, 1, 1)
    db.session.commit()
    client = invitee_login(invitee)

    page = client.get("/me/").get_data(as_text=True)
    assert "The RSVP deadline has passed." in page
    assert "Yes, I will come" not in page
    client.post("/me/rsvp", data={"answer": "confirmed"})
    assert reload(invitee).rsvp_status == RsvpStatus.INVITED

    owner_client.post(
        f"/institutes/{institute.slug}/invitees/{invitee.id}/status",
        data={"status": "confirmed", "reason": "Confirmed by phone"},
    )

    invitee = reload(invitee)
    assert invitee.rsvp_status == RsvpStatus.CONFIRMED
    change = db.session.scalars(select(StatusChange)).one()
    assert (change.by_invitee, change.note) == (False, "Confirmed by phone")
    assert change.organizer_id is not None


def test_organizer_status_change_needs_a_reason_and_keeps_the_choice(
    owner_client, institute, invitee
):
    response = owner_client.post(
        f"/institutes/{institute.slug}/invitees/{invitee.id}/status",
        data={"status": "waitlisted", "reason": ""},
    )

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "This field is required." in html
    assert '<option selected value="waitlisted">' in html
    assert reload(invitee).rsvp_status == RsvpStatus.INVITED
    assert db.session.scalars(select(StatusChange)).all() == []


def test_transition_table_allows_only_the_listed_answers(invitee):
    invitee.rsvp_status = RsvpStatus.WITHDRAWN
    with pytest.raises(services.TransitionNotAllowed):
        services.answer(invitee, RsvpStatus.CONFIRMED)
    invitee.rsvp_status = RsvpStatus.WAITLISTED
    with pytest.raises(services.TransitionNotAllowed):
        services.answer(invitee, RsvpStatus.CONFIRMED)
    services.answer(invitee, RsvpStatus.DECLINED)
    assert invitee.rsvp_status == RsvpStatus.DECLINED


def test_an_answer_that_is_not_one_of_the_buttons_is_refused(invitee_login, invitee):
    client = invitee_login(invitee)
    response = client.post("/me/rsvp", data={"answer": "withdrawn"})
    assert response.status_code == 400
    assert reload(invitee).rsvp_status == RsvpStatus.INVITED


def test_confirmed_invitee_fills_in_details_stored_encrypted(invitee_login, invitee):
    invitee.rsvp_status = RsvpStatus.CONFIRMED
    db.session.commit()
    client = invitee_login(invitee)

    response = client.post("/me/details", data=VALID_DETAILS)

    assert response.status_code == 302
    invitee = reload(invitee)
    assert invitee.passport_name == "SAIDOVA ZARINA"
    assert invitee.passport_number == "N7300137"
    assert invitee.birth_date == date(1988, 3, 14)
    assert (invitee.nationality, invitee.consent_to_list) == ("TJ", True)
    raw = db.session.execute(
        text("SELECT passport_number, date_of_birth FROM invitee WHERE id = :id"),
        {"id": invitee.id},
    ).one()
    assert "N7300137" not in raw.passport_number
    assert raw.passport_number.startswith("test2:")  # the key id beside the ciphertext
    assert "1988" not in raw.date_of_birth
    assert "invitee.details_updated" in audit_actions()


def test_passport_number_is_not_in_the_sqlite_file_in_clear_text(app, invitee):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("reads the SQLite database file")
    invitee.passport_number = "QZ9182736"
    db.session.commit()
    db.session.remove()
    db.engine.dispose()  # everything written to the file

    path = db.engine.url.database
    content = open(path, "rb").read()  # noqa: SIM115

    assert b"QZ9182736" not in content
    assert "Зарина".encode() in content  # the file is the one we wrote to


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("passport_name", "Саидова Зарина", "in Latin letters"),
        ("nationality", "", "This field is required."),
        ("nationality", "ZZ", "Not a valid choice"),
        ("phone", "", "This field is required."),
        ("passport_number", "№12", "Use 5 to 20 Latin letters and digits"),
        ("passport_expiry", "2027-02-30", "Not a valid date value."),
        ("passport_expiry", "2027-04-01", "Your passport must be valid until the institute ends."),
        ("date_of_birth", "2024-01-01", "Enter a real date of birth."),
    ],
)
def test_details_with_bad_input_keep_the_values_and_save_nothing(
    invitee_login, invitee, field, value, message
):
    invitee.rsvp_status = RsvpStatus.CONFIRMED
    db.session.commit()
    client = invitee_login(invitee)

    response = client.post("/me/details", data={**VALID_DETAILS, field: value})

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert 'value="Центр гражданских инициатив"' in html  # what was typed stays
    invitee = reload(invitee)
    assert invitee.passport_number is None
    assert invitee.organization == ""


def test_details_are_asked_only_after_confirming(invitee_login, invitee):
    client = invitee_login(invitee)
    response = client.post("/me/details", data=VALID_DETAILS)
    assert response.headers["Location"] == "/me/"
    assert reload(invitee).passport_number is None


def test_sign_out_ends_the_invitee_session(invitee_login, invitee):
    client = invitee_login(invitee)
    page = client.get("/me/").get_data(as_text=True)
    assert 'action="/me/sign-out"' in page

    response = client.post("/me/sign-out")

    assert response.headers["Location"] == "/me/signed-out"
    assert client.get("/me/").status_code == 404


def test_russian_invitee_gets_russian_pages(invitee_login, institute):
    invitee = factories.make_invitee(institute, language="ru")
    client = invitee_login(invitee)

    html = client.get("/me/").get_data(as_text=True)

    assert '<html lang="ru">' in html
    assert "Ваш ответ" in html
    assert "Да, я приеду" in html


def test_kazakh_speaker_reads_kazakh_and_a_turkmen_speaker_russian(invitee_login, institute):
    invitee = factories.make_invitee(institute, language="kk")
    response = invitee_login(invitee).get("/me/")
    assert '<html lang="kk">' in response.get_data(as_text=True)
    invitee = factories.make_invitee(institute, language="tk")
    response = invitee_login(invitee).get("/me/")
    assert '<html lang="ru">' in response.get_data(as_text=True)


def test_the_language_switcher_still_works_for_invitees(invitee_login, institute):
    invitee = factories.make_invitee(institute, language="ru")
    client = invitee_login(invitee)

    response = client.post("/language", data={"lang": "en", "next": "/me/"})

    assert response.headers["Location"] == "/me/"
    assert "Your answer" in client.get("/me/").get_data(as_text=True)
