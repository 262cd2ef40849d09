"""Pages of the agenda: the organizers' editor, rooms and breakouts; /me/agenda; /p/<slug>/."""

from datetime import datetime

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from planner.agenda import moving, reading, services
from planner.agenda.conflicts import conflicts_by_session, find_conflicts
from planner.agenda.forms import (
    KIND_LABELS,
    ConfirmForm,
    DuplicateDayForm,
    MoveForm,
    RoomForm,
    SessionForm,
    SplitForm,
    session_form_class,
)
from planner.agenda.models import SessionKind
from planner.agenda.services import AgendaError, SessionData
from planner.extensions import db
from planner.institutes.access import institute_view
from planner.institutes.models import Institute
from planner.invitations.access import invitee_view
from planner.sections import add_section, panel

bp = Blueprint("agenda", __name__, cli_group=None)
ORGANIZER = "/institutes/<slug>/agenda"

add_section("agenda.index", _l("Agenda"), 40)


@bp.app_template_global()
def agenda_kind_label(kind) -> str:
    """The localized name of a session kind, for templates of any page (panels included)."""
    return str(KIND_LABELS[SessionKind(kind)])


# --- the editor ------------------------------------------------------------------------------


@bp.get(f"{ORGANIZER}/")
@institute_view()
def index(institute):
    conflicts = find_conflicts(institute)
    return render_template(
        "agenda/index.html",
        institute=institute,
        days=services.program_days(institute, with_empty_days=True, language=_reader_language()),
        conflicts=conflicts,
        warnings=conflicts_by_session(conflicts),
        not_named=reading.facilitators_not_named(institute),
        confirm=ConfirmForm(),
    )


def _session_or_404(institute, session_id: int):
    session = services.session_of(institute, session_id)
    if session is None:
        abort(404)
    return session


@bp.get(f"{ORGANIZER}/sessions/<int:session_id>")
@institute_view()
def session(institute, session_id: int):
    session = _session_or_404(institute, session_id)
    conflicts = conflicts_by_session(find_conflicts(institute)).get(session.id, [])
    return render_template(
        "agenda/session.html",
        institute=institute,
        session=session,
        detail=reading.session_detail(session),
        conflicts=conflicts,
        confirm=ConfirmForm(),
    )


def _flash_warnings(institute, session_ids) -> None:
    """After a save: the conflicts that concern the saved sessions, as warnings."""
    wanted = set(session_ids)
    for conflict in find_conflicts(institute):
        if wanted & set(conflict.session_ids):
            flash(conflict.message, "warning")


def _session_form(institute, translations: dict | None = None, **kwargs) -> SessionForm:
    form = session_form_class(institute.languages)(
        rooms=services.rooms_of(institute),
        candidates=services.facilitator_candidates(institute),
        **kwargs,
    )
    if not form.is_submitted():
        for code in form.languages:
            texts = (translations or {}).get(code) or {}
            form[f"title_{code}"].data = texts.get("title", "")
            form[f"description_{code}"].data = texts.get("description", "")
    return form


def _data(form: SessionForm) -> SessionData:
    return SessionData(
        title=form.title.data or "",
        kind=form.kind.data,
        day=form.day.data,
        starts=form.starts.data,
        ends=form.ends.data,
        room_id=form.room_id.data,
        track=form.track.data or "",
        language=form.language.data or "",
        interpretation=form.interpretation.data or "",
        description=form.description.data or "",
        facilitator_ids=[i for i in form.facilitators.data or [] if i is not None],
        spans_rooms=form.spans_rooms.data,
        translations={
            code: {
                "title": form[f"title_{code}"].data or "",
                "description": form[f"description_{code}"].data or "",
            }
            for code in form.languages
        },
    )


def _show_error(form, error: AgendaError) -> None:
    target = getattr(form, error.field, None) if error.field else None
    if target is not None:
        target.errors = [*target.errors, str(error.message)]
    else:
        form.form_errors.append(str(error.message))


@bp.route(f"{ORGANIZER}/sessions/new", methods=["GET", "POST"])
@institute_view("editor")
def new_session(institute):
    form = _session_form(institute)
    if not form.is_submitted():
        form.day.data = _day_arg() or institute.start_date
        form.room_id.data = request.args.get("room", type=int)
    if form.validate_on_submit():
        try:
            session = services.create_session(institute, _data(form), current_user)
        except AgendaError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("The session is added."), "success")
            _flash_warnings(institute, [session.id])
            return redirect(_day_url(institute, session))
    return render_template(
        "agenda/session_form.html", institute=institute, form=form, session=None
    ), (400 if form.errors or form.form_errors else 200)


