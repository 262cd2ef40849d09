"""Pages of the invitations package: organizers' invitee pages, the secret link, /me/."""

import click
from flask import (
    Blueprint,
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
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from planner.extensions import db, limiter
from planner.institutes.access import can, institute_view
from planner.institutes.forms import ConfirmForm
from planner.invitations import exporting, history, importing, services
from planner.invitations.access import (
    end_invitee_session,
    find_link,
    invitee_view,
    start_invitee_session,
)
from planner.invitations.forms import (
    OWN_STATUS_LABELS,
    ROLE_LABELS,
    STATUS_LABELS,
    DetailsForm,
    ImportCorrectionForm,
    ImportForm,
    InviteeForm,
    RsvpForm,
    StatusForm,
)
from planner.invitations.models import InviteeRole, LinkPurpose, RsvpStatus
from planner.sections import add_section, panel, render_panels

bp = Blueprint("invitations", __name__, cli_group=None)
bp.add_app_template_global(history.history_kind_name, "history_kind_name")
bp.add_app_template_global(history.history_status, "history_status")

add_section("invitations.index", _l("Invitees"), 10)

IMPORT_SESSION_KEY = "invitee_import"
SECRET_PATHS = ("/r/", "/me/")


@bp.record_once
def _template_globals(state) -> None:
    # Globals (not a context processor) so imported macros see them too.
    state.app.jinja_env.globals.update(
        rsvp_labels=STATUS_LABELS,
        own_rsvp_labels=OWN_STATUS_LABELS,
        invitee_role_labels=ROLE_LABELS,
    )


@bp.after_app_request
def keep_secret_pages_private(response):
    """Pages behind a secret link are never cached and never tell other sites where from."""
    if request.path.startswith(SECRET_PATHS):
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _base_url() -> str:
    return current_app.config["BASE_URL"]


# Organizer: the list -------------------------------------------------------------------


def _filters_from_args() -> services.InviteeFilters:
    args = request.args
    return services.InviteeFilters(
        status=args.get("status", "")[:20],
        role=args.get("role", "")[:20],
        country=args.get("country", "")[:2].upper(),
        nationality=args.get("nationality", "")[:2].upper(),
        language=args.get("language", "")[:10],
        q=args.get("q", "")[:200],
    )


@bp.get("/institutes/<slug>/invitees/")
@institute_view()
def index(institute):
    filters = _filters_from_args()
    page = services.list_invitees(institute, filters, request.args.get("page", 1, type=int))
    return render_template(
        "invitations/index.html",
        institute=institute,
        filters=filters,
        page=page,
        counts=services.status_counts(institute),
        options=services.filter_options(institute),
        confirm=ConfirmForm(),
    )


@bp.route("/institutes/<slug>/invitees/new", methods=["GET", "POST"])
@institute_view("editor")
def new(institute):
    form = InviteeForm()
    if not form.is_submitted():
        form.language.data = institute.languages[0] if institute.languages else "en"
    if form.validate_on_submit():
        try:
            invitee = services.add_invitee(institute, _invitee_data(form), current_user)
        except services.EmailTaken:
            form.email.errors.append(_("Another invitee of this institute has this e-mail."))
        else:
            db.session.commit()
            flash(_("%(name)s is added.", name=invitee.full_name), "success")
            _flash_returning(invitee)
            return redirect(
                url_for("invitations.detail", slug=institute.slug, invitee_id=invitee.id)
            )
    return render_template("invitations/form.html", institute=institute, form=form, invitee=None), (
        400 if form.errors else 200
    )


def _flash_returning(invitee) -> None:
    """Say at once when the new invitee took part in an earlier institute of the
    organization, or may have (the confirmation is on their page)."""
    from planner.reports import returning

    history = returning.history_of(invitee)
    if any(r.decision == "pending" for r in history):
        flash(
            _(
                "Someone with the same name and nationality took part in an earlier institute. "
                "Is it the same person? Confirm or reject it below."
            ),
            "warning",
        )
    elif any(r.took_part for r in history):
        flash(
            _(
                "%(name)s took part in an earlier institute; the history is below.",
                name=invitee.full_name,
            ),
            "info",
        )


def _invitee_data(form: InviteeForm) -> services.InviteeData:
    return services.InviteeData(
        full_name=form.full_name.data,
        email=form.email.data,
        passport_name=form.passport_name.data or "",
        phone=form.phone.data or "",
        organization=form.organization.data or "",
        country=form.country.data or None,
        nationality=form.nationality.data or None,
        role=InviteeRole(form.role.data),
        language=form.language.data,
        consent_to_list=form.consent_to_list.data,
        consent_named_facilitator=form.consent_named_facilitator.data,
        dietary_needs=form.dietary_needs.data or "",
        access_needs=form.access_needs.data or "",
        passport_number=form.passport_number.data or None,
        passport_expiry=form.passport_expiry.data,
        date_of_birth=form.date_of_birth.data,
        organizer_notes=form.organizer_notes.data or "",
    )


def _load(institute, invitee_id: int):
    invitee = services.get_invitee(institute, invitee_id)
    if invitee is None:
        abort(404)
    return invitee


# Organizer: one invitee -----------------------------------------------------------------


@bp.get("/institutes/<slug>/invitees/<int:invitee_id>")
@institute_view()
def detail(institute, invitee_id: int):
    invitee = _load(institute, invitee_id)
    return _render_detail(institute, invitee, StatusForm(status=invitee.rsvp_status.value))


def _render_detail(institute, invitee, status_form):
    reveal = request.args.get("reveal") == "1"
    if reveal:
        if not can("editor"):
            abort(403)
        services.record_sensitive_view(invitee, current_user)
        db.session.commit()
    return render_template(
        "invitations/detail.html",
        institute=institute,
        invitee=invitee,
        reveal=reveal,
        history=services.history_of(invitee),
        links=[link for link in services.links_of(invitee) if link.purpose == LinkPurpose.RSVP],
        status_form=status_form,
        confirm=ConfirmForm(),
        panels=render_panels("invitee", invitee),
    ), (400 if status_form.errors else 200)


@bp.route("/institutes/<slug>/invitees/<int:invitee_id>/edit", methods=["GET", "POST"])
@institute_view("editor")
def edit(institute, invitee_id: int):
    invitee = _load(institute, invitee_id)
    form = InviteeForm(obj=invitee)
    if not form.is_submitted():
        # Encrypted values are never put back into a page; typing a new one replaces them.
        form.passport_number.data = ""
        form.date_of_birth.data = None
        form.role.data = invitee.role.value
    if form.validate_on_submit():
        try:
            services.update_invitee(invitee, _invitee_data(form), current_user)
        except services.EmailTaken:
            form.email.errors.append(_("Another invitee of this institute has this e-mail."))
        else:
            db.session.commit()
            flash(_("The changes are saved."), "success")
            return redirect(
                url_for("invitations.detail", slug=institute.slug, invitee_id=invitee.id)
            )
    return render_template(
        "invitations/form.html", institute=institute, form=form, invitee=invitee
    ), (400 if form.errors else 200)


@bp.post("/institutes/<slug>/invitees/<int:invitee_id>/remove")
@institute_view("editor")
def remove(institute, invitee_id: int):
    invitee = _load(institute, invitee_id)
    if ConfirmForm().validate_on_submit():
        services.remove_invitee(invitee, current_user)
        db.session.commit()
        flash(_("%(name)s is removed from the list.", name=invitee.full_name), "success")
    return redirect(url_for("invitations.index", slug=institute.slug))


@bp.post("/institutes/<slug>/invitees/<int:invitee_id>/status")
@institute_view("editor")
def set_status(institute, invitee_id: int):
    invitee = _load(institute, invitee_id)
    form = StatusForm()
    if form.validate_on_submit():
        new_status = RsvpStatus(form.status.data)
        if new_status == invitee.rsvp_status:
            form.status.errors.append(_("This is already the status."))
        else:
            services.set_status(invitee, new_status, form.reason.data, current_user)
            db.session.commit()
            flash(_("The status is changed."), "success")
            return redirect(
                url_for("invitations.detail", slug=institute.slug, invitee_id=invitee.id)
            )
    return _render_detail(institute, invitee, form)


@bp.post("/institutes/<slug>/invitees/<int:invitee_id>/send-link")
@institute_view("editor")
def send_link(institute, invitee_id: int):
    invitee = _load(institute, invitee_id)
    if ConfirmForm().validate_on_submit():
        services.send_invitations(
            institute, [invitee], current_user, _base_url(), only_unanswered=False
        )
        db.session.commit()
        flash(_("A new personal link is on its way; the old one no longer works."), "success")
    return redirect(url_for("invitations.detail", slug=institute.slug, invitee_id=invitee.id))


@bp.post("/institutes/<slug>/invitees/<int:invitee_id>/revoke-links")
@institute_view("editor")
def revoke_links(institute, invitee_id: int):
    invitee = _load(institute, invitee_id)
    if ConfirmForm().validate_on_submit():
        services.revoke_links(invitee, current_user)
        db.session.commit()
        flash(_("The personal links are revoked."), "success")
    return redirect(url_for("invitations.detail", slug=institute.slug, invitee_id=invitee.id))


# Organizer: sending invitations and reminders ----------------------------------------------


def _selected_ids() -> list[int]:
    values = request.values.getlist("invitee")
    # Only ids a database column can hold: a larger number is nobody (not a database error).
    return sorted({int(v) for v in values if v.isascii() and v.isdigit() and len(v) <= 9})[:2000]


@bp.get("/institutes/<slug>/invitees/send")
@institute_view("editor")
def send_preview(institute):
    """The message for one of the selected invitees; creates no link and sends nothing."""
    return _render_send_preview(institute, request.args.get("preview", type=int))


def _render_send_preview(institute, preview_id: int | None):
    invitees = services.invitees_by_ids(institute, _selected_ids())
    if not invitees:
        flash(_("Choose the invitees first."), "warning")
        return redirect(url_for("invitations.index", slug=institute.slug))
    shown = next((i for i in invitees if i.id == preview_id), invitees[0])
    locale, subject, text, _html = services.preview_invitation(shown, _base_url())
    return render_template(
        "invitations/send_preview.html",
        institute=institute,
        invitees=invitees,
        sendable=[i for i in invitees if i.rsvp_status in services.INVITABLE],
        shown=shown,
        mail_locale=locale,
        subject=subject,
        text=text,
        confirm=ConfirmForm(),
    )


@bp.post("/institutes/<slug>/invitees/send")
@institute_view("editor")
def send(institute):
    """Sends to the selected invitees; the list's "Preview" button only shows the message."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if request.form.get("action") == "preview":
        return _render_send_preview(institute, None)
    invitees = services.invitees_by_ids(institute, _selected_ids())
    if not invitees:
        flash(_("Choose the invitees first."), "warning")
        return redirect(url_for("invitations.index", slug=institute.slug))
    result = services.send_invitations(institute, invitees, current_user, _base_url())
    db.session.commit()
    flash(
        ngettext(
            "%(num)d invitation is queued for sending.",
            "%(num)d invitations are queued for sending.",
            result.sent,
        ),
        "success",
    )
    if result.skipped:
        flash(
            ngettext(
                "%(num)d invitee was skipped: they already answered.",
                "%(num)d invitees were skipped: they already answered.",
                result.skipped,
            ),
            "info",
        )
    return redirect(url_for("invitations.index", slug=institute.slug))


@bp.post("/institutes/<slug>/invitees/remind")
@institute_view("editor")
def remind(institute):
    if ConfirmForm().validate_on_submit():
        count = services.send_reminders(institute, _base_url(), by=current_user)
        db.session.commit()
        flash(
            ngettext("%(num)d reminder is queued.", "%(num)d reminders are queued.", count)
            if count
            else _("Nobody is due for a reminder now."),
            "success" if count else "info",
        )
    return redirect(url_for("invitations.index", slug=institute.slug))


@bp.cli.command("remind")
@click.option(
    "--days",
    default=services.DEFAULT_REMINDER_DAYS,
    show_default=True,
    type=int,
    help="Remind those who have not answered this many days after the last message.",
)
@click.option(
    "--max",
    "max_reminders",
    default=services.DEFAULT_MAX_REMINDERS,
    show_default=True,
    type=int,
    help="Never more reminders than this per person.",
)
def remind_command(days: int, max_reminders: int) -> None:
    """Queue reminders to invitees who have not answered (every open institute)."""
    count = services.send_reminders(None, _base_url(), days=days, max_reminders=max_reminders)
    db.session.commit()
    click.echo(f"{count} reminder(s) queued.")


@bp.get("/institutes/<slug>/invitees/export.csv")
@institute_view("editor")
def export(institute):
    """The filtered list as CSV (no passport numbers or birth dates); the export is audited."""
    invitees = services.export_invitees(institute, _filters_from_args(), current_user)
    db.session.commit()
    body = exporting.invitees_csv(institute, invitees)
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": (
                f'attachment; filename="{exporting.invitees_filename(institute)}"'
            ),
            "Cache-Control": "no-store",
        },
    )


# Organizer: import -----------------------------------------------------------------------


def _upload_dir() -> str:
    return current_app.config["UPLOAD_DIR"]


def _stored_import(institute):
    data = session.get(IMPORT_SESSION_KEY)
    if not isinstance(data, dict) or data.get("institute_id") != institute.id:
        return None, None
    raw = importing.load_upload(_upload_dir(), data.get("id"))
    return (data, raw) if raw is not None else (None, None)


def _forget_import() -> None:
    data = session.pop(IMPORT_SESSION_KEY, None)
    if isinstance(data, dict):
        importing.delete_upload(_upload_dir(), data.get("id"))


@bp.route("/institutes/<slug>/invitees/import", methods=["GET", "POST"])
@institute_view("editor")
def import_upload(institute):
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        raw = upload.stream.read(importing.MAX_UPLOAD_BYTES + 1)
        filename = (upload.filename or "").lower()
        if len(raw) > importing.MAX_UPLOAD_BYTES:
            form.file.errors.append(_("The file is larger than 2 MB."))
        elif filename.endswith((".xlsm", ".xltm")):
            form.file.errors.append(
                _(
                    "This workbook contains macros, which we do not open. Save it as an Excel "
                    "workbook without macros (.xlsx) or as CSV and upload that."
                )
            )
        elif not filename.endswith((".csv", ".txt", ".xlsx", ".xls")):
            form.file.errors.append(
                _("Only CSV files (.csv) and Excel workbooks (.xlsx) can be imported.")
            )
        else:
            try:
                result = importing.preview(institute, raw)
            except importing.ImportFileError as error:
                form.file.errors.append(str(error))
            else:
                _forget_import()
                session[IMPORT_SESSION_KEY] = {
                    "id": importing.store_upload(_upload_dir(), raw),
                    "institute_id": institute.id,
                    "rows": result.fingerprint(),
                }
                return _render_preview(institute, result)
    return render_template("invitations/import.html", institute=institute, form=form), (
        400 if form.errors else 200
    )


@bp.get("/institutes/<slug>/invitees/import/template.<any(csv, xlsx):kind>")
@institute_view("editor")
def import_template(institute, kind: str):
    """An empty list with the headers in English and Russian, as CSV or as a workbook."""
    if kind == "xlsx":
        body = importing.template_xlsx()
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body, mimetype = importing.template_csv().encode("utf-8"), "text/csv"
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="invitees-template.{kind}"'},
    )


def _preview_of_stored(institute, data, raw):
    corrections = importing.load_corrections(_upload_dir(), data.get("id"))
    return importing.preview(institute, raw, corrections)


@bp.get("/institutes/<slug>/invitees/import/preview")
@institute_view("editor")
def import_preview(institute):
    """The preview again (after a correction): what is shown now is what a confirm saves."""
    data, raw = _stored_import(institute)
    if raw is None:
        flash(_("The uploaded file has expired. Please upload it again."), "warning")
        return redirect(url_for("invitations.import_upload", slug=institute.slug))
    result = _preview_of_stored(institute, data, raw)
    data["rows"] = result.fingerprint()
    session[IMPORT_SESSION_KEY] = data
    return _render_preview(institute, result)


@bp.post("/institutes/<slug>/invitees/import/correct")
@institute_view("editor")
def import_correct(institute):
    """Correct the cells of one row, skip it, or take a skipped row back."""
    data, raw = _stored_import(institute)
    if raw is None:
        flash(_("The uploaded file has expired. Please upload it again."), "warning")
        return redirect(url_for("invitations.import_upload", slug=institute.slug))
    form = ImportCorrectionForm()
    result = _preview_of_stored(institute, data, raw)
    numbers = {row.number for row in result.rows}
    if form.validate_on_submit() and form.row.data in numbers:
        number = form.row.data
        fix = dict(importing.load_corrections(_upload_dir(), data["id"]).get(str(number), {}))
        if form.action.data == "correct":
            fix = {name: (getattr(form, name).data or "") for name in importing.COLUMNS}
        fix["skip"] = form.action.data == "skip"
        importing.store_correction(_upload_dir(), data["id"], number, fix)
        return redirect(
            url_for("invitations.import_preview", slug=institute.slug, _anchor=f"row-{number}")
        )
    if not form.errors and form.row.data not in numbers:
        form.row.errors = [_("This row is not in the file.")]
    data["rows"] = result.fingerprint()
    session[IMPORT_SESSION_KEY] = data
    return _render_preview(institute, result, 400, correction=form)


def _render_preview(institute, result, status: int = 200, correction=None):
    return render_template(
        "invitations/import_preview.html",
        institute=institute,
        preview=result,
        confirm=ConfirmForm(),
        correction=correction,
        field_labels=importing.FIELD_LABELS,
        change_labels=importing.CHANGE_LABELS,
        profile_labels=importing.profile_columns.VALUE_LABELS,
    ), status


@bp.post("/institutes/<slug>/invitees/import/confirm")
@institute_view("editor")
def import_confirm(institute):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    data, raw = _stored_import(institute)
    if raw is None:
        flash(_("The uploaded file has expired. Please upload it again."), "warning")
        return redirect(url_for("invitations.import_upload", slug=institute.slug))
    result = _preview_of_stored(institute, data, raw)
    if result.fingerprint() != data.get("rows"):
        # The list changed since the preview (someone added an invitee): show it again.
        data["rows"] = result.fingerprint()
        session[IMPORT_SESSION_KEY] = data
        flash(_("The list changed since the preview. Please check the rows again."), "warning")
        return _render_preview(institute, result, 409)
    saved = importing.save_rows(institute, result, current_user)
    db.session.commit()
    _forget_import()
    flash(
        ngettext(
            "%(num)d invitee is imported.", "%(num)d invitees are imported.", len(saved.added)
        ),
        "success",
    )
    if saved.updated:
        flash(
            ngettext(
                "%(num)d invitee is updated.", "%(num)d invitees are updated.", len(saved.updated)
            ),
            "success",
        )
    possible = sum(1 for row in result.returning_rows if row.returning.by == "name")
    if possible:
        flash(
            ngettext(
                "%(num)d new invitee may have taken part before (same name and nationality): "
                "confirm or reject it on their page.",
                "%(num)d new invitees may have taken part before (same name and nationality): "
                "confirm or reject it on their pages.",
                possible,
            ),
            "info",
        )
    return redirect(url_for("invitations.index", slug=institute.slug))


@bp.post("/institutes/<slug>/invitees/import/cancel")
@institute_view("editor")
def import_cancel(institute):
    if ConfirmForm().validate_on_submit():
        _forget_import()
        flash(_("The import is cancelled; nothing was saved."), "info")
    return redirect(url_for("invitations.index", slug=institute.slug))


# Dashboard panel ---------------------------------------------------------------------------


@panel("dashboard", "invitations/_dashboard.html", 10)
def dashboard_panel(institute):
    return {"institute": institute, "summary": services.dashboard_summary(institute)}


# The secret link ---------------------------------------------------------------------------


def _link_or_friendly_404(token: str):
    link = find_link(token, LinkPurpose.RSVP)
    if link is None:
        return None, (render_template("invitations/link_invalid.html"), 404)
    return link, None


@bp.get("/r/<token>")
@limiter.limit("60 per minute")
def invitation(token: str):
    """Shows the invitation and changes nothing: mail scanners open links too."""
    link, failure = _link_or_friendly_404(token)
    if failure:
        return failure
    invitee = link.invitee
    g.locale = services.mail_locale(invitee.language)  # the switcher's choice still comes first
    return render_template(
        "invitations/invitation.html",
        invitee=invitee,
        institute=invitee.institute,
        choices=services.invitee_choices(invitee),
        token=token,
    )


@bp.post("/r/<token>")
@limiter.limit("30 per minute")
def open_invitation(token: str):
    """Swaps the token for a short invitee session; an answer button also records the answer."""
    link, failure = _link_or_friendly_404(token)
    if failure:
        return failure
    form = RsvpForm()
    if not form.validate_on_submit() and form.answer.data:
        abort(400)
    services.use_link(link)
    start_invitee_session(link)
    invitee = link.invitee
    if form.answer.data:
        try:
            services.answer(invitee, RsvpStatus(form.answer.data), form.reason.data or "")
        except services.InvitationError:
            pass  # /me/ explains what can be done now
        else:
            flash(_answer_message(RsvpStatus(form.answer.data)), "success")
    db.session.commit()
    return redirect(url_for("invitations.me"))


def _answer_message(status: RsvpStatus) -> str:
    if status == RsvpStatus.CONFIRMED:
        # i18n: invitee
        return _("Thank you! Your participation is confirmed. Please add your details below.")
    # i18n: invitee
    return _("Thank you for letting us know. We are sorry you cannot come.")


# The invitee's own pages -----------------------------------------------------------------


@bp.get("/me/")
@invitee_view
def me(invitee):
    return _render_me(invitee, RsvpForm())


def _render_me(invitee, form, status: int = 200):
    return render_template(
        "invitations/me.html",
        invitee=invitee,
        institute=invitee.institute,
        choices=services.invitee_choices(invitee),
        rsvp_open=services.rsvp_open(invitee.institute),
        form=form,
        panels=render_panels("me", invitee),
    ), status


@bp.post("/me/rsvp")
@invitee_view
def rsvp(invitee):
    form = RsvpForm()
    if not form.validate_on_submit():
        return _render_me(invitee, form, 400)
    new_status = RsvpStatus(form.answer.data)
    try:
        services.answer(invitee, new_status, form.reason.data or "")
    except services.RsvpClosed:
        # i18n: invitee
        flash(_("The RSVP deadline has passed; please write to the organizers."), "warning")
        return redirect(url_for("invitations.me"))
    except services.TransitionNotAllowed:
        # i18n: invitee
        flash(_("This answer is not possible now; please write to the organizers."), "warning")
        return redirect(url_for("invitations.me"))
    db.session.commit()
    flash(_answer_message(new_status), "success")
    if new_status == RsvpStatus.CONFIRMED:
        return redirect(url_for("invitations.details"))
    return redirect(url_for("invitations.me"))


@bp.route("/me/details", methods=["GET", "POST"])
@invitee_view
def details(invitee):
    if invitee.rsvp_status != RsvpStatus.CONFIRMED:
        # i18n: invitee
        flash(_("Please confirm your participation first."), "info")
        return redirect(url_for("invitations.me"))
    form = DetailsForm(obj=invitee, institute=invitee.institute)
    if not form.is_submitted():
        form.passport_number.data = ""
        form.date_of_birth.data = None
    if form.validate_on_submit():
        services.update_details(
            invitee,
            services.InviteeDetails(
                passport_name=form.passport_name.data,
                nationality=form.nationality.data,
                phone=form.phone.data,
                organization=form.organization.data or "",
                dietary_needs=form.dietary_needs.data or "",
                access_needs=form.access_needs.data or "",
                consent_to_list=form.consent_to_list.data,
                passport_number=form.passport_number.data or None,
                passport_expiry=form.passport_expiry.data,
                date_of_birth=form.date_of_birth.data,
                # asked of facilitators only; anyone else keeps what was recorded
                consent_named_facilitator=(
                    form.consent_named_facilitator.data
                    if invitee.is_facilitator
                    else invitee.consent_named_facilitator
                ),
            ),
        )
        db.session.commit()
        # i18n: invitee
        flash(_("Thank you, your details are saved."), "success")
        return redirect(url_for("invitations.me"))
    return render_template(
        "invitations/me_details.html", invitee=invitee, institute=invitee.institute, form=form
    ), (400 if form.errors else 200)


@bp.post("/me/sign-out")
def sign_out():
    if ConfirmForm().validate_on_submit():
        end_invitee_session()
        db.session.commit()
    return redirect(url_for("invitations.signed_out"))


@bp.get("/me/signed-out")
def signed_out():
    return render_template("invitations/signed_out.html")
