"""The Messages pages: compose to a filtered group, the standard e-mails' wording, nudges."""

import re
from datetime import UTC

import click
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from planner.db import utcnow
from planner.extensions import db
from planner.formatting import country_name, language_name
from planner.i18n import INVITEE_LOCALES
from planner.institutes.access import institute_view
from planner.institutes.forms import ConfirmForm
from planner.invitations import services as invitations
from planner.invitations.models import RsvpStatus
from planner.messages import services
from planner.messages.forms import TEMPLATE_LABELS, ComposeForm, TemplateForm
from planner.messages.models import TemplateKind
from planner.sections import add_section, panel

bp = Blueprint("messages", __name__, cli_group=None)

add_section("messages.compose", _l("Messages"), 15)

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
# The group on the page is at most this many names; the count is always exact.
SHOWN_RECIPIENTS = 30


def _base_url() -> str:
    return current_app.config["BASE_URL"]


def _compose_form(institute) -> ComposeForm:
    form = ComposeForm(formdata=request.form if request.method == "POST" else request.args)
    options = invitations.filter_options(institute)
    form.fill_choices([(code, country_name(code)) for code in options.countries])
    return form


def _texts_from_request(languages: list[str]) -> dict[str, tuple[str, str]]:
    texts = {}
    for code in languages:
        subject = request.form.get(f"subject_{code}", "")
        body = request.form.get(f"body_{code}", "")
        if subject.strip() or body.strip():
            texts[code] = (subject.strip(), body.replace("\r\n", "\n"))
    return texts


def _check_texts(texts, people) -> dict[str, list[str]]:
    """Errors per language ("" for the message as a whole); nothing typed is dropped."""
    errors: dict[str, list[str]] = {}
    for code, (subject, body) in texts.items():
        problems = []
        if not subject:
            problems.append(_("Write a subject."))
        elif len(subject) > services.MAX_SUBJECT:
            problems.append(_("The subject is longer than %(n)d characters.", n=300))
        if not body.strip():
            problems.append(_("Write the text."))
        elif len(body) > services.MAX_BODY:
            problems.append(_("The text is longer than %(n)d characters.", n=services.MAX_BODY))
        unknown = services.unknown_placeholders(subject + body)
        if unknown:
            problems.append(
                _(
                    "Unknown placeholder %(names)s. Use {name}, {link} or {sessions}.",
                    names=", ".join(unknown),
                )
            )
        if problems:
            errors[code] = problems
    if not texts:
        errors[""] = [_("Write the message in at least one language.")]
    elif not people:
        errors[""] = [_("Nobody is in this group.")]
    return errors


@bp.route("/institutes/<slug>/messages/", methods=["GET", "POST"])
@institute_view("editor")
def compose(institute):
    """Choose the group, write in each of its languages, preview, then send or schedule."""
    form = _compose_form(institute)
    valid = request.method != "POST" or form.validate()
    audience = form.audience()
    people = services.recipients(institute, audience) if valid else []
    typed = [
        key.removeprefix("subject_")
        for key in request.form
        if key.startswith("subject_") and LANGUAGE_CODE.match(key.removeprefix("subject_"))
    ]
    languages = list(dict.fromkeys([*services.languages_of(people), *typed]))
    texts = _texts_from_request(languages)
    if not valid:  # the typed texts come back with the errors
        return _render_compose(
            institute, form, texts, {}, people=people, languages=languages, status=400
        )
    action = form.action.data if request.method == "POST" else "refresh"
    if action == "refresh":
        return _render_compose(institute, form, texts, {}, people=people, languages=languages)
    errors = _check_texts(texts, people)
    send_at = None
    if form.send_at.data is not None:
        send_at = form.send_at.data.replace(tzinfo=institute.zone).astimezone(UTC)
        if send_at <= utcnow():
            form.send_at.errors = [_("Choose a time in the future.")]
    if errors or form.send_at.errors:
        return _render_compose(
            institute, form, texts, errors, people=people, languages=languages, status=400
        )
    if action == "preview":
        previews = services.preview_messages(institute, audience, texts, _base_url())
        return _render_compose(
            institute, form, texts, {}, people=people, languages=languages, previews=previews
        )
    if send_at is not None:
        services.schedule_message(institute, audience, texts, send_at, current_user)
        db.session.commit()
        flash(_("The message is scheduled."), "success")
    else:
        count = services.send_message(institute, audience, texts, current_user, _base_url())
        db.session.commit()
        flash(
            ngettext(
                "%(num)d message is queued for sending.",
                "%(num)d messages are queued for sending.",
                count,
            ),
            "success",
        )
    return redirect(url_for("messages.compose", slug=institute.slug))


