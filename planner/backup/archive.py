"""Export one institute to an encrypted archive and restore it into another database.

The archive is ``MAGIC || nonce || AES-256-GCM(zip)`` under PLANNER_BACKUP_KEY (base64 of 32
bytes). The zip holds ``manifest.json`` (format, schema version = the Alembic head of this
code, every row belonging to the institute, per table, in id order) and ``files/``: the
institute's uploads. Encrypted fields are exported in clear *inside* the encrypted archive
and encrypted again on import under the target's current field key.

What belongs to an institute is read from the schema: the institute row, every row of a table
with a foreign key to a row that belongs, and the organizers those rows refer to (matched by
e-mail on import; an account's own two-factor secrets stay out). Import gives every row a new
id and rewrites every foreign key through the old-to-new map, so relationships are kept.

The organization that owns the institute travels by name only: a restore puts the institute in
the restorer's organization of that name (or the only one of that name, from the command line),
else in a new one. People (the link between one human's invitee records across an
organization's institutes) are made again on restore by e-mail, as for a new invitee; decisions
about name matches with other institutes' people stay behind.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import os
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import Table, TypeDecorator, insert, or_, select

from planner.auth.models import new_session_token
from planner.db import utcnow
from planner.extensions import db

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"INSTITUTE-PLANNER-BACKUP\x00v1\n"
FORMAT = 1
ROOT = "institute"
SHARED = "organizer"  # referred to, matched by e-mail, never owned by one institute
ORGANIZATION = "organization"  # referred to by name (see the module's text)
RELINKED = frozenset({"person"})  # references written as NULL, then linked again
CROSS_INSTITUTE = frozenset({"returning_match"})  # rows about another institute: left out
EXCLUDED = frozenset(
    {
        "organizer_two_factor",
        "organizer_recovery_code",
        "organizer_remembered_device",
        "alembic_version",
        "derived_value",  # figures computed from the data: a restored institute computes them
    }
)


class BackupError(RuntimeError):
    """The archive cannot be written or restored; the message says why."""


# The key and the envelope ------------------------------------------------------------------


def backup_key() -> AESGCM:
    encoded = current_app.config.get("BACKUP_KEY") or os.environ.get("PLANNER_BACKUP_KEY")
    if not encoded:
        raise BackupError("PLANNER_BACKUP_KEY is not set (base64 of 32 random bytes).")
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise BackupError("PLANNER_BACKUP_KEY must be base64 of exactly 32 bytes.")
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # 7 MB: backups only

    return AESGCM(raw)


def seal(payload: bytes) -> bytes:
    nonce = os.urandom(12)
    return MAGIC + nonce + backup_key().encrypt(nonce, payload, MAGIC)


def unseal(data: bytes) -> bytes:
    if not data.startswith(MAGIC):
        raise BackupError("This file is not an Institute Planner backup.")
    body = data[len(MAGIC) :]
    from cryptography.exceptions import InvalidTag

    try:
        return backup_key().decrypt(body[:12], body[12:], MAGIC)
    except InvalidTag:
        raise BackupError("The backup cannot be decrypted: wrong key or damaged file.") from None


def schema_version() -> str:
    """The Alembic head of this code: an archive restores only into the same schema."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from planner.config import MIGRATIONS_DIRECTORY

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIRECTORY))
    return ",".join(sorted(ScriptDirectory.from_config(config).get_heads()))


# Which rows belong to the institute --------------------------------------------------------


def _tables() -> list[Table]:
    return [t for t in db.metadata.sorted_tables if t.name not in EXCLUDED]


def _key(table: Table):
    """The table's one primary-key column: a surrogate ``id``, or a foreign key for tables that
    hold one row per institute or invitee (settings, profiles, check-in passes)."""
    (column,) = table.primary_key.columns
    return column


def _owned_id_queries(institute_id: int) -> dict[str, object]:
    """For each owned table, a SELECT of the ids of its rows that belong to the institute."""
    queries: dict[str, object] = {}
    for table in _tables():
        if table.name == SHARED:
            continue
        if table.name == ROOT:
            queries[ROOT] = select(table.c.id).where(table.c.id == institute_id)
            continue
        links = [
            fk.parent.in_(queries[fk.column.table.name])
            for fk in table.foreign_keys
            if fk.column.table.name in queries
        ]
        if links:
            queries[table.name] = select(_key(table)).where(or_(*links))
    return queries


