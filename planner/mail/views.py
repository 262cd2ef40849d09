"""The organizer's outbox pages and the ``flask send-mail`` command."""

import re
import signal
import threading

import click
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy.exc import SQLAlchemyError

from planner.extensions import db
from planner.institutes.access import institute_view
from planner.mail import sender, services
from planner.mail.backends import make_backend
from planner.mail.forms import STATUS_LABELS, ConfirmForm, OutboxFilterForm, kind_label
from planner.mail.models import MailStatus
from planner.sections import add_section, panel
from planner.security.redact import redact

bp = Blueprint("mail", __name__, cli_group=None)

add_section("mail.outbox", _l("Outbox"), 60)


@panel("dashboard", "mail/_panel_dashboard.html", 60)
def dashboard_panel(institute) -> dict | None:
    counts = services.status_counts(institute)
    if not any(counts.values()):
        return None
    return {
        "institute": institute,
        "counts": counts,
        "failed": counts[MailStatus.FAILED],
        "labels": STATUS_LABELS,
    }


@panel("invitee", "mail/_panel_invitee.html", 60)
def invitee_panel(invitee) -> dict:
    return {
        "institute": invitee.institute,
        "messages": services.recent_messages_to(invitee),
        "labels": STATUS_LABELS,
    }


@bp.app_template_filter("mail_kind")
def _mail_kind(kind: str) -> str:
    return str(kind_label(kind))


@bp.app_template_filter("hide_links")
def _hide_links(text: str) -> str:
    """Secret links out of anything a page shows of a message."""
    return redact(text or "")


def _file_backend() -> bool:
    return current_app.config.get("MAIL_BACKEND") == "file"


@bp.get("/institutes/<slug>/outbox/")
@institute_view()
def outbox(institute):
    form = OutboxFilterForm(formdata=request.args)
    form.set_kinds(services.kinds_of(institute))
    valid = form.validate()
    status = form.status.data if valid and form.status.data else None
    page = services.outbox_page(
        institute,
        status=MailStatus(status) if status else None,
        kind=form.kind.data if valid else None,
        search=(form.q.data or "") if valid else "",
        page=(form.page.data or 1) if valid else 1,
    )
    filters = {key: value for key, value in request.args.items() if key in ("status", "kind", "q")}
    counts = services.status_counts(institute)
    return render_template(
        "mail/outbox.html",
        institute=institute,
        form=form,
        page=page,
        filters=filters if valid else {},
        counts=counts,
        failed_count=counts[MailStatus.FAILED],
        status_labels=STATUS_LABELS,
        confirm=ConfirmForm(),
        file_backend=_file_backend(),
    ), (200 if valid else 400)


def _message_or_404(institute, message_id: int):
    message = services.message_of(institute, message_id)
    if message is None:
        abort(404)
    return message


@bp.get("/institutes/<slug>/outbox/<int:message_id>")
@institute_view()
def message(institute, message_id: int):
    message = _message_or_404(institute, message_id)
    has_file = _file_backend() and (
        services.delivered_file(message, current_app.config["MAIL_FILE_DIR"]) is not None
    )
    return render_template(
        "mail/message.html",
        institute=institute,
        message=message,
        text=services.shown_text(message),
        status_labels=STATUS_LABELS,
        confirm=ConfirmForm(),
        has_file=has_file,
    )


@bp.post("/institutes/<slug>/outbox/<int:message_id>/retry")
@institute_view("editor")
def retry(institute, message_id: int):
    message = _message_or_404(institute, message_id)
    if ConfirmForm().validate_on_submit():
        if services.retry_message(institute, message, current_user):
            db.session.commit()
            flash(_("The message is queued again."), "success")
        else:
            flash(_("Only a failed message can be retried."), "warning")
    return redirect(url_for("mail.message", slug=institute.slug, message_id=message.id))