def _render_compose(
    institute, form, texts, errors, *, people=None, languages=None, previews=None, status=200
):
    people = people or []
    return render_template(
        "messages/compose.html",
        institute=institute,
        form=form,
        texts=texts,
        errors=errors,
        people=people[:SHOWN_RECIPIENTS],
        total=len(people),
        text_languages=languages or [],
        language_name=language_name,
        previews=previews or [],
        scheduled=services.scheduled_of(institute),
        confirm=ConfirmForm(),
    ), status


@bp.post("/institutes/<slug>/messages/scheduled/<int:scheduled_id>/cancel")
@institute_view("editor")
def cancel_scheduled(institute, scheduled_id: int):
    if ConfirmForm().validate_on_submit():
        if not services.cancel_scheduled(institute, scheduled_id, current_user):
            abort(404)
        db.session.commit()
        flash(_("The scheduled message is cancelled."), "info")
    return redirect(url_for("messages.compose", slug=institute.slug))


# The wording of the standard e-mails -------------------------------------------------------


def _kind_or_404(kind: str, locale: str) -> TemplateKind:
    if kind not in TemplateKind._value2member_map_ or locale not in INVITEE_LOCALES:
        abort(404)
    return TemplateKind(kind)


@bp.get("/institutes/<slug>/messages/templates/")
@institute_view()
def templates(institute):
    return render_template(
        "messages/templates.html",
        institute=institute,
        kinds=list(TemplateKind),
        labels=TEMPLATE_LABELS,
        locales=INVITEE_LOCALES,
        custom=services.templates_of(institute),
        language_name=language_name,
    )


@bp.route("/institutes/<slug>/messages/templates/<kind>/<locale>", methods=["GET", "POST"])
@institute_view("editor")
def edit_template(institute, kind: str, locale: str):
    template_kind = _kind_or_404(kind, locale)
    current = services.template_of(institute.id, template_kind, locale)
    form = TemplateForm()
    if not form.is_submitted():
        if current is not None:
            form.subject.data, form.body.data = current.subject, current.body
        else:
            form.subject.data, form.body.data = services.builtin_text(
                institute, template_kind, locale
            )
    if form.validate_on_submit():
        services.save_template(
            institute, template_kind, locale, form.subject.data, form.body.data, current_user
        )
        db.session.commit()
        flash(_("The text is saved; it is used from now on."), "success")
        return redirect(url_for("messages.templates", slug=institute.slug))
    return render_template(
        "messages/template_form.html",
        institute=institute,
        form=form,
        kind=template_kind,
        label=TEMPLATE_LABELS[template_kind],
        locale=locale,
        language=language_name(locale),
        custom=current is not None,
        confirm=ConfirmForm(),
    ), (400 if form.errors else 200)


@bp.post("/institutes/<slug>/messages/templates/<kind>/<locale>/reset")
@institute_view("editor")
def reset_template(institute, kind: str, locale: str):
    template_kind = _kind_or_404(kind, locale)
    if ConfirmForm().validate_on_submit():
        services.reset_template(institute, template_kind, locale, current_user)
        db.session.commit()
        flash(_("The built-in text is used again."), "info")
    return redirect(url_for("messages.templates", slug=institute.slug))


# One person ------------------------------------------------------------------------------


@bp.post("/institutes/<slug>/invitees/<int:invitee_id>/nudge")
@institute_view("editor")
def nudge(institute, invitee_id: int):
    invitee = invitations.get_invitee(institute, invitee_id)
    if invitee is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        services.nudge(invitee, current_user, _base_url())
        db.session.commit()
        flash(_("A reminder with a new personal link is on its way."), "success")
    return redirect(url_for("invitations.detail", slug=institute.slug, invitee_id=invitee.id))


@panel("invitee", "messages/_invitee_panel.html", 55)
def invitee_panel(invitee) -> dict | None:
    if invitee.rsvp_status in (RsvpStatus.DRAFT, RsvpStatus.DECLINED, RsvpStatus.WITHDRAWN):
        return None
    return {"institute": invitee.institute, "invitee": invitee, "confirm": ConfirmForm()}


@bp.cli.command("send-scheduled")
def send_scheduled_command() -> None:
    """Send the scheduled messages and reminders whose time has come (run it from cron)."""
    count = services.send_due(_base_url())
    db.session.commit()
    click.echo(f"{count} message(s) queued.")
