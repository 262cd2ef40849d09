"""The account page, two-factor set-up, the second sign-in step and the team requirement."""

import hashlib
import hmac
import time

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user

from planner.auth.models import Organizer
from planner.extensions import db, limiter
from planner.institutes.access import institute_view
from planner.sections import panel
from planner.twofactor import services
from planner.twofactor.forms import (
    CodeForm,
    DisableForm,
    SetupCodeForm,
    StartForm,
    TeamRequirementForm,
)

bp = Blueprint("twofactor", __name__)

PENDING = "two_factor_pending"  # after the password, before the code
VERIFIED = "two_factor_verified"  # this session passed (or set up) the second factor
PENDING_SECONDS = 300
PENDING_TRIES = 5
# A remembered browser's cookie: sent only to the sign-in pages.
DEVICE_COOKIE = "planner_device"


# The second sign-in step -------------------------------------------------------------------


def needs_second_step(organizer: Organizer) -> bool:
    return services.is_enabled(organizer)


def begin_second_step(organizer: Organizer, next_url: str | None):
    """Called by the login view once the password is right: not signed in yet (unless this
    browser is remembered, which counts as the second factor)."""
    if services.remembered(organizer, request.cookies.get(DEVICE_COOKIE)):
        db.session.commit()
        session.clear()
        login_user(organizer)
        mark_verified()
        return redirect(next_url or url_for("institutes.index"))
    session.clear()
    session[PENDING] = {
        "id": organizer.id,
        # Not the session token itself (the cookie is signed, not encrypted): its digest, so a
        # password change or a sign-out everywhere ends the pending sign-in too.
        "check": _digest(organizer.session_token),
        "at": int(time.time()),
        "next": next_url or "",
        "tries": 0,
    }
    return redirect(url_for("twofactor.second_step"))


def _digest(session_token: str) -> str:
    return hashlib.sha256(session_token.encode()).hexdigest()[:32]


def _pending() -> dict | None:
    pending = session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    started = pending.get("at")
    if not isinstance(started, int) or not 0 <= time.time() - started <= PENDING_SECONDS:
        session.pop(PENDING, None)
        return None
    return pending


def _pending_key() -> str:
    """Per account (the pending sign-in), alongside the per-address limit."""
    pending = session.get(PENDING)
    organizer_id = pending.get("id") if isinstance(pending, dict) else None
    return f"two-factor:{organizer_id or request.remote_addr}"


def mark_verified() -> None:
    session[VERIFIED] = True


