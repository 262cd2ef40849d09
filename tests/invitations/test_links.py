"""Secret links: a GET changes nothing, a POST starts the invitee session, bad links say little."""

import http.cookiejar
import logging
import re
import threading
import urllib.parse
import urllib.request
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from planner.db import utcnow
from planner.extensions import db
from planner.invitations import services
from planner.invitations.models import AccessLink, LinkPurpose, RsvpStatus, StatusChange
from planner.mail.models import OutboundEmail
from planner.security.models import AuditEvent
from planner.security.tokens import hash_token
from tests import factories
from tests.invitations.conftest import link_in, outbox, path_of
from tests.plugins.invitee_session import make_link

FRIENDLY = "This link does not work"


def snapshot():
    """Everything a visit could change."""
    return (
        [(c.id, c.rsvp_status) for c in db.session.scalars(select(StatusChange))],
        db.session.scalars(select(AuditEvent.id)).all(),
        db.session.scalars(select(OutboundEmail.id)).all(),
        [
            (link.id, link.last_used_at, link.revoked_at)
            for link in db.session.scalars(select(AccessLink))
        ],
    )


@pytest.fixture
def invitee(institute):
    return factories.make_invitee(institute, full_name="Зарина Саидова", language="en")


def test_get_of_the_link_shows_the_invitation_and_changes_nothing(client, institute, invitee):
    token, link = make_link(invitee)
    before = snapshot()

    response = client.get(f"/r/{token}")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert institute.title in html
    assert "Shymkent" in html
    assert "team@example.org" in html  # the organizers' contact
    assert "Yes, I will come" in html
    db.session.expire_all()
    assert snapshot() == before
    assert db.session.get(AccessLink, link.id).last_used_at is None
    assert client.get("/me/").status_code == 404  # no session either


def test_post_starts_the_session_and_redirects_to_me_without_the_token(client, invitee):
    token, link = make_link(invitee)

    response = client.post(f"/r/{token}")

    assert response.status_code == 302
    assert response.headers["Location"] == "/me/"
    page = client.get("/me/")
    assert page.status_code == 200
    assert token not in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(AccessLink, link.id).last_used_at is not None
    assert invitee.rsvp_status == RsvpStatus.INVITED  # opening is not answering


def test_post_with_the_yes_button_confirms(client, invitee):
    token, _ = make_link(invitee)

    response = client.post(f"/r/{token}", data={"answer": "confirmed"})

    assert response.headers["Location"] == "/me/"
    db.session.expire_all()
    assert invitee.rsvp_status == RsvpStatus.CONFIRMED
    change = db.session.scalars(select(StatusChange)).one()
    assert (change.old_status, change.new_status, change.by_invitee) == (
        "invited",
        "confirmed",
        True,
    )
    assert [m.kind for m in outbox()] == ["confirmation"]


@pytest.mark.parametrize("method", ["get", "post"])
def test_unknown_revoked_and_expired_links_get_the_same_friendly_page(client, invitee, method):
    good_token, _ = make_link(invitee)
    revoked_token, _ = make_link(invitee, revoked_at=utcnow())
    expired_token, _ = make_link(invitee, expires_at=utcnow() - timedelta(minutes=1))
    feed_token, _ = make_link(invitee, purpose=LinkPurpose.FEED)
    pages = []
    for token in ("x" * 43, revoked_token, expired_token, feed_token, good_token[:-1]):
        response = getattr(client, method)(f"/r/{token}")
        assert response.status_code == 404
        page = response.get_data(as_text=True).replace(token, "")
        # The language form's CSRF token is signed with the current second: not a difference.
        pages.append(re.sub(r'name="csrf_token"[^>]*value="[^"]*"', "", page))
    assert FRIENDLY in pages[0]
    assert invitee.full_name not in pages[0]
    assert len(set(pages)) == 1  # nothing tells the cases apart


def test_a_removed_invitee_link_no_longer_works(client, organizer, invitee):
    token, _ = make_link(invitee)
    services.remove_invitee(invitee, organizer)
    db.session.commit()
    assert client.get(f"/r/{token}").status_code == 404


def test_regenerating_kills_the_old_link_at_once_and_ends_its_session(
    client, organizer, institute, invitee
):
    old_token, _ = make_link(invitee)
    client.post(f"/r/{old_token}")
    assert client.get("/me/").status_code == 200

    services.send_invitations(
        institute, [invitee], organizer, "http://planner.test", only_unanswered=False
    )
    db.session.commit()

    assert client.get(f"/r/{old_token}").status_code == 404
    assert client.get("/me/").status_code == 404  # the session hung on the old link
    new_url = link_in(outbox("invitation")[-1])
    assert client.get(path_of(new_url)).status_code == 200


