"""iCalendar feeds (institute program, personal and facilitator feeds) and their links."""

import hashlib
from functools import cache
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from planner.calendar import feeds, ics, services
from planner.calendar.forms import FeedLinkForm
from planner.calendar.ics import build_ics
from planner.documents.render import cached_file
from planner.extensions import db, limiter
from planner.i18n import INVITEE_LOCALES
from planner.institutes.access import can, institute_view
from planner.institutes.models import Institute, languages_of
from planner.invitations.access import invitee_view
from planner.invitations.models import Invitee
from planner.sections import panel

bp = Blueprint("calendar", __name__, cli_group=None)

PUBLIC_MAX_AGE = 300  # seconds; calendar apps poll far less often anyway


# -- feeds --------------------------------------------------------------------------------


@bp.get("/p/<slug>/program.ics")
@limiter.exempt
def institute_feed(slug: str):
    # The version answers "not modified", and names the cached body, before the institute
    # itself is loaded: one query of four columns.
    found = db.session.execute(
        select(
            Institute.id,
            Institute.data_version,
            Institute.working_languages,
            Institute.program_published,
        ).where(Institute.slug == slug)
    ).first()
    if found is None or not found.program_published:
        abort(404)
    language = _feed_language(request.args.get("lang"), languages_of(found.working_languages))
    etag = f"program-{found.id}-{found.data_version}-{language}-{feed_format()}"
    response = _not_modified(etag)
    if response is None:
        # The public program only (no personal data): built once per version and language,
        # kept beside the cached booklet for every worker.
        def build() -> bytes:
            institute = db.session.get(Institute, found.id)
            with force_locale(language):
                calendar = feeds.institute_calendar(institute, current_app.config["BASE_URL"])
            return build_ics(calendar)

        base = hashlib.sha256(current_app.config["BASE_URL"].encode()).hexdigest()[:6]
        version = f"v{found.data_version}-{feed_format()}-{base}"
        body = cached_file(found.id, f"program-feed-{language}", version, "ics", build)
        response = _calendar_response(body, f"{slug}.ics", etag)
    response.cache_control.public = True
    response.cache_control.max_age = PUBLIC_MAX_AGE
    return response


@bp.get("/feeds/<token>.ics")
@limiter.exempt
def personal_feed(token: str):
    link = services.find_feed_link(token)
    if link is None:
        abort(404)
    invitee, institute = link.invitee, link.invitee.institute
    language = _feed_language(invitee.language, [])
    # Travel and stays raise the institute's version too; the link's id changes when it is
    # renewed, the role names the calendar.
    etag = (
        f"feed-{link.id}-{institute.data_version}-{invitee.role.value}-{language}-{feed_format()}"
    )
    response = _not_modified(etag)
    if response is None:
        with force_locale(language):
            calendar = feeds.personal_calendar(invitee, institute, current_app.config["BASE_URL"])
        response = _calendar_response(build_ics(calendar), f"{institute.slug}-my-program.ics", etag)
    response.cache_control.private = True
    response.cache_control.no_store = True
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    if services.note_feed_use(link):
        db.session.commit()
    return response


@cache
def feed_format() -> str:
    """A digest of the code that writes feeds: a new release retires the old ETags."""
    digest = hashlib.sha256()
    for module in (feeds, ics):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()[:8]


def _not_modified(etag: str) -> Response | None:
    """A 304 when the client holds this version, else None (then build the body)."""
    if not request.if_none_match.contains(etag):
        return None
    response = Response(status=304)
    response.set_etag(etag)
    return response


def _feed_language(wanted: str | None, fallbacks: list[str]) -> str:
    """A feed has no session: the language asked for, else the first one the app speaks."""
    supported = INVITEE_LOCALES
    for code in [wanted, *fallbacks]:
        if code in supported:
            return code
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _calendar_response(body: bytes, filename: str, etag: str) -> Response:
    """text/calendar with an ETag of the data version it was built from, so an unchanged
    feed answers 304 to If-None-Match; ``?download=1`` makes it an attachment."""
    response = Response(body, content_type="text/calendar; charset=utf-8")
    response.set_etag(etag)
    disposition = "attachment" if request.args.get("download") else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


