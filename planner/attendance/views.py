"""Pages of the attendance package: check-in, attendance, sign-in sheets, certificates."""

from datetime import date, datetime

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from planner.attendance import certificates, services
from planner.attendance.forms import CertificateSettingsForm, MarkForm
from planner.attendance.models import Certificate
from planner.documents import catalog, jobs, render
from planner.documents.views import preparing_response
from planner.extensions import db, limiter
from planner.institutes.access import institute_view
from planner.invitations.access import invitee_view
from planner.invitations.models import Invitee
from planner.invitations.services import mail_locale
from planner.sections import add_section, panel

bp = Blueprint("attendance", __name__)
ORG = "/institutes/<slug>"

add_section("attendance.overview", _l("Attendance"), 55)

# The check-in page may use the camera to read badges; every other page may not.
CAMERA_ALLOWED = "camera=(self), microphone=(), geolocation=()"


def _pdf(pdf: bytes, filename: str) -> Response:
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _today(institute) -> date:
    """Today in the institute's zone if it is one of its days, else its first day."""
    today = datetime.now(institute.zone).date()
    return today if today in institute.days else institute.start_date


def _day_arg(institute, value: str | None) -> date:
    try:
        day = date.fromisoformat(value or "")
    except ValueError:
        return _today(institute)
    return day if day in institute.days else _today(institute)


def _working_locale(institute) -> str:
    return mail_locale(institute.languages[0] if institute.languages else "en")


# --- panels ------------------------------------------------------------------------------


@panel("dashboard", "attendance/_dashboard_panel.html", 55)
def dashboard_panel(institute):
    confirmed, days = services.presence_by_day(institute)
    return {"institute": institute, "confirmed": confirmed, "days": days}


@panel("me", "attendance/_me_panel.html", 55)
def me_panel(invitee):
    certificate = db.session.scalar(
        db.select(Certificate).where(
            Certificate.invitee_id == invitee.id, Certificate.revoked_at.is_(None)
        )
    )
    return {"certificate": certificate} if certificate is not None else None


# --- check-in ----------------------------------------------------------------------------


@bp.get(f"{ORG}/checkin/")
@institute_view("editor")
def checkin(institute):
    day = _day_arg(institute, request.args.get("day"))
    sessions = [s for s in services.attendable_sessions(institute) if s.starts_local.date() == day]
    session_id = request.args.get("session", type=int)
    if session_id not in {s.id for s in sessions}:
        session_id = None
    query = (request.args.get("q") or "").strip()[:200]
    rows = services.find_for_checkin(institute, query, day, services.slot_of(session_id))
    response = Response(
        render_template(
            "attendance/checkin.html",
            institute=institute,
            day=day,
            sessions=sessions,
            session_id=session_id,
            query=query,
            rows=rows,
            form=MarkForm(),
        )
    )
    response.headers["Permissions-Policy"] = CAMERA_ALLOWED
    return response


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.post(f"{ORG}/checkin/mark")
@institute_view("editor")
def mark(institute):
    """One tap. Idempotent: the page's offline queue may send the same tap again."""
    form = MarkForm()
    if not form.validate_on_submit():
        if _wants_json():
            return jsonify(ok=False, error="invalid"), 400
        flash(_("The mark was not saved: the form was incomplete."), "danger")
        return redirect(url_for("attendance.checkin", slug=institute.slug))
    present = form.present.data != "0"
    try:
        invitee = services.commit_mark(
            institute,
            invitee_id=form.invitee.data,
            code=(form.code.data or "").strip() or None,
            day=form.day.data,
            session_id=form.session.data,
            present=present,
            organizer=current_user,
        )
    except services.MarkRefused as refusal:
        db.session.rollback()
        if _wants_json():
            return jsonify(ok=False, error=str(refusal)), 422
        messages = {
            "invitee": _("No confirmed person has this badge or name."),
            "day": _("This day is not a day of the institute."),
            "session": _("This session is not held on that day."),
        }
        flash(messages[str(refusal)], "danger")
        return redirect(url_for("attendance.checkin", slug=institute.slug, q=form.q.data or ""))
    if _wants_json():
        return jsonify(ok=True, invitee=invitee.id, present=present)
    if present:
        flash(_("%(name)s is marked present.", name=invitee.full_name), "success")
    else:
        flash(_("%(name)s is no longer marked present.", name=invitee.full_name), "info")
    return redirect(
        url_for(
            "attendance.checkin",
            slug=institute.slug,
            day=form.day.data.isoformat(),
            session=form.session.data or None,
            q=form.q.data or None,
        )
    )


# --- attendance and sign-in sheets ---------------------------------------------------------


@bp.get(f"{ORG}/attendance/")
@institute_view()
def overview(institute):
    return render_template(
        "attendance/overview.html", institute=institute, overview=services.overview(institute)
    )


