"""Certificates: who gets one, serial numbers, the verification page and its revocation."""

from datetime import date

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from planner.attendance import certificates, services
from planner.attendance.models import Certificate, CertificateSettings
from planner.extensions import db
from planner.invitations.models import InviteeRole, RsvpStatus
from planner.mail.models import OutboundEmail
from tests import factories
from tests.attendance.conftest import pdf_words

DAYS = [date(2027, 4, 12), date(2027, 4, 13), date(2027, 4, 14), date(2027, 4, 15)]


def present_on(institute, person, n_days):
    for day in DAYS[:n_days]:
        services.commit_mark(institute, invitee_id=person.id, day=day)


def participant(institute, **fields):
    return factories.make_invitee(institute, rsvp_status=RsvpStatus.CONFIRMED, **fields)


def test_default_rule_is_all_days_but_one(institute):
    assert len(institute.days) == 4
    assert certificates.settings_of(institute).min_days == 3


@pytest.mark.parametrize(("days", "eligible"), [(0, False), (2, False), (3, True), (4, True)])
def test_eligibility_at_the_edge_of_the_rule(institute, days, eligible):
    person = participant(institute)
    present_on(institute, person, days)
    [candidate] = certificates.candidates(institute)
    assert (candidate.days, candidate.eligible) == (days, eligible)


def test_the_organizers_rule_decides(institute):
    person = participant(institute)
    present_on(institute, person, 1)
    db.session.add(CertificateSettings(institute_id=institute.id, min_days=1))
    db.session.commit()
    assert certificates.candidates(institute)[0].eligible


def test_only_confirmed_participants_get_certificates(institute):
    for role in (InviteeRole.FACILITATOR, InviteeRole.STAFF):
        present_on(institute, participant(institute, role=role), 4)
    assert certificates.candidates(institute) == []


def test_issuing_numbers_each_institute_from_one_and_never_twice(institute, organizer):
    people = [participant(institute) for _n in range(3)]
    for person in people[:2]:
        present_on(institute, person, 3)
    first = certificates.issue(institute, organizer)
    db.session.commit()
    present_on(institute, people[2], 4)
    second = certificates.issue(institute, organizer)
    db.session.commit()
    other = factories.make_institute()
    present_on(other, participant(other), 4)
    elsewhere = certificates.issue(other, organizer)

    assert sorted(c.serial for c in first) == [1, 2]
    assert [c.serial for c in second] == [3]
    assert [c.serial for c in elsewhere] == [1]
    assert len({c.code for c in first + second + elsewhere}) == 4


def test_verification_shows_name_institute_and_dates_only(client, institute, organizer):
    person = participant(
        institute, full_name="Гульнара Ахмедова", email="g@example.org", passport_number="N1234567"
    )
    present_on(institute, person, 4)
    [certificate] = certificates.issue(institute, organizer)
    db.session.commit()

    page = client.get(f"/verify/{certificate.code}")

    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Гульнара Ахмедова" in text and institute.title in text
    assert "g@example.org" not in text and "N1234567" not in text and "Shymkent" not in text
    assert page.headers["Cache-Control"] == "no-store"


def test_a_revoked_certificate_no_longer_verifies(client, login, institute, organizer):
    person = participant(institute, full_name="Тимур Revoked")
    present_on(institute, person, 4)
    [certificate] = certificates.issue(institute, organizer)
    db.session.commit()
    login(organizer)

    client.post(f"/institutes/{institute.slug}/certificates/{certificate.id}/revoke")
    revoked = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    client.post(f"/institutes/{institute.slug}/certificates/{certificate.id}/restore")
    restored = client.get(f"/verify/{certificate.code}").get_data(as_text=True)

    assert "Тимур Revoked" not in revoked and "revoked" in revoked
    assert "Тимур Revoked" in restored
    # Revoked stays revoked when certificates are issued again.
    client.post(f"/institutes/{institute.slug}/certificates/{certificate.id}/revoke")
    client.post(f"/institutes/{institute.slug}/certificates/issue")
    assert db.session.scalars(select(Certificate)).all() == [certificate]


def test_after_retention_the_certificate_verifies_without_a_name(client, institute, organizer):
    from planner.retention import purge_institute

    kept = participant(institute, full_name="Гульнара Ахмедова", email="g@example.org")
    revoked = participant(institute, full_name="Тимур Отозванный")
    for person in (kept, revoked):
        present_on(institute, person, 4)
    first, second = sorted(certificates.issue(institute, organizer), key=lambda c: c.serial)
    certificates.revoke(second if second.invitee_id == revoked.id else first, organizer)
    purge_institute(institute)
    db.session.commit()
    valid = first if first.invitee_id == kept.id else second

    page = client.get(f"/verify/{valid.code}")

    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "This certificate is valid." in text and institute.title in text
    assert "deleted under the data retention policy" in text
    assert "Гульнара" not in text and "—</dd>" not in text and "removed-" not in text
    gone = client.get(f"/verify/{(second if valid is first else first).code}")
    assert "revoked" in gone.get_data(as_text=True)
    assert "retention" not in gone.get_data(as_text=True)


@pytest.mark.parametrize("code", ["nope", "x" * 40, "%00"])
def test_unknown_codes_are_404(client, db, code):
    assert client.get(f"/verify/{code}").status_code == 404


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True}])
def test_verification_is_rate_limited(client, db, app_config):
    statuses = {client.get(f"/verify/guess{n}").status_code for n in range(35)}
    assert 429 in statuses


