"""Two-factor sign-in: set-up from the account page, the second step, recovery codes, and an
owner's requirement for the team."""

import re
import time

import pyotp
import pytest
from sqlalchemy import func, select

from planner.auth.models import TeamRole
from planner.twofactor import services
from planner.twofactor.models import RecoveryCode, TwoFactor
from planner.twofactor.views import PENDING
from tests import factories
from tests.twofactor.conftest import enable_two_factor, next_code


def test_organizer_sets_up_two_factor_from_the_account_page(client, login, organizer, db):
    login(organizer)
    assert "Two-factor sign-in is off." in client.get("/account/").get_data(as_text=True)

    started = client.post("/account/two-factor/start")
    assert started.headers["Location"] == "/account/two-factor/setup"
    page = client.get("/account/two-factor/setup").get_data(as_text=True)
    secret = db.session.get(TwoFactor, organizer.id).secret
    assert "<svg" in page  # the QR code, inline, made by the app
    assert secret in page
    assert "http" not in page.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org/2000/svg", ""
    )

    wrong = client.post("/account/two-factor/setup", data={"code": "000000"})
    assert wrong.status_code == 400
    assert "The code is not correct." in wrong.get_data(as_text=True)
    db.session.expire_all()
    assert not services.is_enabled(organizer)

    confirmed = client.post("/account/two-factor/setup", data={"code": pyotp.TOTP(secret).now()})

    assert confirmed.status_code == 200
    codes = re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", confirmed.get_data(as_text=True))
    assert len(codes) == 10 == len(set(codes))
    db.session.expire_all()
    assert services.is_enabled(organizer)
    stored = set(
        db.session.scalars(
            select(RecoveryCode.code_hash).where(RecoveryCode.organizer_id == organizer.id)
        )
    )
    assert len(stored) == 10
    assert not stored & {c.replace("-", "") for c in codes}  # only hashes are kept
    assert db.session.get(TwoFactor, organizer.id).secret == secret  # read back decrypted
    raw = db.session.execute(
        select(func.cast(TwoFactor.__table__.c.secret, db.Text)).where(
            TwoFactor.organizer_id == organizer.id
        )
    ).scalar_one()
    assert secret not in raw  # encrypted at rest
    assert "10 recovery codes are left." in client.get("/account/").get_data(as_text=True)


def test_sign_in_asks_for_the_code_after_the_password(client, organizer, sign_in_with_code):
    secret, _codes = enable_two_factor(organizer)

    response = sign_in_with_code(organizer, next_code(secret), next_url="/account/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/account/"
    assert client.get("/institutes/").status_code == 200


def test_the_password_alone_does_not_sign_in(client, organizer):
    enable_two_factor(organizer)

    client.post("/login", data={"email": organizer.email, "password": factories.DEFAULT_PASSWORD})

    response = client.get("/institutes/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_a_wrong_code_is_refused_and_a_few_end_the_attempt(client, organizer, sign_in_with_code):
    enable_two_factor(organizer)

    response = sign_in_with_code(organizer, "123456")

    assert response.status_code == 400
    assert "The code is not correct." in response.get_data(as_text=True)
    assert client.get("/institutes/").status_code == 302
    for _ in range(3):
        assert client.post("/login/two-factor", data={"code": "1"}).status_code == 400
    fifth = client.post("/login/two-factor", data={"code": "654321"})
    assert fifth.headers["Location"] == "/login"
    assert client.get("/login/two-factor").headers["Location"] == "/login"


def test_the_pending_sign_in_expires(client, organizer):
    secret, _codes = enable_two_factor(organizer)
    client.post("/login", data={"email": organizer.email, "password": factories.DEFAULT_PASSWORD})
    with client.session_transaction() as session:
        session[PENDING] = {**session[PENDING], "at": int(time.time()) - 301}

    response = client.post("/login/two-factor", data={"code": next_code(secret)})

    assert response.headers["Location"] == "/login"
    assert client.get("/institutes/").status_code == 302


def test_a_code_is_never_accepted_twice(client, organizer, sign_in_with_code):
    secret, _codes = enable_two_factor(organizer)
    code = next_code(secret)
    assert sign_in_with_code(organizer, code).status_code == 302
    client.post("/logout")

    replay = sign_in_with_code(organizer, code)

    assert replay.status_code == 400
    assert client.get("/institutes/").status_code == 302


def test_a_recovery_code_works_once(client, organizer, sign_in_with_code, db):
    _secret, codes = enable_two_factor(organizer)

    first = sign_in_with_code(organizer, codes[3].upper())
    assert first.status_code == 302
    assert "9 codes are left" in client.get("/institutes/").get_data(as_text=True)
    client.post("/logout")

    again = sign_in_with_code(organizer, codes[3])

    assert again.status_code == 400
    assert client.get("/institutes/").status_code == 302
    used = db.session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.organizer_id == organizer.id, RecoveryCode.used_at.is_not(None))
    )
    assert used == 1