# -- links: organizers --------------------------------------------------------------------


def _invitee_of(institute: Institute, invitee_id: int) -> Invitee:
    """The invitee, only within this institute and not removed; else 404."""
    invitee = db.session.scalar(
        select(Invitee).where(
            Invitee.id == invitee_id,
            Invitee.institute_id == institute.id,
            Invitee.removed_at.is_(None),
        )
    )
    if invitee is None:
        abort(404)
    return invitee


def _back_to(form: FeedLinkForm, institute: Institute):
    """Back to the page of the button, if it is a page of this institute."""
    target = form.next.data or ""
    prefix = f"/institutes/{institute.slug}/"
    if target.startswith(prefix) and "//" not in target and "\\" not in target:
        return redirect(target)
    return redirect(url_for("institutes.dashboard", slug=institute.slug))


@bp.post("/institutes/<slug>/invitees/<int:invitee_id>/feed-link")
@institute_view("editor")
def issue_invitee_feed_link(institute, invitee_id: int):
    invitee = _invitee_of(institute, invitee_id)
    form = FeedLinkForm()
    if not form.validate_on_submit():
        abort(400)
    renewed = services.active_feed_link(invitee) is not None
    services.issue_feed_link(invitee, organizer=current_user)
    db.session.commit()
    if renewed:
        flash(_("A new calendar link is ready. Any earlier link no longer works."), "success")
    else:
        flash(_("The calendar link is ready."), "success")
    return _back_to(form, institute)


@bp.post("/institutes/<slug>/invitees/<int:invitee_id>/feed-link/revoke")
@institute_view("editor")
def revoke_invitee_feed_link(institute, invitee_id: int):
    invitee = _invitee_of(institute, invitee_id)
    form = FeedLinkForm()
    if not form.validate_on_submit():
        abort(400)
    services.revoke_feed_links(invitee, organizer=current_user)
    db.session.commit()
    flash(_("The calendar link is revoked: calendar apps using it get nothing more."), "success")
    return _back_to(form, institute)


# -- links: the invitee -------------------------------------------------------------------


@bp.post("/me/calendar/feed-link")
@invitee_view
def renew_my_feed_link(invitee):
    if not FeedLinkForm().validate_on_submit():
        abort(400)
    renewed = services.active_feed_link(invitee) is not None
    services.issue_feed_link(invitee, by_invitee=True)
    db.session.commit()
    if renewed:
        # i18n: invitee
        message = _(
            "Your new calendar link is ready. Subscribe again with it on each device: "
            "the old link no longer works."
        )
    else:
        # i18n: invitee
        message = _("Your calendar link is ready. Add it to your calendar app.")
    flash(message, "success")
    return redirect(url_for("invitations.me"))


# -- panels on shared pages ---------------------------------------------------------------


@panel("dashboard", "calendar/_dashboard_panel.html", 45)
def dashboard_panel(institute: Institute) -> dict:
    base_url = current_app.config["BASE_URL"]
    return {
        "institute": institute,
        "addresses": services.institute_feed_addresses(institute, base_url)
        if institute.program_published
        else None,
        "active_links": services.count_active_links(institute),
    }


@panel("invitee", "calendar/_invitee_panel.html", 40)
def invitee_panel(invitee: Invitee) -> dict:
    link = services.active_feed_link(invitee)
    show_address = link is not None and can("editor")
    return {
        "invitee": invitee,
        "institute": invitee.institute,
        "link": link,
        "addresses": services.personal_feed_addresses(link, current_app.config["BASE_URL"])
        if show_address
        else None,
        "form": FeedLinkForm(formdata=None, next=request.path),
    }


@panel("me", "calendar/_me_panel.html", 40)
def me_panel(invitee: Invitee) -> dict:
    link = services.active_feed_link(invitee)
    return {
        "invitee": invitee,
        "link": link,
        "addresses": services.personal_feed_addresses(link, current_app.config["BASE_URL"])
        if link is not None
        else None,
        "facilitator": invitee.is_facilitator,
    }
