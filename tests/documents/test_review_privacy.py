"""Regression tests of the security review: the public booklet names only people who agreed,
and a cached booklet follows their changes at once."""

from planner.invitations import services as invitations
from planner.invitations.models import RsvpStatus
from tests.documents.conftest import flat_text


def _public_booklet(client, institute) -> str:
    response = client.get(f"/p/{institute.slug}/program.pdf")
    assert response.status_code == 200
    return flat_text(response.data)


def test_a_facilitator_who_did_not_consent_is_not_named_in_the_public_booklet(program, db, client):
    program.facilitator.consent_named_facilitator = False
    program.facilitator.consent_to_list = False  # nor in the participant list
    program.institute.touch()
    db.session.commit()

    text = _public_booklet(client, program.institute)

    assert "Бегимай Осмонова" not in text
    assert "Rania Haddad" in text, "the co-facilitator agreed"


def test_a_facilitator_who_declined_is_not_announced_in_the_booklet(program, db, client):
    program.co_facilitator.rsvp_status = RsvpStatus.DECLINED
    program.institute.touch()
    db.session.commit()

    assert "Rania Haddad" not in _public_booklet(client, program.institute)


def test_withdrawn_consent_leaves_the_cached_public_booklet_at_once(program, db, client):
    assert "Бегимай Осмонова" in _public_booklet(client, program.institute)  # now cached
    details = invitations.InviteeDetails(
        passport_name="OSMONOVA BEGIMAI",
        nationality="KG",
        phone="",
        organization="Human Rights Centre",
        dietary_needs="",
        access_needs="",
        consent_to_list=False,
        passport_number=None,
        passport_expiry=None,
        date_of_birth=None,
    )
    invitations.update_details(program.facilitator, details)
    db.session.commit()

    assert "Бегимай Осмонова" not in _public_booklet(client, program.institute)


def test_a_withdrawn_participant_leaves_the_cached_booklet(program, db, client, login, organizer):
    from tests.documents.conftest import KAZAKH_NAME

    assert KAZAKH_NAME in _public_booklet(client, program.institute)
    invitations.set_status(program.listed, RsvpStatus.WITHDRAWN, "", organizer)
    db.session.commit()
    assert KAZAKH_NAME not in _public_booklet(client, program.institute)


def test_a_removed_participant_leaves_the_cached_booklet(program, db, client, login, organizer):
    from tests.documents.conftest import KAZAKH_NAME

    assert KAZAKH_NAME in _public_booklet(client, program.institute)
    invitations.remove_invitee(program.listed, organizer)
    db.session.commit()
    assert KAZAKH_NAME not in _public_booklet(client, program.institute)
