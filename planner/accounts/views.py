"""Pages of the password reset (/password/...) and of team invitations (/join/<token>)."""

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
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user

from planner.accounts import reset, team_invites
from planner.accounts.forms import (
    AcceptForm,
    ForgotPasswordForm,
    JoinWithAccountForm,
    JoinWithNewAccountForm,
    ResetPasswordForm,
)
from planner.auth import services as accounts
from planner.auth.addresses import normalize_email
from planner.extensions import db, limiter
from planner.institutes.access import institute_view
from planner.institutes.forms import ConfirmForm
from planner.mail.forms import KIND_LABELS

bp = Blueprint("accounts", __name__)

# How the institute's outbox names these messages (password resets belong to no institute).
KIND_LABELS["team_invitation"] = _l("Team invitation")

DEFAULT_RESET_LIMIT = "5 per minute;20 per hour"


def _reset_limit() -> str:
    return current_app.config.get("PASSWORD_RESET_RATE_LIMIT", DEFAULT_RESET_LIMIT)


def _typed_address() -> str:
    """Rate-limit key: the address typed, whether or not an account has it."""
    return "reset:" + normalize_email(request.form.get("email", ""))[:254]


def _base_url() -> str:
    return current_app.config["BASE_URL"]


def _sign_in(organizer) -> None:
    session.clear()
    login_user(organizer)


# --- password reset ----------------------------------------------------------------------


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
@limiter.limit(_reset_limit, methods=["POST"], key_func=_typed_address)
def forgot_password():
    started = time.monotonic()
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        reset.request_reset(form.email.data, _base_url())
        db.session.commit()
        # No quicker for an address without an account (no timing side channel).
        reset.answer_no_sooner(started, current_app.config["PASSWORD_RESET_MIN_SECONDS"])
        # The same answer whether or not an account has this address.
        return render_template("accounts/forgot_sent.html", email=form.email.data)
    return render_template("accounts/forgot.html", form=form), 400 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
def reset_password(token: str):
    password_reset = reset.find_reset(token)
    if password_reset is None:
        return render_template("accounts/link_invalid.html", kind="reset"), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            organizer = reset.complete_reset(password_reset, form.password.data)
        except accounts.AccountError as error:
            form.password.errors.append(str(error))
        else:
            db.session.commit()
            _sign_in(organizer)
            flash(_("Your new password is set. Every other session is signed out."), "success")
            return redirect(url_for("institutes.index"))
    return render_template(
        "accounts/reset.html", form=form, email=password_reset.organizer.email
    ), 400 if form.errors else 200


# --- team invitations --------------------------------------------------------------------


def _join_page(view, form, status: int = 200):
    mismatch = (
        current_user.is_authenticated
        and normalize_email(current_user.email) != view.invitation.email
    )
    signed_in_as_invited = current_user.is_authenticated and not mismatch
    return render_template(
        "accounts/join.html",
        view=view,
        invitation=view.invitation,
        form=form,
        mismatch=mismatch,
        signed_in_as_invited=signed_in_as_invited,
    ), status


def _join_form(view):
    if current_user.is_authenticated:
        return AcceptForm()
    return JoinWithNewAccountForm() if view.needs_account else JoinWithAccountForm()


@bp.get("/join/<token>")
@limiter.limit("60 per minute")
def join(token: str):
    """Shows the invitation and changes nothing: mail scanners open links too."""
    invitation = team_invites.find_invitation(token)
    if invitation is None:
        return render_template("accounts/link_invalid.html", kind="join"), 404
    view = team_invites.describe(invitation)
    return _join_page(view, _join_form(view))


@bp.post("/join/<token>")
@limiter.limit("10 per minute")
def accept(token: str):
    invitation = team_invites.find_invitation(token)
    if invitation is None:
        return render_template("accounts/link_invalid.html", kind="join"), 404
    view = team_invites.describe(invitation)
    form = _join_form(view)
    if not form.validate_on_submit():
        return _join_page(view, form, 400)
    if current_user.is_authenticated:
        if normalize_email(current_user.email) != invitation.email:
            return _join_page(view, form, 400)
        organizer = current_user._get_current_object()
        team_invites.accept_as(invitation, organizer)
    elif view.needs_account:
        try:
            organizer = team_invites.accept_with_new_account(
                invitation, form.name.data, form.password.data, str(get_locale() or "en")
            )
        except accounts.AccountError as error:
            form.password.errors.append(str(error))
            return _join_page(view, form, 400)
    else:
        organizer = accounts.authenticate(invitation.email, form.password.data)
        if organizer is None:
            form.password.errors.append(_("The password is not correct."))
            return _join_page(view, form, 400)
        team_invites.accept_as(invitation, organizer)
    institute = invitation.institute
    db.session.commit()
    _sign_in(organizer)
    flash(_("Welcome to the team of %(title)s.", title=institute.title), "success")
    return redirect(url_for("institutes.dashboard", slug=institute.slug))


@bp.post("/institutes/<slug>/team/invitations/<int:invitation_id>/revoke")
@institute_view("owner")
def revoke_invitation(institute, invitation_id: int):
    invitation = team_invites.invitation_of(institute, invitation_id)
    if invitation is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        team_invites.revoke_invitation(invitation, current_user)
        db.session.commit()
        flash(_("The invitation is withdrawn; its link no longer works."), "success")
    return redirect(url_for("institutes.team", slug=institute.slug))