def test_bulk_pdf_in_each_participants_language(client, login, institute, organizer):
    ru = participant(institute, full_name="Жанар Русская", language="ru")
    en = participant(institute, full_name="Aziz English", language="en")
    for person in (ru, en):
        present_on(institute, person, 4)
    db.session.add(
        CertificateSettings(
            institute_id=institute.id,
            min_days=3,
            signatory_name="Madina Director",
            signatory_title="Director",
            serial_prefix="TOT27",
        )
    )
    certificates.issue(institute, organizer)
    db.session.commit()
    login(organizer)

    pdf = client.get(f"/institutes/{institute.slug}/certificates/certificates.pdf")

    text = pdf_words(pdf.data)
    with force_locale("ru"):
        title_ru = _("Certificate of participation")
    with force_locale("en"):
        title_en = _("Certificate of participation")
    assert pdf.mimetype == "application/pdf"
    assert "Жанар Русская" in text and "Aziz English" in text
    assert title_ru in text and title_en in text
    assert "TOT27-0001" in text and "TOT27-0002" in text and "Madina Director" in text
    assert "http://planner.test/verify/" in text


def test_certificates_are_e_mailed_once_through_the_outbox(client, login, institute, organizer):
    person = participant(institute, language="ru")
    present_on(institute, person, 4)
    certificates.issue(institute, organizer)
    db.session.commit()
    login(organizer)

    client.post(f"/institutes/{institute.slug}/certificates/email")
    client.post(f"/institutes/{institute.slug}/certificates/email")

    [message] = db.session.scalars(select(OutboundEmail)).all()
    certificate = db.session.scalars(select(Certificate)).one()
    assert message.kind == "certificate" and message.locale == "ru"
    assert message.recipient == person.email
    assert f"/verify/{certificate.code}" in message.body_text


def test_invitee_downloads_their_own_certificate(invitee_login, institute, organizer):
    person = participant(institute, full_name="Сабина Своя")
    client = invitee_login(person)
    assert "/me/certificate.pdf" not in client.get("/me/").get_data(as_text=True)
    assert client.get("/me/certificate.pdf").status_code == 404
    present_on(institute, person, 4)
    certificates.issue(institute, organizer)
    db.session.commit()
    assert "/me/certificate.pdf" in client.get("/me/").get_data(as_text=True)
    assert "Сабина Своя" in pdf_words(client.get("/me/certificate.pdf").data)


@pytest.mark.parametrize(
    "data", [{"min_days": "0"}, {"min_days": "lots"}, {"min_days": "2", "serial_prefix": "x" * 30}]
)
def test_invalid_settings_keep_what_was_typed(client, login, institute, organizer, data):
    login(organizer)
    response = client.post(
        f"/institutes/{institute.slug}/certificates/settings",
        data={"signatory_name": "Kept Name", **data},
    )
    assert response.status_code == 400
    assert "Kept Name" in response.get_data(as_text=True)
    assert db.session.get(CertificateSettings, institute.id) is None


def test_settings_are_saved(client, login, institute, organizer):
    login(organizer)
    response = client.post(
        f"/institutes/{institute.slug}/certificates/settings",
        data={"min_days": "2", "signatory_name": "A. Signer"},
    )
    assert response.status_code == 302
    assert db.session.get(CertificateSettings, institute.id).min_days == 2


class TestRenderWorker:
    """Everyone's certificates are a bulk document: the render worker makes them."""

    @pytest.fixture
    def app_config(self):
        return {"RENDER_INLINE": False}

    def test_all_certificates_answer_with_a_page_that_waits_then_the_pdf(
        self, client, login, institute, organizer
    ):
        from planner.documents import jobs

        person = participant(institute, full_name="Aziz English", language="en")
        present_on(institute, person, 4)
        certificates.issue(institute, organizer)
        db.session.commit()
        login(organizer)
        url = f"/institutes/{institute.slug}/certificates/certificates.pdf"

        waiting = client.get(url)
        assert waiting.status_code == 202
        assert '<meta http-equiv="refresh"' in waiting.get_data(as_text=True)
        assert jobs.run_pending() == 1
        ready = client.get(url)
        assert ready.mimetype == "application/pdf"
        assert "Aziz English" in pdf_words(ready.data)

        certificates.revoke(certificates.valid_certificates(institute)[0], organizer)
        db.session.commit()
        assert client.get(url).status_code == 302, "no valid certificate: no stale PDF either"

    @pytest.fixture
    def holder(self, institute, organizer):
        person = participant(institute, full_name="Сабина Своя", language="ru")
        present_on(institute, person, 4)
        certificates.issue(institute, organizer)
        db.session.commit()
        return person

    def test_one_certificate_comes_from_the_render_worker_for_organizer_and_holder(
        self, app, client, login, invitee_login, institute, organizer, holder, monkeypatch
    ):
        from planner.attendance.views import certificate_document
        from tests.documents.conftest import (
            block_weasyprint,
            busy_render_worker,
            render_worker_finishes,
        )

        app.config["RENDER_WAIT_SECONDS"] = 0
        certificate = certificates.valid_certificates(institute)[0]
        claim = busy_render_worker(certificate_document(institute, certificate, "a4")[0])
        login(organizer)
        url = f"/institutes/{institute.slug}/certificates/{certificate.id}.pdf"

        waiting = client.get(url)
        assert waiting.status_code == 202

        render_worker_finishes(monkeypatch, claim)
        block_weasyprint(monkeypatch)
        ready = client.get(url)
        assert ready.mimetype == "application/pdf"
        assert "Сабина Своя" in pdf_words(ready.data)
        own = invitee_login(holder).get("/me/certificate.pdf")
        assert own.data == ready.data, "the holder gets the same rendered PDF"
