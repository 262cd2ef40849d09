"""Flask commands: demo, create-organizer; domain packages add theirs on their blueprints."""

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup

from planner.config import MIGRATIONS_DIRECTORY
from planner.devserver import serve_command
from planner.extensions import db


class AppCommands(AppGroup):
    """The app's ``flask`` commands. Flask-Migrate's ``db`` group is set up when it is asked
    for: Flask-Migrate imports Alembic (about 13 MB), which a web worker never needs."""

    def __init__(self, app: Flask) -> None:
        super().__init__()
        self.app = app

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), "db"})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name == "db":
            init_migrations(self.app)
        return super().get_command(ctx, name)


def init_migrations(app: Flask) -> None:
    """Flask-Migrate on this app: the ``flask db`` commands and the ``migrate`` extension
    that migrations/env.py reads."""
    if "migrate" not in app.extensions:
        from flask_migrate import Migrate

        Migrate(app, db, directory=str(MIGRATIONS_DIRECTORY), render_as_batch=True)


def init_app(app) -> None:
    app.cli.add_command(demo_command)
    app.cli.add_command(create_organizer_command)
    app.cli.add_command(make_admin_command)
    app.cli.add_command(purge_expired_command)
    app.cli.add_command(serve_command)


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Only when the database has no institute yet.")
@click.option(
    "--reference",
    "reference_file",
    type=click.Path(exists=True, dir_okay=False),
    help="Also load the benchmark workload JSON (DESIGN §7) as a second institute.",
)
def demo_command(if_empty: bool, reference_file: str | None) -> None:
    """Load the fictional demo institute (idempotent)."""
    from sqlalchemy import func, select

    from planner.auth import services as accounts
    from planner.demo import DEMO_EMAIL, DEMO_PASSWORD, load_demo
    from planner.institutes.models import Institute

    if if_empty and db.session.scalar(select(func.count()).select_from(Institute)):
        click.echo("The database already has institutes; the demo is not loaded.")
    else:
        institute, created = load_demo()
        db.session.commit()
        click.echo(("Loaded" if created else "Already present:") + f" {institute.title}")
    if reference_file:
        import json

        from planner.reference import load_reference

        with open(reference_file, encoding="utf-8") as fh:
            slug = json.load(fh)["event"]["slug"]
        if db.session.scalar(select(Institute).where(Institute.slug == slug)):
            click.echo(f"Already present: the reference workload ({slug})")
        else:
            reference = load_reference(reference_file, owner=accounts.find_organizer(DEMO_EMAIL))
            db.session.commit()
            click.echo(f"Loaded the reference workload: {reference.title} ({slug})")
    base_url = current_app.config["BASE_URL"]
    click.echo(f"Demo login: {DEMO_EMAIL} / {DEMO_PASSWORD} at {base_url}/login")


@click.command("create-organizer")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.option("--locale", default="en", type=click.Choice(["en", "ru"]))
@click.option("--admin", is_flag=True, help="An administrator of the installation (key rotation).")
@click.password_option()
def create_organizer_command(
    email: str, name: str, locale: str, admin: bool, password: str
) -> None:
    """Create an organizer account."""
    from planner.auth import services

    try:
        organizer = services.create_organizer(email, name, password, locale)
    except services.AccountError as error:
        raise click.ClickException(str(error)) from error
    if admin:
        services.set_admin(organizer, True)
    db.session.commit()
    click.echo(f"Organizer {email} created" + (" (administrator)." if admin else "."))


@click.command("make-admin")
@click.argument("email")
@click.option("--revoke", is_flag=True, help="Take the administrator flag away instead.")
def make_admin_command(email: str, revoke: bool) -> None:
    """Make an organizer an administrator of the installation (or --revoke it)."""
    from planner.auth import services

    organizer = services.find_organizer(email)
    if organizer is None:
        raise click.ClickException(f"No organizer has the e-mail {email}.")
    services.set_admin(organizer, not revoke)
    db.session.commit()
    click.echo(f"{organizer.email} is {'no longer ' if revoke else ''}an administrator.")


@click.command("purge-expired")
@click.option("--dry-run", is_flag=True, help="Only list the institutes that are due.")
def purge_expired_command(dry_run: bool) -> None:
    """Remove personal data of institutes past their retention date."""
    from datetime import date

    from planner import retention

    due = retention.institutes_due(date.today())
    for institute in due:
        if dry_run:
            click.echo(f"due: {institute.slug} (retention date {institute.retention_date})")
            continue
        people = retention.purge_institute(institute)
        db.session.commit()
        click.echo(f"purged: {institute.slug} ({people} people)")
    if not due:
        click.echo("No institute is past its retention date.")


def main() -> None:
    """The ``planner`` console script: the flask commands of this app."""
    from planner import create_app

    FlaskGroup(create_app=lambda: create_app())(prog_name="planner", args=sys.argv[1:])