def test_new_recovery_codes_replace_the_old_ones(client, organizer, sign_in_with_code, db):
    secret, old_codes = enable_two_factor(organizer)
    db.session.get(TwoFactor, organizer.id).last_step = 0  # as if set up long ago
    db.session.commit()
    sign_in_with_code(organizer, pyotp.TOTP(secret).now())

    response = client.post("/account/two-factor/recovery-codes", data={"code": next_code(secret)})

    new_codes = re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", response.get_data(as_text=True))
    assert len(new_codes) == 10
    assert not set(new_codes) & set(old_codes)
    db.session.expire_all()
    assert services.verify(organizer, old_codes[0]) is None
    assert services.verify(organizer, new_codes[0]) == "recovery"


def test_turning_two_factor_off_needs_the_password(client, organizer, sign_in_with_code, db):
    secret, _codes = enable_two_factor(organizer)
    sign_in_with_code(organizer, next_code(secret))

    client.post("/account/two-factor/disable", data={"password": "wrong password"})
    db.session.expire_all()
    assert services.is_enabled(organizer)

    client.post("/account/two-factor/disable", data={"password": factories.DEFAULT_PASSWORD})
    db.session.expire_all()
    assert not services.is_enabled(organizer)
    assert db.session.scalar(select(func.count()).select_from(RecoveryCode)) == 0


def _require(client, institute) -> None:
    response = client.post(f"/institutes/{institute.slug}/two-factor", data={"required": "y"})
    assert response.status_code == 302


def test_an_owner_requires_two_factor_for_the_team(
    client, app, organizer, institute, sign_in_with_code, db
):
    secret, _codes = enable_two_factor(organizer)
    sign_in_with_code(organizer, next_code(secret))
    _require(client, institute)
    db.session.expire_all()
    assert institute.require_two_factor
    dashboard = client.get(f"/institutes/{institute.slug}/")
    assert dashboard.status_code == 200
    client.post("/logout")

    member = factories.make_organizer()
    factories.add_member(institute, member, TeamRole.EDITOR)
    elsewhere = factories.make_institute(owner=member)
    other = app.test_client()
    other.post("/login", data={"email": member.email, "password": factories.DEFAULT_PASSWORD})

    blocked = other.get(f"/institutes/{institute.slug}/invitees/")
    assert blocked.status_code == 302
    assert blocked.headers["Location"] == "/account/"
    account = other.get("/account/").get_data(as_text=True)
    assert f"The team of {institute.title} requires two-factor sign-in." in account
    assert other.post(f"/institutes/{institute.slug}/invitees/remind").status_code == 302
    assert other.get(f"/institutes/{elsewhere.slug}/").status_code == 200  # no requirement there

    other.post("/account/two-factor/start")
    member_secret = db.session.get(TwoFactor, member.id).secret
    other.post("/account/two-factor/setup", data={"code": pyotp.TOTP(member_secret).now()})

    assert other.get(f"/institutes/{institute.slug}/invitees/").status_code == 200
    # Nobody in the team may turn it off while the team requires it.
    other.post("/account/two-factor/disable", data={"password": factories.DEFAULT_PASSWORD})
    db.session.expire_all()
    assert services.is_enabled(member)


def test_an_owner_without_two_factor_cannot_require_it(client, login, organizer, institute, db):
    login(organizer)

    _require(client, institute)

    db.session.expire_all()
    assert not institute.require_two_factor
    page = client.get(f"/institutes/{institute.slug}/", follow_redirects=True)
    assert "Turn on two-factor sign-in for your own account first." in page.get_data(as_text=True)


def test_an_owner_makes_it_optional_again(client, organizer, institute, sign_in_with_code, db):
    secret, _codes = enable_two_factor(organizer)
    sign_in_with_code(organizer, next_code(secret))
    _require(client, institute)

    client.post(f"/institutes/{institute.slug}/two-factor", data={})

    db.session.expire_all()
    assert not institute.require_two_factor