def _json_value(value):
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


def _column_value(column, value):
    if value is None:
        return None
    column_type = column.type
    while isinstance(column_type, TypeDecorator):
        column_type = column_type.impl_instance
    try:
        kind = column_type.python_type
    except NotImplementedError:
        return value
    if issubclass(kind, datetime):
        return datetime.fromisoformat(value)
    if issubclass(kind, date):
        return date.fromisoformat(value)
    if issubclass(kind, time):
        return time.fromisoformat(value)
    if issubclass(kind, Decimal):
        return Decimal(value)
    if issubclass(kind, bytes):
        return base64.b64decode(value)
    return value


def _read_rows(table: Table, where) -> dict:
    columns = [c.name for c in table.columns]
    rows = db.session.execute(select(table).where(where).order_by(_key(table))).all()
    return {"columns": columns, "rows": [[_json_value(v) for v in row] for row in rows]}


def institute_upload_dir(institute_id: int) -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / str(int(institute_id))


# Export ------------------------------------------------------------------------------------


@dataclass
class ExportReport:
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0


def export_institute(slug: str) -> tuple[bytes, ExportReport]:
    """The sealed archive of the institute with this slug, and what it holds."""
    institute_table = db.metadata.tables[ROOT]
    institute_id = db.session.scalar(
        select(institute_table.c.id).where(institute_table.c.slug == slug)
    )
    if institute_id is None:
        raise BackupError(f"No institute has the slug {slug!r}.")
    queries = _owned_id_queries(institute_id)
    tables: dict[str, dict] = {}
    report = ExportReport()
    for table in _tables():
        if table.name in queries:
            tables[table.name] = _read_rows(table, _key(table).in_(queries[table.name]))
            report.rows[table.name] = len(tables[table.name]["rows"])
    organizer = db.metadata.tables[SHARED]
    organizer_ids = set()
    for t in _tables():
        if t.name not in queries:
            continue
        for fk in t.foreign_keys:
            if fk.column.table.name == SHARED:
                organizer_ids |= set(
                    db.session.scalars(
                        select(fk.parent).where(
                            _key(t).in_(queries[t.name]), fk.parent.is_not(None)
                        )
                    )
                )
    shared = _read_rows(organizer, organizer.c.id.in_(sorted(organizer_ids)))
    # A restored account signs in with its password; every session of the old one ends.
    token_at = shared["columns"].index("session_token")
    for row in shared["rows"]:
        row[token_at] = None
    tables[SHARED] = shared
    report.rows[SHARED] = len(shared["rows"])

    buffer = io.BytesIO()
    files = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        upload_dir = institute_upload_dir(institute_id)
        if upload_dir.is_dir():
            for path in sorted(p for p in upload_dir.rglob("*") if p.is_file()):
                relative = path.relative_to(upload_dir).as_posix()
                content = path.read_bytes()
                archive.writestr(f"files/{relative}", content)
                files.append({"path": relative, "sha256": hashlib.sha256(content).hexdigest()})
        manifest = {
            "application": "institute-planner",
            "format": FORMAT,
            "schema_version": schema_version(),
            "exported_at": utcnow().isoformat(),
            "institute": slug,
            "organization": _organization_name(institute_id),
            "tables": tables,
            "files": files,
        }
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False))
    report.files = len(files)
    return seal(buffer.getvalue()), report


def _organization_name(institute_id: int) -> str:
    institute = db.metadata.tables[ROOT]
    organization = db.metadata.tables[ORGANIZATION]
    return (
        db.session.scalar(
            select(organization.c.name)
            .join(institute, institute.c.organization_id == organization.c.id)
            .where(institute.c.id == institute_id)
        )
        or ""
    )


# Import ------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    slug: str = ""
    institute_id: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    organizers_created: int = 0
    organizers_matched: int = 0
    files: int = 0