@bp.route(f"{ORGANIZER}/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@institute_view("editor")
def edit_session(institute, session_id: int):
    session = _session_or_404(institute, session_id)
    form = _session_form(
        institute, translations=session.translations, obj=services.session_data(session)
    )
    if not form.is_submitted():
        form.facilitators.data = [sf.invitee_id for sf in session.facilitators]
    if form.validate_on_submit():
        try:
            changed = services.update_session(session, _data(form), current_user)
        except AgendaError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("The session is saved.") if changed else _("Nothing was changed."), "success")
            _flash_warnings(institute, [session.id])
            return redirect(url_for("agenda.session", slug=institute.slug, session_id=session.id))
    return render_template(
        "agenda/session_form.html", institute=institute, form=form, session=session
    ), (400 if form.errors or form.form_errors else 200)


@bp.route(f"{ORGANIZER}/sessions/<int:session_id>/move", methods=["GET", "POST"])
@institute_view("editor")
def move_session(institute, session_id: int):
    session = _session_or_404(institute, session_id)
    form = MoveForm(rooms=services.rooms_of(institute))
    if not form.is_submitted():
        form.day.data = session.starts_local.date()
        form.starts.data = session.starts_local.time()
        form.room_id.data = session.room_id
    if form.validate_on_submit():
        try:
            services.move_session(
                session, form.day.data, form.starts.data, form.room_id.data, current_user
            )
        except AgendaError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("The session is moved."), "success")
            _flash_warnings(institute, [session.id])
            return redirect(_day_url(institute, session))
    return render_template("agenda/move.html", institute=institute, form=form, session=session), (
        400 if form.errors or form.form_errors else 200
    )


def _placement_answer(institute, session, save: bool):
    """JSON for the grid's drag and drop: the warnings the placement has (saved or not)."""
    try:
        placement = moving.parse_placement(request.form)
        if save:
            moving.place_session(institute, session, placement, current_user)
            db.session.commit()
            conflicts = [c for c in find_conflicts(institute) if session.id in c.session_ids]
        else:
            conflicts = moving.check_placement(institute, session, placement)
    except AgendaError as error:
        db.session.rollback()
        return jsonify(ok=False, error=str(error.message)), 400
    if not save:
        db.session.rollback()  # a check never keeps the change
    return jsonify(
        ok=True,
        saved=save,
        conflicts=[c.message for c in conflicts],
        message=(
            ngettext("%(num)d warning", "%(num)d warnings", len(conflicts))
            if conflicts
            else _("No conflicts.")
        ),
    )


@bp.post(f"{ORGANIZER}/sessions/<int:session_id>/check")
@institute_view("editor")
def check_placement(institute, session_id: int):
    """Would this day, time and room give the session warnings? Saves nothing."""
    return _placement_answer(institute, _session_or_404(institute, session_id), save=False)


@bp.post(f"{ORGANIZER}/sessions/<int:session_id>/place")
@institute_view("editor")
def place_session(institute, session_id: int):
    """Save a drop or a resize from the grid (the move form stays the keyboard path)."""
    return _placement_answer(institute, _session_or_404(institute, session_id), save=True)


