"""/admin/: which encryption key seals how many values, and re-encryption under the newest.

Only administrators of the installation (``Organizer.is_admin``); anyone else gets 404, so
the page does not reveal itself. Rotation is a POST with CSRF and asks for the password (and
the two-factor code when it is on) again; it is audited and reports counts as the CLI does.
"""

from functools import wraps

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from planner.admin.forms import RotateForm
from planner.backup import rotation
from planner.extensions import db, limiter
from planner.security import audit
from planner.twofactor import reauth

bp = Blueprint("admin", __name__, url_prefix="/admin")


def admin_required(view):
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.is_admin:
            abort(404)
        return view(*args, **kwargs)

    return wrapper


def _page(form, reports=None, status=200):
    return render_template(
        "admin/index.html",
        usage=rotation.key_usage(),
        form=form,
        reports=reports,
        needs_code=reauth.needs_code(current_user),
    ), status


@bp.get("/")
@admin_required
def index():
    return _page(RotateForm(formdata=None))


@bp.post("/rotate-encryption-key")
@admin_required
@limiter.limit("10 per hour")
def rotate():
    form = RotateForm()
    if not form.validate_on_submit():
        return _page(form, status=400)
    if not reauth.reauthenticate(current_user, form):
        db.session.rollback()
        return _page(form, status=400)
    audit.record("installation.encryption_key_rotated", organizer=current_user)
    db.session.commit()
    reports = rotation.rotate_encryption_key()
    return _page(RotateForm(formdata=None), reports=reports)