@bp.get(f"{ORG}/attendance/sheets/<day>.pdf", endpoint="day_sheet")
@bp.get(f"{ORG}/attendance/sheets/sessions/<int:session_id>.pdf", endpoint="session_sheet")
@institute_view()
def sign_in_sheet(institute, day: str | None = None, session_id: int | None = None):
    """The printable sign-in sheet of a day of the institute, or of one session (a breakout
    group), in the institute's working language; made by the render worker."""
    paper = render.paper_of(request.args.get("paper"))
    if session_id is not None:
        session = services.session_of(institute, session_id) or abort(404)
        key, build = sign_in_document(institute, paper, session=session)
        name = f"session-{session.id}"
    else:
        try:
            when = date.fromisoformat(day)
        except ValueError:
            abort(404)
        if when not in institute.days:
            abort(404)
        key, build = sign_in_document(institute, paper, day=when)
        name = when.isoformat()
    ready = jobs.obtain(jobs.Target.of(key), key, build, wait=True)
    if ready is None:
        return preparing_response(_l("Sign-in sheet"))
    return _pdf(ready.pdf, f"sign-in-{institute.slug}-{name}.pdf")


def sign_in_document(institute, paper: str, *, day: date | None = None, session=None):
    """(CacheKey, render) of the sign-in sheet of a day (its subject: the date as YYYYMMDD)
    or of a session (its subject: the session's id). Cached by the data version: the names,
    who is confirmed, the breakout groups and the session's title all raise it."""
    locale = _working_locale(institute)
    if session is not None:
        kind, subject, title = "signin-session", session.id, session.title
        when = session.starts_local.date()
    else:
        kind, subject, title, when = "signin-day", int(day.strftime("%Y%m%d")), institute.title, day
    key = render.CacheKey(kind, institute.id, institute.data_version, paper, locale, subject)

    def build() -> bytes:
        with force_locale(locale):
            return render.render_pdf(
                "signin_sheet.html",
                paper=paper,
                institute=institute,
                title=title,
                day=when,
                rows=services.sheet_rows(institute, session),
                data={"institute": institute},
            )

    return key, build


@catalog.worker_document("signin-day", "signin-session")
def _sign_in_for_worker(institute, target: jobs.Target):
    if target.kind == "signin-session":
        session = services.session_of(institute, target.subject_id)
        return sign_in_document(institute, target.paper, session=session) if session else None
    try:
        day = datetime.strptime(str(target.subject_id), "%Y%m%d").date()
    except ValueError:
        return None
    return sign_in_document(institute, target.paper, day=day) if day in institute.days else None


# --- certificates --------------------------------------------------------------------------


@bp.get(f"{ORG}/certificates/")
@institute_view()
def certificate_list(institute):
    settings = certificates.settings_of(institute)
    return render_template(
        "attendance/certificates.html",
        institute=institute,
        settings=settings,
        candidates=certificates.candidates(institute),
        form=CertificateSettingsForm(obj=settings),
        serial_label=lambda c: certificates.serial_label(c, settings),
    )


@bp.post(f"{ORG}/certificates/settings")
@institute_view("editor")
def certificate_settings(institute):
    settings = certificates.settings_of(institute)
    form = CertificateSettingsForm()
    if not form.validate_on_submit():
        return render_template(
            "attendance/certificates.html",
            institute=institute,
            settings=settings,
            candidates=certificates.candidates(institute),
            form=form,
            serial_label=lambda c: certificates.serial_label(c, settings),
        ), 400
    form.populate_obj(settings)
    certificates.save_settings(institute, settings, current_user)
    db.session.commit()
    flash(_("The certificate settings are saved."), "success")
    return redirect(url_for("attendance.certificate_list", slug=institute.slug))


@bp.post(f"{ORG}/certificates/issue")
@institute_view("editor")
def issue_certificates(institute):
    made = certificates.issue(institute, current_user)
    db.session.commit()
    flash(_("%(n)s certificates issued.", n=len(made)), "success")
    return redirect(url_for("attendance.certificate_list", slug=institute.slug))


@bp.post(f"{ORG}/certificates/<int:certificate_id>/revoke", endpoint="revoke_certificate")
@bp.post(f"{ORG}/certificates/<int:certificate_id>/restore", endpoint="restore_certificate")
@institute_view("editor")
def revoke_or_restore_certificate(institute, certificate_id: int):
    certificate = certificates.certificate_of(institute, certificate_id) or abort(404)
    serial = certificates.serial_label(certificate)
    if request.endpoint == "attendance.revoke_certificate":
        certificates.revoke(certificate, current_user)
        message, category = _("Certificate %(serial)s is revoked.", serial=serial), "info"
    else:
        certificates.restore(certificate, current_user)
        message, category = _("Certificate %(serial)s is valid again.", serial=serial), "success"
    db.session.commit()
    flash(message, category)
    return redirect(url_for("attendance.certificate_list", slug=institute.slug))