@bp.post("/institutes/<slug>/outbox/retry-failed")
@institute_view("editor")
def retry_failed(institute):
    if ConfirmForm().validate_on_submit():
        count = services.retry_failed(institute, current_user)
        db.session.commit()
        if count:
            flash(
                ngettext(
                    "%(num)d failed message is queued again.",
                    "%(num)d failed messages are queued again.",
                    count,
                ),
                "success",
            )
        else:
            flash(_("There is no failed message to retry."), "info")
    return redirect(url_for("mail.outbox", slug=institute.slug))


@bp.post("/institutes/<slug>/outbox/test")
@institute_view("editor")
def send_test(institute):
    if ConfirmForm().validate_on_submit():
        services.queue_test_message(institute, current_user)
        db.session.commit()
        flash(
            _("A test message to %(email)s is queued.", email=current_user.email),
            "success",
        )
    return redirect(url_for("mail.outbox", slug=institute.slug))


_URL = re.compile(r"https?://[^\s<>\"']+")


def linkify(text: str) -> Markup:
    """Plain text, escaped, with its web addresses made into links."""
    parts, last = [], 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:!?)")
        end = match.start() + len(url)
        parts.append(escape(text[last : match.start()]))
        parts.append(Markup('<a href="{0}" rel="noreferrer">{0}</a>').format(url))
        last = end
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


@bp.get("/institutes/<slug>/outbox/<int:message_id>/eml")
@institute_view("editor")  # the delivered file holds the invitee's live link: not for viewers
def delivered(institute, message_id: int):
    """Development only: the .eml the file backend wrote, with its live links to click."""
    if not _file_backend():
        abort(404)
    message = _message_or_404(institute, message_id)
    path = services.delivered_file(message, current_app.config["MAIL_FILE_DIR"])
    if path is None:
        abort(404)
    services.record_delivered_file_read(institute, message, current_user)
    db.session.commit()
    if request.args.get("download"):
        response = send_file(
            path,
            mimetype="message/rfc822",
            as_attachment=True,
            download_name=f"message-{message.id}.eml",
            max_age=0,
        )
    else:
        delivered_file = services.read_delivered_file(path)
        response = current_app.make_response(
            render_template(
                "mail/delivered.html",
                institute=institute,
                message=message,
                headers=delivered_file.headers,
                body=linkify(delivered_file.text),
                has_html=delivered_file.has_html,
            )
        )
    response.headers["Cache-Control"] = "no-store"
    return response


# --- flask send-mail ---------------------------------------------------------------------


@bp.cli.command("send-mail")
@click.option("--loop", is_flag=True, help="Keep running: check the outbox every INTERVAL.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=5.0,
    show_default=True,
    help="Seconds between checks of the outbox when it has nothing due.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="Messages per batch.",
)
def send_mail_command(loop: bool, interval: float, limit: int) -> None:
    """Deliver the due messages of the outbox (once, or as a long-running worker)."""
    backend = current_app.config.get("MAIL_BACKEND")
    try:
        make_backend(current_app.config)
    except (ValueError, KeyError) as error:
        raise click.ClickException(f"The mail settings cannot be used: {error}") from None
    if not loop:
        report = sender.SendReport()
        while True:
            batch = sender.deliver_due(limit)
            report.add(batch)
            if batch.handled < limit:
                break
        click.echo(report.summary())
        return

    stop = threading.Event()

    def request_stop(signum, frame) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    click.echo(
        f"Mail sender started ({backend} backend): checks the outbox every {interval:g} s; "
        "stop it with Ctrl+C or SIGTERM.",
    )
    try:
        while not stop.is_set():
            try:
                batch = sender.deliver_due(limit, should_stop=stop.is_set)
            except SQLAlchemyError:
                # The database may be restarting: report, and try again after the interval.
                current_app.logger.exception("mail sender: database error; retrying")
                db.session.rollback()
                batch = sender.SendReport()
            if batch.handled:
                click.echo(batch.summary())
            if batch.handled < limit:
                stop.wait(interval)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        db.session.remove()
    click.echo("Mail sender stopped.")
