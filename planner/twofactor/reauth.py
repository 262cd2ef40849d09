"""Re-authentication before a sensitive action (a backup download, a restore, key rotation).

The organizer types the password again, and a code from the authenticator app when two-factor
sign-in is on. A success is remembered in the session for ``FRESH_SECONDS`` so a two-step
action (upload, then confirm) asks only once.
"""

import time

from flask import session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional

from planner.auth.models import Organizer
from planner.auth.passwords import verify_password
from planner.twofactor import services

REAUTH = "reauthenticated_at"
FRESH_SECONDS = 600


class ReauthForm(FlaskForm):
    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )
    code = StringField(
        _l("Code from your authenticator app"),
        validators=[Optional(), Length(max=20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


def needs_code(organizer: Organizer) -> bool:
    return services.is_enabled(organizer)


def reauthenticate(organizer: Organizer, form: ReauthForm) -> bool:
    """Check the password (and the code when two-factor is on); put errors on the form.

    The caller commits on success (an accepted code is used up) and rolls back otherwise.
    """
    if not verify_password(organizer.password_hash, form.password.data or ""):
        form.password.errors.append(_("The password is not correct."))
        return False
    if needs_code(organizer) and services.verify(organizer, form.code.data or "") is None:
        form.code.errors.append(_("The code is not correct."))
        return False
    session[REAUTH] = int(time.time())
    return True


def is_fresh() -> bool:
    """Did this session re-authenticate in the last ``FRESH_SECONDS``?"""
    at = session.get(REAUTH)
    return isinstance(at, int) and 0 <= time.time() - at <= FRESH_SECONDS
