"""Backups from the UI: an owner downloads the institute's encrypted archive; any organizer
restores an archive as a new institute they own. Both ask for the password again (and the
two-factor code when it is on) and are audited.

The routes live on the ``backup`` blueprint of planner/backup/cli.py (which also carries the
``flask export-institute`` / ``import-institute`` / ``rotate-encryption-key`` commands).
"""

import os
import re
import secrets
import shutil
import time
from pathlib import Path

from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import RequestEntityTooLarge

from planner.auth.models import TeamRole
from planner.backup import archive
from planner.backup.cli import bp
from planner.backup.forms import DownloadForm, RestoreConfirmForm, RestoreUploadForm
from planner.db import utcnow
from planner.extensions import db, limiter
from planner.institutes.access import load_institute
from planner.institutes.models import Institute
from planner.security import audit
from planner.twofactor import reauth

PENDING = "restore_pending"
PENDING_SECONDS = reauth.FRESH_SECONDS
_REFERENCE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def _error_text(error: archive.BackupError) -> str:
    """The archive's errors are in English (the CLI prints them); the UI says it in the
    organizer's language, keeping the detail for the slug clash."""
    text = str(error)
    if "already has an institute with the slug" in text:
        return _(
            "An institute with the short name of this backup already exists here. Archive or "
            "rename it first, or restore the backup on another installation."
        )
    if "not an Institute Planner backup" in text:
        return _("This file is not a backup of the planner.")
    if "cannot be decrypted" in text:
        return _(
            "The backup cannot be decrypted: it was made with another backup key, or the file "
            "is damaged."
        )
    if "written by schema" in text:
        return _("The backup was made by another version of the planner; restore it there.")
    if "PLANNER_BACKUP_KEY" in text:
        return _("Backups are not set up on this installation (no backup key).")
    return _("The backup is damaged or not from this planner.")


# Download ----------------------------------------------------------------------------------


