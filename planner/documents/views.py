"""Pages of the documents package: the organizer's documents page, PDFs and their previews,
the public booklet, the invitee's own agenda and letter."""

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from planner.agenda.models import SessionFacilitator
from planner.auth.models import TeamRole
from planner.documents import catalog, data, jobs, services
from planner.documents.forms import LetterSettingsForm, SendLetterForm
from planner.documents.render import PAPER_SIZES, RenderProcessFailed, paper_of
from planner.extensions import db
from planner.formatting import country_name
from planner.institutes.access import institute_view
from planner.institutes.models import Institute
from planner.invitations.access import invitee_view
from planner.invitations.models import Invitee
from planner.sections import add_section, panel

bp = Blueprint("documents", __name__, cli_group=None)

add_section("documents.index", _l("Documents"), 50)

VISA_LABELS = {
    "needed": _l("visa needed"),
    "letter_requested": _l("letter requested"),
    "letter_sent": _l("letter sent"),
    "applied": _l("applied"),
    "approved": _l("visa approved"),
    "refused": _l("visa refused"),
}


# --- helpers ----------------------------------------------------------------------------------


def _paper() -> str:
    return paper_of(request.args.get("paper"))


def _pdf_response(pdf: bytes, filename: str, *, public: bool = False) -> Response:
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    # The public booklet is revalidated each time, so unpublishing takes effect at once.
    response.headers["Cache-Control"] = "public, no-cache" if public else "private, no-store"
    return response


PREPARING_REFRESH_SECONDS = 5


def preparing_response(title, *, failed: bool = False, retried: bool = True) -> Response:
    """The "being prepared" page: it reloads itself until the render worker has the PDF.
    ``failed``: the render failed; ``retried``: the render worker tries again by itself."""
    html = render_template(
        "documents/preparing.html",
        title=title,
        failed=failed,
        retried=retried,
        refresh=PREPARING_REFRESH_SECONDS,
        retry_url=request.full_path.rstrip("?"),
    )
    response = Response(html, status=503 if failed else 202, mimetype="text/html")
    response.headers["Retry-After"] = str(PREPARING_REFRESH_SECONDS * (6 if failed else 1))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_errorhandler(jobs.RenderFailed)
def _render_failed(error):
    return preparing_response(_l("Document"), failed=True)


@bp.app_errorhandler(RenderProcessFailed)
def _render_process_failed(error):
    """A PDF made for this request alone (a visa letter) failed in its render process: said
    plainly, nothing of the document logged (planner/documents/render.py)."""
    return preparing_response(_l("Document"), failed=True, retried=False)


def _preview_response(html: str) -> Response:
    response = Response(html, mimetype="text/html")
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _invitee_of(institute: Institute, invitee_id: int) -> Invitee:
    invitee = db.session.get(Invitee, invitee_id)
    if invitee is None or invitee.institute_id != institute.id or invitee.removed_at is not None:
        abort(404)
    return invitee


def _leads_sessions(invitee: Invitee) -> bool:
    count = db.session.scalar(
        select(func.count())
        .select_from(SessionFacilitator)
        .where(SessionFacilitator.invitee_id == invitee.id)
    )
    return bool(count)


def _facilitator_of(institute: Institute, invitee_id: int) -> Invitee:
    invitee = _invitee_of(institute, invitee_id)
    if not (invitee.is_facilitator or _leads_sessions(invitee)):
        abort(404)
    return invitee


def _institute_document(kind: str) -> catalog.InstituteDocument:
    doc = catalog.DOCUMENTS.get(kind)
    if doc is None:
        abort(404)
    if not g.team_role.allows(doc.role):
        abort(403)
    return doc


# --- the organizer's documents page ---------------------------------------------------------


@bp.get("/institutes/<slug>/documents/")
@institute_view()
def index(institute):
    paper = _paper()
    editor = g.team_role.allows(TeamRole.EDITOR)
    languages = catalog.booklet_languages(institute)
    booklet_lang = request.args.get("lang")
    if booklet_lang not in languages:
        booklet_lang = str(get_locale()) if str(get_locale()) in languages else languages[0]
    return render_template(
        "documents/index.html",
        institute=institute,
        paper=paper,
        papers=PAPER_SIZES,
        booklet_languages=languages,
        booklet_lang=booklet_lang,
        reader_documents=catalog.READER_DOCUMENTS,
        documents=[d for d in catalog.DOCUMENTS.values() if g.team_role.allows(d.role)],
        facilitators=data.facilitators_of(institute) if editor else [],
        letters=data.letter_rows(institute) if editor else [],
        settings=catalog.letter_settings_of(institute) if editor else None,
        send_form=SendLetterForm(),
        visa_labels=VISA_LABELS,
    )


@bp.get("/institutes/<slug>/documents/<kind>.pdf")
@institute_view()
def document_pdf(institute, kind: str):
    doc = _institute_document(kind)
    # Bulk documents (a sheet for everyone) answer at once with a page that waits for them.
    wait = doc.kind not in catalog.BULK_DOCUMENTS
    ready = catalog.document_pdf(doc, institute, _paper(), request.args.get("lang"), wait=wait)
    if ready is None:
        return preparing_response(doc.title)
    if doc.personal:
        services.record_export(institute, doc.kind, organizer=current_user)
        db.session.commit()
    return _pdf_response(ready.pdf, f"{doc.kind}-{institute.slug}.pdf")