def test_a_member_with_two_factor_but_an_older_session_signs_in_again(
    client, login, organizer, institute, db
):
    login(organizer)  # signed in before two-factor was on
    enable_two_factor(organizer)
    institute.require_two_factor = True
    db.session.commit()

    response = client.get(f"/institutes/{institute.slug}/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert client.get("/institutes/").status_code == 302  # signed out


def test_the_set_up_page_is_never_cached(client, login, organizer):
    login(organizer)
    client.post("/account/two-factor/start")

    response = client.get("/account/two-factor/setup")

    assert response.headers["Cache-Control"] == "private, no-store"


def test_the_pending_state_keeps_no_session_token(client, organizer):
    enable_two_factor(organizer)

    client.post("/login", data={"email": organizer.email, "password": factories.DEFAULT_PASSWORD})

    with client.session_transaction() as session:
        assert organizer.session_token not in str(dict(session))


def test_signing_out_everywhere_ends_a_pending_sign_in(client, organizer, db):
    from planner.auth import services as accounts

    secret, _codes = enable_two_factor(organizer)
    client.post("/login", data={"email": organizer.email, "password": factories.DEFAULT_PASSWORD})
    accounts.revoke_sessions(organizer)  # e.g. the password was changed meanwhile
    db.session.commit()

    response = client.post("/login/two-factor", data={"code": next_code(secret)})

    assert response.headers["Location"] == "/login"
    assert client.get("/institutes/").status_code == 302


class TestRateLimit:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per minute"}

    def test_the_second_step_is_rate_limited(self, client, organizer, sign_in_with_code):
        enable_two_factor(organizer)

        answers = [sign_in_with_code(organizer, "000000").status_code]
        answers += [
            client.post("/login/two-factor", data={"code": "111111"}).status_code for _ in range(3)
        ]

        assert answers[:3] == [400, 400, 400]
        assert answers[3] == 429


def test_a_remembered_browser_signs_in_without_a_code(client, app, organizer, institute, db):
    from planner.twofactor.views import DEVICE_COOKIE

    secret, _codes = enable_two_factor(organizer)
    institute.require_two_factor = True
    db.session.commit()
    client.post("/login", data={"email": organizer.email, "password": factories.DEFAULT_PASSWORD})
    signed_in = client.post("/login/two-factor", data={"code": next_code(secret), "remember": "y"})
    cookie = next(c for c in signed_in.headers.getlist("Set-Cookie") if c.startswith(DEVICE_COOKIE))
    assert "HttpOnly" in cookie and "Path=/login" in cookie
    client.post("/logout")

    again = client.post(
        "/login", data={"email": organizer.email, "password": factories.DEFAULT_PASSWORD}
    )

    assert again.headers["Location"] == "/institutes/"
    assert client.get(f"/institutes/{institute.slug}/").status_code == 200  # counts as verified
    assert "1 browser is remembered" in client.get("/account/").get_data(as_text=True)
    # Another browser (no cookie) still needs the code.
    other = app.test_client()
    first = other.post(
        "/login", data={"email": organizer.email, "password": factories.DEFAULT_PASSWORD}
    )
    assert first.headers["Location"] == "/login/two-factor"

    client.post("/account/two-factor/forget-devices")
    client.post("/logout")
    forgotten = client.post(
        "/login", data={"email": organizer.email, "password": factories.DEFAULT_PASSWORD}
    )
    assert forgotten.headers["Location"] == "/login/two-factor"


def test_a_remembered_browser_expires_and_is_only_for_its_account(client, organizer, db):
    from planner.twofactor.models import RememberedDevice
    from planner.twofactor.views import DEVICE_COOKIE

    enable_two_factor(organizer)
    someone = factories.make_organizer()
    enable_two_factor(someone)
    token = services.remember_device(someone)
    db.session.commit()
    client.set_cookie(DEVICE_COOKIE, token, path="/login")

    first = client.post(
        "/login", data={"email": organizer.email, "password": factories.DEFAULT_PASSWORD}
    )
    assert first.headers["Location"] == "/login/two-factor"  # another account's browser

    device = db.session.scalar(select(RememberedDevice))
    device.expires_at = device.created_at
    db.session.commit()
    client.get("/login")
    expired = client.post(
        "/login", data={"email": someone.email, "password": factories.DEFAULT_PASSWORD}
    )
    assert expired.headers["Location"] == "/login/two-factor"