@bp.route("/institutes/<slug>/backup", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per hour", methods=["POST"])
def download(slug):
    # An archived institute can still be backed up: only the owner role is needed.
    institute = load_institute(slug)
    if not g.team_role.allows(TeamRole.OWNER):
        abort(403)
    form = DownloadForm()
    if form.validate_on_submit():
        if reauth.reauthenticate(current_user, form):
            try:
                data, _report = archive.export_institute(institute.slug)
            except archive.BackupError as error:
                db.session.rollback()
                flash(_error_text(error), "danger")
                return redirect(url_for("backup.download", slug=institute.slug))
            audit.record(
                "institute.backup_downloaded",
                institute=institute,
                organizer=current_user,
                obj=institute,
            )
            db.session.commit()
            stamp = utcnow().strftime("%Y%m%dT%H%M")
            response = Response(data, mimetype="application/octet-stream")
            response.headers["Content-Disposition"] = (
                f'attachment; filename="{institute.slug}-{stamp}.backup"'
            )
            response.headers["Cache-Control"] = "private, no-store"
            return response
        db.session.rollback()
    return render_template(
        "backup/download.html",
        institute=institute,
        form=form,
        needs_code=reauth.needs_code(current_user),
    ), 400 if form.errors else 200


# Restore -----------------------------------------------------------------------------------


def _pending_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / "restores"


def _pending_path(reference: str) -> Path:
    return _pending_dir() / f"{reference}.backup"


def _forget_stale() -> None:
    """Uploads never confirmed are removed after a while."""
    folder = _pending_dir()
    if not folder.is_dir():
        return
    limit = time.time() - 2 * PENDING_SECONDS
    for path in folder.glob("*.backup"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except OSError:
            pass


def _save_pending(data: bytes) -> str:
    _forget_stale()
    reference = secrets.token_urlsafe(24)
    folder = _pending_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Readable by the app only (it is encrypted, but still a whole institute).
    fd = os.open(_pending_path(reference), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    session[PENDING] = {"ref": reference, "by": current_user.id, "at": int(time.time())}
    return reference


def _take_pending(reference: str) -> bytes | None:
    pending = session.get(PENDING)
    if (
        not isinstance(pending, dict)
        or not _REFERENCE.match(reference or "")
        or pending.get("ref") != reference
        or pending.get("by") != current_user.id
        or not isinstance(pending.get("at"), int)
        or not 0 <= time.time() - pending["at"] <= PENDING_SECONDS
    ):
        return None
    try:
        return _pending_path(reference).read_bytes()
    except OSError:
        return None


def _drop_pending(reference: str | None) -> None:
    session.pop(PENDING, None)
    if reference and _REFERENCE.match(reference):
        _pending_path(reference).unlink(missing_ok=True)


@bp.route("/institutes/restore", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per hour", methods=["POST"])
def restore():
    limit = current_app.config["BACKUP_UPLOAD_LIMIT"]
    form = RestoreUploadForm(formdata=None) if request.method == "GET" else None
    if request.method == "POST":
        request.max_content_length = limit
        try:
            request.files  # noqa: B018 - parse the upload under this route's size limit
        except RequestEntityTooLarge:
            form = RestoreUploadForm(formdata=None)
            form.archive.errors = [
                _("The file is too large (at most %(mb)d MB).", mb=limit // (1024 * 1024))
            ]
            return _restore_page(form), 413
        form = RestoreUploadForm()
    if request.method == "POST" and form.validate_on_submit():
        if reauth.reauthenticate(current_user, form):
            db.session.commit()  # an accepted two-factor code is used up
            data = form.archive.data.read(limit + 1)
            if len(data) > limit:
                form.archive.errors.append(
                    _("The file is too large (at most %(mb)d MB).", mb=limit // (1024 * 1024))
                )
            else:
                try:
                    contents = archive.preview(data)
                except archive.BackupError as error:
                    db.session.rollback()
                    form.archive.errors.append(_error_text(error))
                else:
                    confirm = RestoreConfirmForm(reference=_save_pending(data))
                    return render_template(
                        "backup/restore_preview.html",
                        preview=contents,
                        confirm=confirm,
                        total=sum(contents.rows.values()),
                    )
        else:
            db.session.rollback()
    return _restore_page(form), 400 if form.errors else 200


def _restore_page(form):
    return render_template(
        "backup/restore.html",
        form=form,
        needs_code=reauth.needs_code(current_user),
        limit_mb=current_app.config["BACKUP_UPLOAD_LIMIT"] // (1024 * 1024),
    )


@bp.post("/institutes/restore/confirm")
@login_required
@limiter.limit("10 per hour")
def restore_confirm():
    form = RestoreConfirmForm()
    reference = form.reference.data if form.validate_on_submit() else None
    data = _take_pending(reference) if reference else None
    if data is None or not reauth.is_fresh():
        _drop_pending(reference)
        flash(_("The upload has expired. Please upload the backup again."), "warning")
        return redirect(url_for("backup.restore"))
    target = None
    try:
        report = archive.import_institute(data, restored_by=current_user)
        target = archive.institute_upload_dir(report.institute_id)
        institute = db.session.get(Institute, report.institute_id)
        audit.record(
            "institute.restored", institute=institute, organizer=current_user, obj=institute
        )
        db.session.commit()
    except (archive.BackupError, SQLAlchemyError) as error:
        db.session.rollback()
        if target is not None and target.is_dir():
            shutil.rmtree(target, ignore_errors=True)
        _drop_pending(reference)
        if isinstance(error, archive.BackupError):
            message = _error_text(error)
        else:
            current_app.logger.warning("restore failed: %s", type(error).__name__)
            message = _(
                "The backup could not be restored into this database: some of its rows clash "
                "with rows already here (for example, the institute itself still exists)."
            )
        flash(message, "danger")
        return redirect(url_for("backup.restore"))
    _drop_pending(reference)
    flash(
        _(
            "%(title)s is restored: %(rows)d rows and %(files)d files.",
            title=institute.title,
            rows=sum(report.rows.values()),
            files=report.files,
        ),
        "success",
    )
    if report.organizers_created:
        flash(
            _(
                "Team members without an account here were added as inactive accounts: "
                "invite them again from the team page."
            ),
            "info",
        )
    return redirect(url_for("institutes.dashboard", slug=institute.slug))