@bp.post(f"{ORG}/certificates/email")
@institute_view("editor")
def email_certificates(institute):
    count = certificates.email_certificates(institute, current_user)
    db.session.commit()
    flash(_("%(n)s messages are in the outbox.", n=count), "success")
    return redirect(url_for("attendance.certificate_list", slug=institute.slug))


def _certificate_pdf(institute, items: list[Certificate], paper: str) -> bytes:
    """Each certificate in its holder's language, all in one PDF."""
    from planner.documents.catalog import letter_settings_of

    settings = certificates.settings_of(institute)
    letterhead = letter_settings_of(institute)
    logo = None
    if letterhead is not None and letterhead.logo_file:
        logo = (render.upload_root(institute.id) / letterhead.logo_file).as_uri()
    pages = []
    for certificate in items:
        with force_locale(mail_locale(certificate.invitee.language)):
            # Our own template's output, in which every user value was escaped already.
            pages.append(
                Markup(  # noqa: S704
                    render_template(
                        "attendance/_certificate_page.html",
                        certificate=certificate,
                        institute=institute,
                        settings=settings,
                        letterhead=letterhead,
                        logo=logo,
                        serial=certificates.serial_label(certificate, settings),
                        verify_url=certificates.verify_url(certificate),
                        lang=mail_locale(certificate.invitee.language),
                    )
                )
            )
    return render.render_pdf(
        "certificates.html",
        paper=paper,
        allowed_dirs=(render.upload_root(institute.id),),
        pages=pages,
        data={"institute": institute},
    )


@bp.get(f"{ORG}/certificates/certificates.pdf")
@institute_view("editor")
def certificates_pdf(institute):
    items = certificates.valid_certificates(institute)
    if not items:
        flash(_("No valid certificate yet."), "info")
        return redirect(url_for("attendance.certificate_list", slug=institute.slug))
    # Everyone's certificates in one PDF: rendered by the render worker, cached by the data
    # version (issuing, revoking and the settings raise it); a "being prepared" page meanwhile.
    key, build = certificates_document(institute, render.paper_of(request.args.get("paper")))
    ready = jobs.obtain(jobs.Target.of(key), key, build, wait=False)
    if ready is None:
        return preparing_response(_l("Certificates"))
    return _pdf(ready.pdf, f"certificates-{institute.slug}.pdf")


def certificates_document(institute, paper: str):
    """(CacheKey, render) of the institute's certificates PDF: for the view and the worker."""
    key = render.CacheKey("certificates", institute.id, institute.data_version, paper, "en")
    return key, lambda: _certificate_pdf(
        institute, certificates.valid_certificates(institute), paper
    )


def certificate_document(institute, certificate: Certificate, paper: str):
    """(CacheKey, render) of one certificate (its subject: the certificate's id), in its
    holder's language; issuing, revoking, the settings and the holder's name raise the data
    version it is cached by."""
    locale = mail_locale(certificate.invitee.language)
    key = render.CacheKey(
        "certificate", institute.id, institute.data_version, paper, locale, certificate.id
    )
    return key, lambda: _certificate_pdf(institute, [certificate], paper)


@catalog.worker_document("certificates", "certificate")
def _certificates_for_worker(institute, target: jobs.Target):
    if target.kind == "certificate":
        certificate = certificates.certificate_of(institute, target.subject_id)
        if certificate is None:
            return None
        return certificate_document(institute, certificate, target.paper)
    if not certificates.valid_certificates(institute):
        return None
    return certificates_document(institute, target.paper)


def _one_certificate(institute, certificate: Certificate) -> Response:
    key, build = certificate_document(
        institute, certificate, render.paper_of(request.args.get("paper"))
    )
    ready = jobs.obtain(jobs.Target.of(key), key, build, wait=True)
    if ready is None:
        return preparing_response(_l("Document"))
    return _pdf(ready.pdf, f"certificate-{certificates.serial_label(certificate)}.pdf")


@bp.get(f"{ORG}/certificates/<int:certificate_id>.pdf")
@institute_view("editor")
def certificate_pdf(institute, certificate_id: int):
    certificate = certificates.certificate_of(institute, certificate_id) or abort(404)
    return _one_certificate(institute, certificate)


@bp.get("/me/certificate.pdf")
@invitee_view
def my_certificate(invitee: Invitee):
    certificate = db.session.scalar(
        db.select(Certificate).where(
            Certificate.invitee_id == invitee.id, Certificate.revoked_at.is_(None)
        )
    )
    if certificate is None:
        abort(404)
    return _one_certificate(invitee.institute, certificate)


@bp.get("/verify/<code>")
@limiter.limit("30 per minute")
def verify(code: str):
    result = certificates.verification(code)
    response = Response(
        render_template("attendance/verify.html", result=result),
        status=200 if result is not None else 404,
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