@bp.route("/login/two-factor", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@limiter.limit("20 per hour", key_func=_pending_key, methods=["POST"])
def second_step():
    pending = _pending()
    if pending is None:
        flash(_("Please sign in again."), "info")
        return redirect(url_for("auth.login"))
    organizer = (
        db.session.get(Organizer, pending.get("id")) if isinstance(pending.get("id"), int) else None
    )
    if (
        organizer is None
        or not organizer.active
        or not hmac.compare_digest(_digest(organizer.session_token), str(pending.get("check")))
    ):
        session.pop(PENDING, None)
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        method = services.verify(organizer, form.code.data)
        if method is None:
            db.session.rollback()
            pending["tries"] = int(pending.get("tries", 0)) + 1
            if pending["tries"] >= PENDING_TRIES:
                session.pop(PENDING, None)
                flash(_("Too many wrong codes. Please sign in again."), "warning")
                return redirect(url_for("auth.login"))
            session[PENDING] = pending
            form.code.errors.append(_("The code is not correct."))
        else:
            token = services.remember_device(organizer) if form.remember.data else None
            db.session.commit()
            next_url = pending.get("next") or url_for("institutes.index")
            session.clear()
            login_user(organizer)
            mark_verified()
            if method == "recovery":
                left = services.recovery_codes_left(organizer)
                flash(
                    ngettext(
                        "You used a recovery code. %(num)d code is left.",
                        "You used a recovery code. %(num)d codes are left.",
                        left,
                    ),
                    "warning",
                )
            response = redirect(next_url)
            if token:
                response.set_cookie(
                    DEVICE_COOKIE,
                    token,
                    max_age=int(services.REMEMBER_FOR.total_seconds()),
                    path=url_for("auth.login"),
                    secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
                    httponly=True,
                    samesite="Lax",
                )
            return response
    status = 400 if form.errors else 200
    return render_template("twofactor/second_step.html", form=form), status


# The team requirement ----------------------------------------------------------------------


def enforce_team_requirement(institute) -> None:
    """Called by the institute loader: a team that requires two-factor admits only sessions
    that passed it; others are sent to set it up (or to sign in again with it)."""
    if not institute.require_two_factor or session.get(VERIFIED):
        return
    flash(
        _(
            "The team of %(title)s requires two-factor sign-in. Set it up to continue.",
            title=institute.title,
        ),
        "warning",
    )
    if services.is_enabled(current_user):
        next_url = request.full_path if request.method == "GET" else None
        logout_user()
        session.clear()
        abort(redirect(url_for("auth.login", next=next_url)))
    abort(redirect(url_for("twofactor.account")))


@bp.post("/institutes/<slug>/two-factor")
@institute_view("owner")
def team_requirement(institute):
    form = TeamRequirementForm()
    if form.validate_on_submit():
        try:
            services.set_team_requirement(institute, form.required.data, current_user)
        except services.TwoFactorError as error:
            flash(str(error), "danger")
        else:
            db.session.commit()
            if form.required.data:
                flash(_("Everyone in the team now needs two-factor sign-in."), "success")
            else:
                flash(_("Two-factor sign-in is now optional in this team."), "success")
    return redirect(url_for("institutes.dashboard", slug=institute.slug))


@panel("dashboard", "twofactor/_dashboard.html", 90)
def dashboard_panel(institute):
    from planner.institutes.access import can

    if not can("owner"):
        return None
    form = TeamRequirementForm(required=institute.require_two_factor)
    without = services.members_without(institute) if institute.require_two_factor else None
    return {"institute": institute, "form": form, "without": without}


# The account page and set-up ---------------------------------------------------------------


@bp.get("/account/")
@login_required
def account():
    record = services.two_factor_of(current_user)
    enabled = record is not None and record.enabled
    return render_template(
        "twofactor/account.html",
        enabled=enabled,
        codes_left=services.recovery_codes_left(current_user) if enabled else 0,
        devices=services.devices_remembered(current_user) if enabled else 0,
        required_by=services.institutes_requiring(current_user),
        start_form=StartForm(),
        disable_form=DisableForm(),
        renew_form=SetupCodeForm(),
    )


@bp.post("/account/two-factor/start")
@login_required
def start():
    if StartForm().validate_on_submit():
        try:
            services.start_setup(current_user)
        except services.TwoFactorError as error:
            flash(str(error), "info")
            return redirect(url_for("twofactor.account"))
        db.session.commit()
    return redirect(url_for("twofactor.setup"))


@bp.route("/account/two-factor/setup", methods=["GET", "POST"])
@login_required
def setup():
    record = services.two_factor_of(current_user)
    if record is None or record.enabled:
        return redirect(url_for("twofactor.account"))
    form = SetupCodeForm()
    if form.validate_on_submit():
        try:
            codes = services.confirm_setup(current_user, form.code.data)
        except services.TwoFactorError as error:
            db.session.rollback()
            form.code.errors.append(str(error))
        else:
            db.session.commit()
            mark_verified()
            flash(_("Two-factor sign-in is on."), "success")
            return render_template("twofactor/recovery_codes.html", codes=codes)
    uri = services.provisioning_uri(current_user, record)
    return render_template(
        "twofactor/setup.html",
        form=form,
        qr=services.qr_svg(uri),
        secret=record.secret,
    ), 400 if form.errors else 200


@bp.post("/account/two-factor/recovery-codes")
@login_required
@limiter.limit("10 per hour")
def renew_codes():
    form = SetupCodeForm()
    if form.validate_on_submit():
        try:
            codes = services.regenerate_recovery_codes(current_user, form.code.data)
        except services.TwoFactorError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            db.session.commit()
            return render_template("twofactor/recovery_codes.html", codes=codes)
    return redirect(url_for("twofactor.account"))


@bp.post("/account/two-factor/disable")
@login_required
@limiter.limit("10 per hour")
def disable():
    form = DisableForm()
    if form.validate_on_submit():
        try:
            services.disable(current_user, form.password.data)
        except services.TwoFactorError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            db.session.commit()
            session.pop(VERIFIED, None)
            flash(_("Two-factor sign-in is off."), "success")
    return redirect(url_for("twofactor.account"))


@bp.post("/account/two-factor/forget-devices")
@login_required
def forget_devices():
    if StartForm().validate_on_submit():
        services.forget_devices(current_user)
        db.session.commit()
        flash(_("Remembered browsers are forgotten: the next sign-in asks for a code."), "success")
    return redirect(url_for("twofactor.account"))