@bp.get("/institutes/<slug>/documents/<kind>")
@institute_view()
def document_preview(institute, kind: str):
    doc = _institute_document(kind)
    paper = _paper()
    lang = request.args.get("lang")
    html = catalog.document_html(
        doc,
        institute,
        paper,
        lang,
        back_url=url_for("documents.index", slug=institute.slug, paper=paper, lang=lang),
        pdf_url=url_for(
            "documents.document_pdf", slug=institute.slug, kind=kind, paper=paper, lang=lang
        ),
    )
    if doc.personal:
        services.record_export(institute, doc.kind, organizer=current_user)
        db.session.commit()
    return _preview_response(html)


@bp.get("/institutes/<slug>/documents/agendas/<int:invitee_id>.pdf")
@institute_view("editor")
def facilitator_agenda_pdf(institute, invitee_id: int):
    invitee = _facilitator_of(institute, invitee_id)
    ready = catalog.agenda_pdf(institute, invitee, _paper())
    if ready is None:
        return preparing_response(catalog.AGENDA_TITLE)
    services.record_export(institute, "agenda", organizer=current_user, invitee=invitee)
    db.session.commit()
    return _pdf_response(ready.pdf, services.download_name("facilitator-agenda", invitee))


@bp.get("/institutes/<slug>/documents/agendas/<int:invitee_id>")
@institute_view("editor")
def facilitator_agenda_preview(institute, invitee_id: int):
    invitee = _facilitator_of(institute, invitee_id)
    paper = _paper()
    html = catalog.agenda_html(
        institute,
        invitee,
        paper,
        back_url=url_for("documents.index", slug=institute.slug, paper=paper),
        pdf_url=url_for(
            "documents.facilitator_agenda_pdf",
            slug=institute.slug,
            invitee_id=invitee.id,
            paper=paper,
        ),
    )
    services.record_export(institute, "agenda", organizer=current_user, invitee=invitee)
    db.session.commit()
    return _preview_response(html)


# --- visa letters -------------------------------------------------------------------------


def _settings_or_redirect(institute):
    settings = catalog.letter_settings_of(institute)
    if settings is None:
        flash(_("Fill in the letter settings before making letters."), "warning")
    return settings


@bp.get("/institutes/<slug>/documents/letters/<int:invitee_id>.pdf")
@institute_view("editor")
def letter_pdf(institute, invitee_id: int):
    invitee = _invitee_of(institute, invitee_id)
    settings = _settings_or_redirect(institute)
    if settings is None:
        return redirect(url_for("documents.letter_settings", slug=institute.slug))
    pdf = catalog.letter_pdf(institute, invitee, settings, _paper())
    services.record_letter_access(institute, invitee, organizer=current_user, pdf=True)
    db.session.commit()
    return _pdf_response(pdf, services.download_name("invitation-letter", invitee))


@bp.get("/institutes/<slug>/documents/letters/<int:invitee_id>")
@institute_view("editor")
def letter_preview(institute, invitee_id: int):
    invitee = _invitee_of(institute, invitee_id)
    settings = _settings_or_redirect(institute)
    if settings is None:
        return redirect(url_for("documents.letter_settings", slug=institute.slug))
    paper = _paper()
    html = catalog.letter_html(
        institute,
        invitee,
        settings,
        paper,
        back_url=url_for("documents.index", slug=institute.slug, paper=paper),
        pdf_url=url_for(
            "documents.letter_pdf", slug=institute.slug, invitee_id=invitee.id, paper=paper
        ),
    )
    services.record_letter_access(institute, invitee, organizer=current_user, pdf=False)
    db.session.commit()
    return _preview_response(html)


@bp.post("/institutes/<slug>/documents/letters/<int:invitee_id>/send")
@institute_view("editor")
def send_letter(institute, invitee_id: int):
    invitee = _invitee_of(institute, invitee_id)
    case = catalog.invitee_visa_case(invitee)
    if case is None:
        abort(404)
    if SendLetterForm().validate_on_submit():
        try:
            services.send_letter(institute, case, by=current_user)
        except services.LetterNotReady as error:
            flash(str(error), "warning")
        else:
            db.session.commit()
            flash(
                _(
                    "The letter is marked as sent; %(name)s is told it is ready.",
                    name=invitee.full_name,
                ),
                "success",
            )
    return redirect(url_for("documents.index", slug=institute.slug) + "#letters")