@bp.post(f"{ORGANIZER}/sessions/<int:session_id>/duplicate")
@institute_view("editor")
def duplicate_session(institute, session_id: int):
    session = _session_or_404(institute, session_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    copy = services.duplicate_session(session, current_user)
    db.session.commit()
    flash(_("A copy is made: choose where it goes."), "success")
    return redirect(url_for("agenda.move_session", slug=institute.slug, session_id=copy.id))


@bp.post(f"{ORGANIZER}/sessions/<int:session_id>/cancel")
@institute_view("editor")
def cancel_session(institute, session_id: int):
    session = _session_or_404(institute, session_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.cancel_session(session, current_user)
    db.session.commit()
    flash(_("The session is cancelled; it stays in the program, struck through."), "success")
    return redirect(url_for("agenda.session", slug=institute.slug, session_id=session.id))


@bp.post(f"{ORGANIZER}/sessions/<int:session_id>/restore")
@institute_view("editor")
def restore_session(institute, session_id: int):
    session = _session_or_404(institute, session_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.restore_session(session, current_user)
    db.session.commit()
    flash(_("The session is scheduled again."), "success")
    _flash_warnings(institute, [session.id])
    return redirect(url_for("agenda.session", slug=institute.slug, session_id=session.id))


@bp.route(f"{ORGANIZER}/days/duplicate", methods=["GET", "POST"])
@institute_view("editor")
def duplicate_day(institute):
    form = DuplicateDayForm()
    if not form.is_submitted():
        form.source.data = _day_arg() or institute.start_date
    if form.validate_on_submit():
        try:
            done = services.duplicate_day(
                institute,
                form.source.data,
                form.target.data,
                current_user,
                add_to_existing=form.add_to_existing.data,
            )
        except AgendaError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            copies = done.copies
            flash(
                ngettext("%(num)d session is copied.", "%(num)d sessions are copied.", len(copies)),
                "success",
            )
            if done.already_there:
                flash(
                    ngettext(
                        "%(num)d session was already on that day and is not copied again.",
                        "%(num)d sessions were already on that day and are not copied again.",
                        done.already_there,
                    ),
                    "info",
                )
            _flash_warnings(institute, [c.id for c in copies])
            return redirect(
                url_for("agenda.index", slug=institute.slug, _anchor=f"day-{form.target.data}")
            )
    return render_template("agenda/duplicate_day.html", institute=institute, form=form), (
        400 if form.errors or form.form_errors else 200
    )


def _day_arg():
    try:
        return datetime.strptime(request.args.get("day", ""), "%Y-%m-%d").date()
    except ValueError:
        return None


def _day_url(institute, session) -> str:
    return url_for(
        "agenda.index", slug=institute.slug, _anchor=f"day-{session.starts_local.date()}"
    )


# --- rooms -----------------------------------------------------------------------------------


@bp.get(f"{ORGANIZER}/rooms")
@institute_view()
def rooms(institute):
    return _render_rooms(institute, RoomForm())


def _render_rooms(institute, form: RoomForm):
    return render_template(
        "agenda/rooms.html",
        institute=institute,
        rooms=services.rooms_of(institute),
        usage=services.room_usage(institute),
        form=form,
        confirm=ConfirmForm(),
    )


@bp.post(f"{ORGANIZER}/rooms")
@institute_view("editor")
def add_room(institute):
    form = RoomForm()
    if form.validate_on_submit():
        try:
            services.create_room(
                institute, form.name.data, form.capacity.data, form.position.data, current_user
            )
        except AgendaError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("The room is added."), "success")
            return redirect(url_for("agenda.rooms", slug=institute.slug))
    return _render_rooms(institute, form), 400


@bp.route(f"{ORGANIZER}/rooms/<int:room_id>", methods=["GET", "POST"])
@institute_view("editor")
def edit_room(institute, room_id: int):
    room = services.room_of(institute, room_id)
    if room is None:
        abort(404)
    form = RoomForm(obj=room)
    if form.validate_on_submit():
        try:
            services.update_room(
                room, form.name.data, form.capacity.data, form.position.data or 0, current_user
            )
        except AgendaError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("The room is saved."), "success")
            return redirect(url_for("agenda.rooms", slug=institute.slug))
    return render_template("agenda/room_form.html", institute=institute, form=form, room=room), (
        400 if form.errors or form.form_errors else 200
    )


@bp.post(f"{ORGANIZER}/rooms/<int:room_id>/delete")
@institute_view("editor")
def delete_room(institute, room_id: int):
    room = services.room_of(institute, room_id)
    if room is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.delete_room(room, current_user)
    except AgendaError as error:
        db.session.rollback()
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash(_("The room is deleted."), "success")
    return redirect(url_for("agenda.rooms", slug=institute.slug))


# --- breakouts -------------------------------------------------------------------------------


def _slot_arg():
    try:
        return datetime.strptime(request.args.get("at", ""), "%Y-%m-%dT%H:%M")
    except ValueError:
        return None


@bp.get(f"{ORGANIZER}/breakouts")
@institute_view()
def breakouts(institute):
    return _render_breakouts(institute, _slot_arg(), SplitForm())


def _render_breakouts(institute, at, split_form, errors=(), status=200):
    slots = services.breakout_slots(institute)
    slot = reading.breakout_slot(institute, at) if at else None
    if at and slot is None:
        abort(404)
    return render_template(
        "agenda/breakouts.html",
        institute=institute,
        slots=slots,
        at=at,
        slot=slot,
        split_form=split_form,
        errors=errors,
    ), status


@bp.post(f"{ORGANIZER}/breakouts/assign")
@institute_view("editor")
def assign_breakouts(institute):
    at = _slot_arg()
    if at is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    choices = {}
    for key, value in request.form.items():
        if key.startswith("person-"):
            invitee_id = _int(key.removeprefix("person-"))
            session_id = _int(value) if value else None
            if invitee_id is None or (value and session_id is None):
                return _render_breakouts(
                    institute, at, SplitForm(), [_("The form was not understood.")], 400
                )
            choices[invitee_id] = session_id
    try:
        changed = services.assign_breakouts(institute, at, choices, current_user)
    except AgendaError as error:
        db.session.rollback()
        return _render_breakouts(institute, at, SplitForm(), [error.message], 400)
    db.session.commit()
    flash(
        ngettext("%(num)d assignment changed.", "%(num)d assignments changed.", changed), "success"
    )
    _flash_warnings(institute, [s.id for s in services.breakouts_at(institute, at)])
    return redirect(url_for("agenda.breakouts", slug=institute.slug, at=_at(at)))


@bp.post(f"{ORGANIZER}/breakouts/split")
@institute_view("editor")
def split_breakouts(institute):
    at = _slot_arg()
    if at is None:
        abort(404)
    form = SplitForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        result = services.split_breakouts(institute, at, current_user, redo=form.redo.data)
    except AgendaError as error:
        db.session.rollback()
        return _render_breakouts(institute, at, form, [error.message], 400)
    db.session.commit()
    flash(_("The participants are split over the breakouts."), "success")
    if result.unplaced:
        flash(
            ngettext(
                "%(num)d person found no seat: the rooms are full.",
                "%(num)d people found no seat: the rooms are full.",
                len(result.unplaced),
            ),
            "warning",
        )
    _flash_warnings(institute, [s.id for s in services.breakouts_at(institute, at)])
    return redirect(url_for("agenda.breakouts", slug=institute.slug, at=_at(at)))


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _at(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


@bp.app_template_filter("slot_at")
def slot_at(moment: datetime) -> str:
    return _at(moment)


# --- the invitee's agenda and panels ---------------------------------------------------------


def _reader_language() -> str:
    """Session titles are shown in the reader's language where the session has one."""
    return str(get_locale() or "")


def _pdf_endpoint(name: str) -> str | None:
    return name if name in current_app.view_functions else None


@bp.get("/me/agenda")
@invitee_view
def my_agenda(invitee):
    response = make_response(
        render_template(
            "agenda/me.html",
            invitee=invitee,
            institute=invitee.institute,
            days=reading.personal_program(invitee, _reader_language()),
            pdf_endpoint=_pdf_endpoint("documents.my_agenda_pdf")
            if invitee.is_facilitator
            else None,
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@panel("me", "agenda/_me_panel.html", 30)
def me_panel(invitee):
    days = reading.personal_program(invitee, _reader_language())
    mine = [s for day in days for s in day.sessions if s.facilitating or s.assigned]
    if not days:
        return None
    return {"invitee": invitee, "mine": mine, "days": days}


@panel("invitee", "agenda/_invitee_panel.html", 30)
def invitee_panel(invitee):
    return {"invitee": invitee, **reading.sessions_of_invitee(invitee)}


@panel("dashboard", "agenda/_dashboard_panel.html", 40)
def dashboard_panel(institute):
    return {"institute": institute, **reading.agenda_summary(institute)}


# --- the public program ----------------------------------------------------------------------


@bp.get("/p/<slug>/")
def public_program(slug: str):
    institute = db.session.scalar(select(Institute).where(Institute.slug == slug))
    if institute is None or not institute.program_published:
        abort(404)
    etag = f"program-{institute.id}-{institute.data_version}-{get_locale()}"
    if request.if_none_match.contains(etag):
        response = make_response("", 304)
    else:
        response = make_response(
            render_template(
                "agenda/public.html",
                institute=institute,
                days=services.program_days(institute, public=True, language=_reader_language()),
                feed_endpoint=_pdf_endpoint("calendar.institute_feed"),
                booklet_endpoint=_pdf_endpoint("documents.public_program_pdf"),
            )
        )
    response.set_etag(etag)
    response.headers["Cache-Control"] = "public, no-cache"
    response.vary.add("Cookie")  # the language chosen and the signed-in header
    response.vary.add("Accept-Language")
    return response