def read_archive(data: bytes) -> tuple[dict, dict[str, bytes]]:
    """The manifest and the files of a sealed archive, checked against this schema."""
    try:
        with zipfile.ZipFile(io.BytesIO(unseal(data))) as archive:
            manifest = json.loads(archive.read("manifest.json"))
            files = {}
            for entry in manifest.get("files", []):
                content = archive.read(f"files/{entry['path']}")
                if hashlib.sha256(content).hexdigest() != entry["sha256"]:
                    raise BackupError(f"The file {entry['path']} in the archive is damaged.")
                files[entry["path"]] = content
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, AttributeError) as error:
        raise BackupError(f"The archive is damaged: {error}") from None
    if (
        not isinstance(manifest, dict)
        or manifest.get("application") != "institute-planner"
        or manifest.get("format") != FORMAT
        or not isinstance(manifest.get("tables"), dict)
    ):
        raise BackupError("The archive has an unknown format.")
    if manifest.get("schema_version") != schema_version():
        raise BackupError(
            f"The archive was written by schema {manifest.get('schema_version')}; this database "
            f"is at {schema_version()}. Restore it with the matching version of the planner."
        )
    for name, content in manifest["tables"].items():
        table = db.metadata.tables.get(name)
        if (
            table is None
            or not isinstance(content, dict)
            or set(content.get("columns") or ()) != {c.name for c in table.columns}
            or not isinstance(content.get("rows"), list)
        ):
            raise BackupError(f"The table {name} in the archive does not match this schema.")
    if len(manifest["tables"].get(ROOT, {}).get("rows", [])) != 1:
        raise BackupError("The archive does not hold exactly one institute.")
    return manifest, files


@dataclass
class Preview:
    slug: str
    title: str
    exported_at: str
    rows: dict[str, int]
    files: int
    slug_taken: bool


def preview(data: bytes) -> Preview:
    """What a sealed archive holds, read without writing anything."""
    manifest, files = read_archive(data)
    institute = manifest["tables"][ROOT]
    row = dict(zip(institute["columns"], institute["rows"][0], strict=True))
    institute_table = db.metadata.tables[ROOT]
    slug = str(manifest.get("institute") or row.get("slug") or "")
    taken = db.session.scalar(select(institute_table.c.id).where(institute_table.c.slug == slug))
    return Preview(
        slug=slug,
        title=str(row.get("title") or ""),
        exported_at=str(manifest.get("exported_at") or ""),
        rows={name: len(content["rows"]) for name, content in manifest["tables"].items()},
        files=len(files),
        slug_taken=taken is not None,
    )


def _safe_relative(path: str) -> Path:
    relative = Path(path)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise BackupError(f"The archive holds a file outside its folder: {path!r}.")
    return relative


def import_institute(data: bytes, restored_by=None) -> ImportReport:
    """Restore the archive as a new institute in this database (the caller commits).

    An account the archive brings that this database lacks is created without administration
    of the installation. Restored from the UI (``restored_by``, an organizer): such accounts
    are created inactive with an unusable password (an owner invites them again), and the
    organizer who restores owns the new institute.
    """
    manifest, files = read_archive(data)
    tables = manifest["tables"]
    report = ImportReport(slug=manifest["institute"])
    institute_table = db.metadata.tables[ROOT]
    if db.session.scalar(select(institute_table.c.id).where(institute_table.c.slug == report.slug)):
        raise BackupError(
            f"This database already has an institute with the slug {report.slug!r}; "
            "restore into another database."
        )
    for path in files:
        _safe_relative(path)
    new_ids: dict[str, dict[int, int]] = {}

    organizer = db.metadata.tables[SHARED]
    shared = tables.get(SHARED, {"columns": [], "rows": []})
    new_ids[SHARED] = {}
    for values in shared["rows"]:
        row = dict(zip(shared["columns"], values, strict=True))
        existing = db.session.scalar(
            select(organizer.c.id).where(organizer.c.email == row["email"])
        )
        if existing is not None:
            new_ids[SHARED][row["id"]] = existing
            report.organizers_matched += 1
            continue
        row["session_token"] = new_session_token()
        if "is_admin" in row:
            row["is_admin"] = False  # never granted by a file
        if restored_by is not None:
            row["active"] = False
            row["password_hash"] = "!restored:" + new_session_token()
        new_ids[SHARED][row["id"]] = _insert(organizer, row, new_ids)
        report.organizers_created += 1

    old_organization = tables[ROOT]["rows"][0][tables[ROOT]["columns"].index("organization_id")]
    organization_id, organization_is_new = _target_organization(
        str(manifest.get("organization") or report.slug), restored_by
    )
    new_ids[ORGANIZATION] = {old_organization: organization_id}

    for table in _tables():
        if table.name == SHARED or table.name not in tables:
            continue
        content = tables[table.name]
        new_ids[table.name] = {}
        written = 0
        for values in content["rows"]:
            row = dict(zip(content["columns"], values, strict=True))
            try:
                new_ids[table.name][row[_key(table).name]] = _insert(table, row, new_ids)
            except _MissingReference as missing:
                if table.name not in CROSS_INSTITUTE:
                    raise BackupError(str(missing)) from None
                continue
            written += 1
        report.rows[table.name] = written
    report.institute_id = next(iter(new_ids[ROOT].values()))
    if restored_by is not None:
        _make_owner(report.institute_id, restored_by.id)
    if organization_is_new:
        _owners_join_organization(report.institute_id, new_ids[ORGANIZATION])
    from planner.organizations.people import link_unlinked

    link_unlinked(report.institute_id)

    target = institute_upload_dir(report.institute_id)
    for path, content in files.items():
        destination = target / _safe_relative(path)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(content)
    report.files = len(files)
    return report


