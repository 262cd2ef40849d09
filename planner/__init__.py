"""Institute Planner: plan regional Training-of-Trainers institutes end to end."""

from pathlib import Path

from flask import Flask, render_template
from flask.globals import request_ctx

from planner.config import PROJECT_ROOT, check_production, load_config
from planner.extensions import babel, csrf, db, limiter, login_manager
from planner.security import log_redaction

BLUEPRINT_MODULES = (
    "planner.auth.views",
    "planner.institutes.views",
    "planner.organizations.views",
    "planner.invitations.views",
    "planner.travel.views",
    "planner.agenda.views",
    "planner.calendar.views",
    "planner.documents.views",
    "planner.mail.views",
    "planner.messages.views",
    "planner.twofactor.views",
    "planner.backup.views",
    "planner.admin.views",
    "planner.accounts.views",
    "planner.publishing.views",
    "planner.attendance.views",
    "planner.reports.views",
)


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    from planner import cli

    app.cli = cli.AppCommands(app)
    app.config.update(load_config(app.instance_path))
    if config:
        app.config.update(config)
    # Database errors must not write the values of a statement (names, phones) to the log.
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
        "hide_parameters": True,
    }
    check_production(app.config)
    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    _init_extensions(app)
    _register_blueprints(app)
    _register_error_pages(app)
    _register_template_helpers(app)

    cli.init_app(app)
    from planner.security import headers

    headers.init_app(app)
    log_redaction.install(app)
    from planner import health

    health.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    from planner import models  # noqa: F401 - every model registered before Alembic looks
    from planner.security import crypto

    db.init_app(app)
    csrf.init_app(app)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", _translation_directories())
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: "UTC")
    from planner import i18n

    i18n.init_app(app)
    limiter.init_app(app)
    crypto.init_app(app)

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    from flask_babel import lazy_gettext

    login_manager.login_message = lazy_gettext("Please sign in to open this page.")
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_organizer(session_token: str):
        from planner.auth.models import Organizer

        return db.session.scalar(
            db.select(Organizer).where(
                Organizer.session_token == session_token, Organizer.active.is_(True)
            )
        )


def _translation_directories() -> str:
    """The main catalog plus any package catalog (planner/<package>/translations)."""
    root = Path(__file__).parent
    dirs = [root / "translations", *sorted(root.glob("*/translations"))]
    return ";".join(str(d) for d in dirs)


def select_locale() -> str:
    from planner import i18n

    return i18n.select_locale()


def _register_blueprints(app: Flask) -> None:
    import importlib

    for module_name in BLUEPRINT_MODULES:
        module = importlib.import_module(module_name)
        app.register_blueprint(module.bp)


def _register_error_pages(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    messages = {
        400: (_l("Bad request"), _l("The request could not be understood. Please try again.")),
        403: (_l("Not allowed"), _l("Your role in this institute does not allow this.")),
        404: (_l("Not found"), _l("This page does not exist, or you do not have access to it.")),
        413: (_l("Too large"), _l("The file is too large.")),
        429: (_l("Too many attempts"), _l("Please wait a minute and try again.")),
        500: (_l("Something went wrong"), _l("The error has been logged. Please try again later.")),
    }

    def make_handler(code: int):
        def handler(error):
            if code == 500:
                db.session.rollback()
            title, message = messages[code]
            if request_ctx and request_ctx.url_adapter is None:
                # An untrusted Host header: no URL can be built, so no layout either.
                return f"{title}\n", code, {"Content-Type": "text/plain; charset=utf-8"}
            from planner.i18n import is_invitee_request

            return render_template(
                "errors/error.html",
                code=code,
                title=title,
                message=message,
                invitee_page=is_invitee_request(),
            ), code

        return handler

    for code in messages:
        app.register_error_handler(code, make_handler(code))


def _register_template_helpers(app: Flask) -> None:
    from flask_babel import get_locale

    from planner import formatting, i18n
    from planner.auth.forms import ROLE_LABELS
    from planner.institutes.access import can

    app.jinja_env.globals.update(
        can=can,
        get_locale=get_locale,
        languages=app.config["LANGUAGES"],
        language_menu=i18n.language_menu,
        role_labels={role.value: label for role, label in ROLE_LABELS.items()},
    )
    formatting.init_app(app)
