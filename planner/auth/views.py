"""Sign in and out, change password, choose the interface language."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from planner.auth import services
from planner.auth.forms import ChangePasswordForm, LanguageForm, LoginForm
from planner.extensions import db, limiter
from planner.i18n import ORGANIZER_LOCALES
from planner.invitations.access import current_invitee
from planner.security import login_limits
from planner.twofactor import views as twofactor

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    """Only same-site relative paths; never another host."""
    if not target or "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        # Browsers read "/\\host" and "/<TAB>/host" as "//host": another site.
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("institutes.index"))
    form = LoginForm()
    if form.validate_on_submit():
        if login_limits.account_blocked(form.email.data):
            form.password.errors.append(
                _("Too many failed sign-ins for this account. Please try again in a few minutes.")
            )
            return render_template("auth/login.html", form=form), 429
        organizer = services.authenticate(form.email.data, form.password.data)
        if organizer is None:
            login_limits.record_failure(form.email.data)
            form.password.errors.append(_("The e-mail or password is not correct."))
        else:
            db.session.commit()
            next_url = _safe_next(request.args.get("next"))
            if twofactor.needs_second_step(organizer):
                return twofactor.begin_second_step(organizer, next_url)
            session.clear()
            login_user(organizer)
            return redirect(next_url or url_for("institutes.index"))
    return render_template("auth/login.html", form=form), 200 if not form.errors else 400


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        # A copy of the cookie (another device, a stolen one) must not outlive the logout.
        services.revoke_sessions(current_user)
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user, form.current_password.data, form.new_password.data
            )
        except services.AccountError as error:
            form.current_password.errors.append(str(error))
        else:
            db.session.commit()
            # The cookie carries the session token, which just changed: sign in again here.
            login_user(current_user._get_current_object())
            flash(_("Your password is changed. Other sessions are signed out."), "success")
            return redirect(url_for("institutes.index"))
    return render_template("auth/password.html", form=form), 200 if not form.errors else 400


@bp.post("/language")
def set_language():
    form = LanguageForm()
    if form.validate_on_submit():
        session["lang"] = form.lang.data
        if current_user.is_authenticated and form.lang.data in ORGANIZER_LOCALES:
            current_user.locale = form.lang.data
            db.session.commit()
        invitee = current_invitee()
        if invitee is not None and invitee.language != form.lang.data:
            # The invitee's own choice: their e-mails and documents follow it too.
            invitee.language = form.lang.data
            db.session.commit()
    return redirect(_safe_next(form.next.data) or url_for("institutes.index"))


@bp.get("/")
def home():
    if current_user.is_authenticated:
        return redirect(url_for("institutes.index"))
    return redirect(url_for("auth.login"))