def _target_organization(name: str, restored_by) -> tuple[int, bool]:
    """(the organization the restored institute joins, whether it was made now)."""
    from planner.organizations.models import Organization, OrganizationMember, OrganizationRole

    query = select(Organization.id).where(Organization.name == name).order_by(Organization.id)
    if restored_by is not None:
        query = query.join(OrganizationMember).where(
            OrganizationMember.organizer_id == restored_by.id
        )
    existing = db.session.scalars(query).all()
    if len(existing) == 1 or (existing and restored_by is not None):
        return existing[0], False
    organization = Organization(name=name)
    if restored_by is not None:
        organization.members.append(
            OrganizationMember(organizer_id=restored_by.id, role=OrganizationRole.OWNER)
        )
    db.session.add(organization)
    db.session.flush()
    return organization.id, True


def _owners_join_organization(institute_id: int, organizations: dict[int, int]) -> None:
    """A new organization made by a restore gets the institute's owners as its owners."""
    from planner.auth.models import Membership, TeamRole
    from planner.organizations.models import OrganizationMember, OrganizationRole

    (organization_id,) = organizations.values()
    present = set(
        db.session.scalars(
            select(OrganizationMember.organizer_id).where(
                OrganizationMember.organization_id == organization_id
            )
        )
    )
    owners = db.session.scalars(
        select(Membership.organizer_id).where(
            Membership.institute_id == institute_id, Membership.role == TeamRole.OWNER
        )
    )
    for organizer_id in owners:
        if organizer_id not in present:
            db.session.add(
                OrganizationMember(
                    organization_id=organization_id,
                    organizer_id=organizer_id,
                    role=OrganizationRole.OWNER,
                )
            )
    db.session.flush()


class _MissingReference(BackupError):
    pass


def _make_owner(institute_id: int, organizer_id: int) -> None:
    from planner.auth.models import Membership, TeamRole

    membership = db.session.scalar(
        select(Membership).where(
            Membership.institute_id == institute_id, Membership.organizer_id == organizer_id
        )
    )
    if membership is None:
        db.session.add(
            Membership(institute_id=institute_id, organizer_id=organizer_id, role=TeamRole.OWNER)
        )
    else:
        membership.role = TeamRole.OWNER
    db.session.flush()


def _insert(table: Table, row: dict, new_ids: dict[str, dict[int, int]]) -> int:
    values = {}
    key = _key(table)
    for column in table.columns:
        if column is key and not column.foreign_keys:
            continue  # a new surrogate id; a key that is a foreign key is mapped below
        value = _column_value(column, row[column.name])
        for fk in column.foreign_keys:
            if fk.column.table.name in RELINKED:
                value = None
            elif value is not None:
                mapping = new_ids.get(fk.column.table.name, {})
                if value not in mapping:
                    raise _MissingReference(
                        f"{table.name}.{column.name} refers to a row missing from the archive."
                    )
                value = mapping[value]
        values[column.name] = value
    return db.session.execute(insert(table).values(values).returning(key)).scalar_one()