def test_organizer_revoke_stops_every_link(owner_client, client, institute, invitee):
    token, _ = make_link(invitee)

    owner_client.post(f"/institutes/{institute.slug}/invitees/{invitee.id}/revoke-links")

    assert client.get(f"/r/{token}").status_code == 404
    assert "invitee.links_revoked" in db.session.scalars(select(AuditEvent.action)).all()


def test_a_token_of_institute_a_gives_nothing_of_institute_b(client, organizer, invitee):
    other_institute = factories.make_institute(owner=organizer, title="Другой институт")
    stranger = factories.make_invitee(other_institute, full_name="Чужой Человек")
    token, _ = make_link(invitee)
    client.post(f"/r/{token}")

    page = client.get("/me/").get_data(as_text=True)

    assert "Другой институт" not in page
    assert stranger.full_name not in page
    # The organizer pages of B stay closed to the invitee of A.
    response = client.get(f"/institutes/{other_institute.slug}/invitees/{stranger.id}")
    assert response.status_code == 302  # to the organizer login
    assert "/login" in response.headers["Location"]


def test_secret_pages_are_not_cached_and_send_no_referrer(client, invitee):
    token, _ = make_link(invitee)
    for response in (
        client.get(f"/r/{token}"),
        client.get("/r/unknown-token-that-does-not-exist"),
        client.post(f"/r/{token}"),
        client.get("/me/"),
    ):
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Referrer-Policy"] == "no-referrer"


def test_links_expire_a_margin_after_the_institute_ends(institute):
    expiry = services.link_expiry(institute)
    assert expiry.astimezone(institute.zone).date() == institute.end_date + timedelta(days=30)


def test_only_the_hash_of_a_sent_token_is_stored(organizer, institute, invitee):
    services.send_invitations(institute, [invitee], organizer, "http://planner.test")
    db.session.commit()

    token = link_in(outbox()[0]).rsplit("/", 1)[1]

    link = db.session.scalars(select(AccessLink)).one()
    assert link.token_hash == hash_token(token)
    assert len(token) >= 43  # 32 random bytes
    assert token not in repr(db.session.execute(select(AccessLink.__table__)).all())


def test_links_use_the_configured_base_url_never_the_host_header(
    client, organizer, institute, invitee
):
    evil = {"Host": "evil.example"}
    client.post(
        "/login",
        data={"email": organizer.email, "password": factories.DEFAULT_PASSWORD},
        headers=evil,
    )
    client.post(
        f"/institutes/{institute.slug}/invitees/send", data={"invitee": [invitee.id]}, headers=evil
    )
    assert link_in(outbox()[0]).startswith("http://planner.test/r/")


def test_logs_of_a_full_rsvp_flow_contain_no_token(app, caplog, invitee):
    """A real werkzeug server on a free loopback port logs every request line."""
    token, _ = make_link(invitee)
    caplog.set_level(logging.DEBUG)
    logging.getLogger("werkzeug").setLevel(logging.DEBUG)
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    browser = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    try:
        assert browser.open(f"{base}/r/{token}").status == 200
        answered = browser.open(f"{base}/r/{token}", data=b"answer=confirmed")
        assert answered.geturl() == f"{base}/me/"
        details = urllib.parse.urlencode(
            {"passport_name": "SAIDOVA ZARINA", "nationality": "TJ", "phone": "+992 90 1"}
        ).encode()
        assert browser.open(f"{base}/me/details", data=details).status == 200
    finally:
        server.shutdown()
        thread.join()

    request_lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any("/r/[redacted]" in line for line in request_lines)
    assert all(token not in record.getMessage() for record in caplog.records)
    assert token not in caplog.text


class TestWithCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_post_without_the_csrf_token_is_refused(self, client, invitee):
        token, _ = make_link(invitee)

        response = client.post(f"/r/{token}", data={"answer": "confirmed"})

        assert response.status_code == 400
        db.session.expire_all()
        assert invitee.rsvp_status == RsvpStatus.INVITED

    def test_post_with_the_token_of_the_page_works(self, client, invitee):
        import re

        token, _ = make_link(invitee)
        page = client.get(f"/r/{token}").get_data(as_text=True)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

        response = client.post(f"/r/{token}", data={"answer": "confirmed", "csrf_token": csrf})

        assert response.status_code == 302
        db.session.expire_all()
        assert invitee.rsvp_status == RsvpStatus.CONFIRMED


def test_rsvp_deadline_is_the_end_of_the_day_in_the_institute_zone(institute):
    from datetime import UTC, datetime

    institute.rsvp_deadline = date(2027, 3, 1)
    # 23:30 in Almaty on 1 March is still open; 00:30 on 2 March is not.
    assert services.rsvp_open(institute, datetime(2027, 3, 1, 18, 30, tzinfo=UTC))
    assert not services.rsvp_open(institute, datetime(2027, 3, 1, 19, 30, tzinfo=UTC))