@bp.route("/institutes/<slug>/documents/letter", methods=["GET", "POST"])
@institute_view("editor")
def letter_settings(institute):
    settings = catalog.letter_settings_of(institute)
    form = LetterSettingsForm(obj=settings)
    if settings is None and not form.is_submitted():
        form.legal_name.data = institute.host_organization
        form.signing_city.data = institute.city
        form.embassy_of.data = country_name(institute.country, "en")
    if form.validate_on_submit():
        values = services.LetterSettingsData(
            **{name: getattr(form, name).data or "" for name in form.TEXT_FIELDS}
        )
        services.save_letter_settings(
            institute,
            values,
            by=current_user,
            logo=form.logo.content,
            signature=form.signature.content,
            remove_logo=form.remove_logo.data,
            remove_signature=form.remove_signature.data,
        )
        db.session.commit()
        flash(_("The letter settings are saved."), "success")
        return redirect(url_for("documents.letter_settings", slug=institute.slug))
    return render_template(
        "documents/letter_settings.html", institute=institute, form=form, settings=settings
    ), (400 if form.errors else 200)


# --- public booklet -----------------------------------------------------------------------


@bp.get("/p/<slug>/program.pdf")
def public_program_pdf(slug: str):
    institute = db.session.scalar(
        select(Institute).where(Institute.slug == slug, Institute.program_published.is_(True))
    )
    if institute is None or institute.is_archived:
        abort(404)
    paper = _paper()
    # The version of the data, paper, language and templates name the PDF: a client that
    # holds it gets 304 before anything is loaded or rendered (one query).
    doc = catalog.DOCUMENTS["program"]
    key = catalog.document_key(doc, institute, paper)
    etag = key.filename().removesuffix(".pdf")
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        # Rendered ahead by the render worker when the data changed: read from the cache.
        ready = catalog.document_pdf(doc, institute, paper)
        if ready is None:
            response = preparing_response(doc.title)
            response.headers["X-Robots-Tag"] = "noindex, nofollow"
            return response
        response = _pdf_response(ready.pdf, f"program-{institute.slug}.pdf", public=True)
        etag = ready.etag(key)
    response.set_etag(etag)
    response.headers["Cache-Control"] = "public, no-cache"
    # Public, yet the names in it should not end up in search engines.
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


# --- the invitee's own documents ------------------------------------------------------------


def _own_agenda_allowed(invitee: Invitee) -> None:
    if not (invitee.is_facilitator or _leads_sessions(invitee)):
        abort(404)


@bp.get("/me/agenda.pdf")
@invitee_view
def my_agenda_pdf(invitee):
    _own_agenda_allowed(invitee)
    ready = catalog.agenda_pdf(invitee.institute, invitee, _paper())
    if ready is None:
        return preparing_response(catalog.AGENDA_TITLE)
    return _pdf_response(ready.pdf, services.download_name("my-agenda", invitee))


@bp.get("/me/agenda/print")
@invitee_view
def my_agenda_preview(invitee):
    _own_agenda_allowed(invitee)
    paper = _paper()
    html = catalog.agenda_html(
        invitee.institute,
        invitee,
        paper,
        back_url="/me/",
        pdf_url=url_for("documents.my_agenda_pdf", paper=paper),
    )
    return _preview_response(html)


def _own_letter(invitee: Invitee):
    """The invitee's letter settings, once an organizer has approved their letter; else 404."""
    case = catalog.invitee_visa_case(invitee)
    settings = catalog.letter_settings_of(invitee.institute)
    if case is None or case.letter_approved_at is None or settings is None:
        abort(404)
    return settings


@bp.get("/me/letter.pdf")
@invitee_view
def my_letter_pdf(invitee):
    settings = _own_letter(invitee)
    pdf = catalog.letter_pdf(invitee.institute, invitee, settings, _paper())
    services.record_letter_access(invitee.institute, invitee, pdf=True)
    db.session.commit()
    return _pdf_response(pdf, services.download_name("invitation-letter", invitee))


@bp.get("/me/letter/print")
@invitee_view
def my_letter_preview(invitee):
    settings = _own_letter(invitee)
    paper = _paper()
    html = catalog.letter_html(
        invitee.institute,
        invitee,
        settings,
        paper,
        back_url="/me/",
        pdf_url=url_for("documents.my_letter_pdf", paper=paper),
    )
    services.record_letter_access(invitee.institute, invitee, pdf=False)
    db.session.commit()
    return _preview_response(html)


# --- panels on shared pages -----------------------------------------------------------------


@panel("me", "documents/_panel_me.html", 50)
def my_documents_panel(invitee: Invitee) -> dict | None:
    """The invitee's printable documents: their agenda (facilitators), their approved letter."""
    case = catalog.invitee_visa_case(invitee)
    letter = case is not None and case.letter_approved_at is not None
    agenda = invitee.is_facilitator or _leads_sessions(invitee)
    if not (letter or agenda):
        return None
    return {"letter": letter, "agenda": agenda}


@panel("invitee", "documents/_panel_invitee.html", 50)
def invitee_documents_panel(invitee: Invitee) -> dict | None:
    """On the organizer's page of one invitee: their letter and agenda, for editors."""
    case = catalog.invitee_visa_case(invitee)
    agenda = invitee.is_facilitator or _leads_sessions(invitee)
    if case is None and not agenda:
        return None
    return {
        "invitee": invitee,
        "slug": invitee.institute.slug,
        "letter": case is not None,
        "agenda": agenda,
    }


# The render worker's command registers itself on this blueprint (`flask render-documents`).
from planner.documents import worker as _worker  # noqa: E402, F401
