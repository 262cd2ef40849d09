"""The Publish tab: conflicts first, what changed since the last version, publish, unpublish."""

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from planner.agenda.conflicts import find_conflicts
from planner.extensions import db
from planner.institutes.access import institute_view
from planner.institutes.forms import ConfirmForm
from planner.mail.forms import KIND_LABELS
from planner.publishing import services
from planner.publishing.forms import PublishForm
from planner.sections import add_section

bp = Blueprint("publishing", __name__)

add_section("publishing.index", _l("Publish"), 45)
# How the institute's outbox names the facilitators' messages.
KIND_LABELS["program_changed"] = _l("Program changed")


@bp.app_template_global()
def published_version(institute):
    """For the public program page: the version the public sees (number and date)."""
    return services.published_version(institute)


def _render(institute, form: PublishForm, status: int = 200):
    versions = services.versions_of(institute)
    return render_template(
        "publishing/index.html",
        institute=institute,
        form=form,
        conflicts=find_conflicts(institute),
        pending=services.pending_changes(institute),
        latest=versions[0] if versions else None,
        versions=versions,
        changelog_of=services.Changelog.from_json,
        kinds=services.CHANGE_KINDS,
        confirm=ConfirmForm(),
    ), status


@bp.get("/institutes/<slug>/publish")
@institute_view()
def index(institute):
    return _render(institute, PublishForm())


@bp.post("/institutes/<slug>/publish")
@institute_view("editor")
def publish(institute):
    form = PublishForm()
    if not form.validate_on_submit():
        return _render(institute, form, 400)
    if find_conflicts(institute) and not form.acknowledge_conflicts.data:
        form.acknowledge_conflicts.errors.append(
            _("The agenda has open warnings: look at them, then tick this box to publish.")
        )
        return _render(institute, form, 400)
    result = services.publish(
        institute,
        current_user,
        note=form.note.data or "",
        notify_facilitators=form.notify_facilitators.data,
        base_url=current_app.config["BASE_URL"],
    )
    db.session.commit()
    message = _("Version %(number)d of the program is published.", number=result.version.number)
    if result.facilitators_told:
        message += " " + ngettext(
            "%(num)d facilitator will get an e-mail about their changed sessions.",
            "%(num)d facilitators will get an e-mail about their changed sessions.",
            result.facilitators_told,
        )
    flash(message, "success")
    return redirect(url_for("publishing.index", slug=institute.slug))


@bp.post("/institutes/<slug>/publish/unpublish")
@institute_view("editor")
def unpublish(institute):
    if ConfirmForm().validate_on_submit():
        services.unpublish(institute, current_user)
        db.session.commit()
        flash(_("The program is no longer public."), "success")
    return redirect(url_for("publishing.index", slug=institute.slug))
