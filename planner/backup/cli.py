"""``flask export-institute``, ``flask import-institute``, ``flask rotate-encryption-key``."""

import os
from pathlib import Path

import click
from flask import Blueprint

from planner.backup import archive, rotation
from planner.extensions import db

bp = Blueprint("backup", __name__, cli_group=None)


@bp.cli.command("export-institute")
@click.argument("slug")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
def export_command(slug: str, file: str) -> None:
    """Write an encrypted backup of one institute (key: PLANNER_BACKUP_KEY)."""
    try:
        data, report = archive.export_institute(slug)
    except archive.BackupError as error:
        raise click.ClickException(str(error)) from None
    # Private to the user running the command, written whole or not at all.
    path = Path(file)
    temporary = path.with_name(f".{path.name}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.replace(temporary, path)
    rows = sum(report.rows.values())
    click.echo(f"Exported {slug}: {rows} rows in {len(report.rows)} tables, {report.files} files.")


@bp.cli.command("import-institute")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def import_command(file: str) -> None:
    """Restore an institute from a backup into this database."""
    try:
        report = archive.import_institute(Path(file).read_bytes())
    except archive.BackupError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    rows = sum(report.rows.values())
    click.echo(
        f"Imported {report.slug}: {rows} rows, {report.files} files; organizers: "
        f"{report.organizers_created} created, {report.organizers_matched} already here."
    )


@bp.cli.command("rotate-encryption-key")
def rotate_command() -> None:
    """Re-encrypt every encrypted field under the newest key id."""
    for report in rotation.rotate_encryption_key():
        click.echo(
            f"{report.table}.{report.column}: {report.rotated} re-encrypted, "
            f"{report.current} already under the newest key."
        )
