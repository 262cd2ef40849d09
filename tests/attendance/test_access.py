"""Who may open each attendance, certificate, report and profile route."""

from datetime import date

import pytest

from planner.agenda.models import SessionKind
from planner.attendance import certificates, services
from planner.extensions import db
from planner.invitations.models import RsvpStatus
from tests import factories
from tests.agenda.factories import make_session
from tests.plugins import access_matrix as matrix

# (endpoint, method, path below /institutes/<slug>, role needed)
ORGANIZER_ROUTES = [
    ("attendance.checkin", "GET", "checkin/", "editor"),
    ("attendance.mark", "POST", "checkin/mark", "editor"),
    ("attendance.overview", "GET", "attendance/", "viewer"),
    ("attendance.day_sheet", "GET", "attendance/sheets/2027-04-12.pdf", "viewer"),
    ("attendance.session_sheet", "GET", "attendance/sheets/sessions/{session}.pdf", "viewer"),
    ("attendance.certificate_list", "GET", "certificates/", "viewer"),
    ("attendance.certificate_settings", "POST", "certificates/settings", "editor"),
    ("attendance.issue_certificates", "POST", "certificates/issue", "editor"),
    ("attendance.email_certificates", "POST", "certificates/email", "editor"),
    ("attendance.certificates_pdf", "GET", "certificates/certificates.pdf", "editor"),
    ("attendance.certificate_pdf", "GET", "certificates/{certificate}.pdf", "editor"),
    ("attendance.revoke_certificate", "POST", "certificates/{certificate}/revoke", "editor"),
    ("attendance.restore_certificate", "POST", "certificates/{certificate}/restore", "editor"),
    ("reports.edit_profile", "GET", "invitees/{invitee}/profile", "editor"),
    ("reports.edit_profile", "POST", "invitees/{invitee}/profile", "editor"),
    ("reports.report", "GET", "report/", "viewer"),
    ("reports.report_pdf", "GET", "report.pdf", "viewer"),
    ("reports.report_csv", "GET", "report.csv", "viewer"),
    ("reports.confirm_match", "POST", "invitees/{invitee}/returning/{earlier}/confirm", "editor"),
    # After confirming and before rejecting: only a recognised record can be reused.
    ("reports.reuse_details", "POST", "invitees/{invitee}/returning/{earlier}/reuse", "editor"),
    ("reports.reject_match", "POST", "invitees/{invitee}/returning/{earlier}/reject", "editor"),
    ("reports.follow_up_settings", "POST", "report/follow-up", "editor"),
    ("reports.send_follow_ups", "POST", "report/follow-up/send", "editor"),
]
INVITEE_ROUTES = [
    ("reports.my_profile", "GET", "/me/profile"),
    ("reports.my_profile", "POST", "/me/profile"),
    ("attendance.my_certificate", "GET", "/me/certificate.pdf"),
]
# Any signed-in organizer: the report over their own institutes only.
ACCOUNT_ROUTES = [
    ("reports.range_report", "GET", "/reports/"),
    ("reports.range_report_pdf", "GET", "/reports/report.pdf"),
    ("reports.range_report_csv", "GET", "/reports/report.csv"),
]
# Public, or behind a secret link (tested in tests/reports/test_follow_up.py too).
PUBLIC_ROUTES = [
    ("attendance.verify", "GET", "/verify/{code}"),
    ("reports.follow_up", "GET", "/r/{token}/follow-up"),
    ("reports.follow_up", "POST", "/r/{token}/follow-up"),
]
ENDPOINTS = {r[0] for r in ORGANIZER_ROUTES + INVITEE_ROUTES + ACCOUNT_ROUTES + PUBLIC_ROUTES}


def _objects(institute, owner) -> tuple[dict, object]:
    person = factories.make_invitee(
        institute, full_name="Алишер Повторный", nationality="UZ", rsvp_status=RsvpStatus.CONFIRMED
    )
    session = make_session(institute, kind=SessionKind.BREAKOUT, participants=[person])
    for day in institute.days:
        services.commit_mark(institute, invitee_id=person.id, day=day)
    [certificate] = certificates.issue(institute, owner)
    db.session.commit()
    before = factories.make_institute(
        owner=owner, start_date=date(2026, 1, 1), end_date=date(2026, 1, 2)
    )
    earlier = factories.make_invitee(
        before, full_name="алишер повторный", nationality="UZ", rsvp_status=RsvpStatus.CONFIRMED
    )
    return {
        "invitee": person.id,
        "session": session.id,
        "certificate": certificate.id,
        "code": certificate.code,
        "earlier": earlier.id,
    }, person


@pytest.fixture
def world(institute, organizer):
    return matrix.build_world(institute, organizer, _objects)


def test_every_route_of_these_packages_is_covered(app):
    routes = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert {e for e in routes if e.startswith(("attendance.", "reports."))} == ENDPOINTS


def test_anonymous_is_sent_to_sign_in_everywhere(client, world):
    assert matrix.anonymous_not_sent_to_sign_in(client, world, ORGANIZER_ROUTES) == []
    for e, m, p in ACCOUNT_ROUTES:
        response = matrix.call(client, m, p)
        assert response.status_code == 302 and "/login" in response.headers["Location"], e


def test_organizer_of_another_institute_gets_404_everywhere(client, login, world):
    login(world.outsider)
    assert set(matrix.statuses(client, world, ORGANIZER_ROUTES).values()) == {404}


@pytest.mark.parametrize("role", matrix.ROLES)
def test_each_role_may_do_what_it_needs_and_no_more(client, login, world, role):
    login(world.members[role])

    got = matrix.statuses(client, world, ORGANIZER_ROUTES)

    assert matrix.wrong_for_role(got, ORGANIZER_ROUTES, role) == {}


def test_an_object_of_another_institute_is_404_in_this_ones_address(client, login, world):
    login(world.members["owner"])

    assert matrix.foreign_objects_not_404(client, world, ORGANIZER_ROUTES) == {}


@pytest.mark.parametrize(("endpoint", "method", "path"), INVITEE_ROUTES)
def test_invitee_pages_are_404_without_an_invitee_session(
    client, login, world, endpoint, method, path
):
    assert matrix.without_an_invitee_session(client, login, world, method, path) == (404, 404)


@pytest.mark.parametrize(("endpoint", "method", "path"), INVITEE_ROUTES)
def test_invitee_pages_open_for_the_invitee(invitee_login, world, endpoint, method, path):
    client = invitee_login(world.invitee)
    assert matrix.call(client, method, path).status_code in (200, 302)


def test_another_invitee_never_gets_this_ones_certificate(invitee_login, world):
    client = invitee_login(world.other_invitee)
    assert client.get("/me/certificate.pdf").status_code == 404


def test_account_reports_open_for_any_organizer(client, login, world):
    login(world.outsider)
    for e, m, p in ACCOUNT_ROUTES:
        response = matrix.call(client, m, p)
        assert response.status_code == 200, e
    page = client.get("/reports/").get_data(as_text=True)
    assert world.institute.title not in page


def test_verification_is_public_and_shows_no_more(client, world):
    response = client.get(f"/verify/{world.ids['code']}")
    assert response.status_code == 200
    assert world.invitee.email not in response.get_data(as_text=True)


def test_a_follow_up_link_opens_only_with_its_own_token(client, world):
    from planner.reports import followup

    followup.send(world.institute, today=date(2028, 1, 1))
    db.session.commit()
    for _e, method, path in PUBLIC_ROUTES[1:]:
        assert matrix.call(client, method, path.format(token="A" * 43)).status_code == 404
        assert matrix.call(client, method, path.format(token="short")).status_code == 404
