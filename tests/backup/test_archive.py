"""Backups: export an institute, restore it into another database, compare every row and file.

The round trip runs SQLite -> PostgreSQL -> SQLite when a PostgreSQL server is configured
(PLANNER_TEST_DATABASE_URL), else SQLite -> SQLite; the target databases use another field
key, so encrypted fields must be decrypted on export and encrypted again on import.
"""

import base64
import io
import json
import os
import zipfile
from contextlib import ExitStack
from datetime import date

import pytest
from sqlalchemy import Text, func, select, type_coerce

from planner.backup import archive
from planner.demo import DEMO_SLUG, load_demo
from planner.extensions import db
from planner.institutes.models import Institute
from planner.invitations.models import Invitee
from tests.conftest import _postgres_url, make_test_app, throwaway_postgres_database

BACKUP_KEY = base64.b64encode(b"backup-key-for-tests-32-bytes!!!").decode()
OTHER_FIELD_KEY = "target:dGFyZ2V0LWRhdGFiYXNlLWZpZWxkLWtleS0zMmJ5ISE="


def _app(url: str, tmp_path, name: str, **config):
    app = make_test_app(
        url,
        BACKUP_KEY=BACKUP_KEY,
        UPLOAD_DIR=str(tmp_path / name / "uploads"),
        MAIL_FILE_DIR=str(tmp_path / name / "mail"),
        DOCUMENT_CACHE_DIR=str(tmp_path / name / "documents"),
        **config,
    )
    with app.app_context():
        db.create_all()
    return app


def _uploaded_files(root) -> int:
    return sum(1 for path in (root / "uploads").rglob("*") if path.is_file())


def normalized(sealed: bytes) -> dict:
    """The archive's rows with every id replaced by its position in its table, and every
    foreign key by the position of the row it points to: equal for equal data, whatever ids
    two databases gave."""
    with zipfile.ZipFile(io.BytesIO(archive.unseal(sealed))) as zipped:
        manifest = json.loads(zipped.read("manifest.json"))
        files = {e["path"]: zipped.read(f"files/{e['path']}") for e in manifest["files"]}
    keys = {name: archive._key(db.metadata.tables[name]) for name in manifest["tables"]}
    positions = {
        name: {
            row[content["columns"].index(keys[name].name)]: n
            for n, row in enumerate(content["rows"])
        }
        for name, content in manifest["tables"].items()
    }
    tables = {}
    for name, content in manifest["tables"].items():
        table = db.metadata.tables[name]
        rows = []
        for values in content["rows"]:
            row = dict(zip(content["columns"], values, strict=True))
            if not keys[name].foreign_keys:  # a key that is a foreign key is mapped below
                row[keys[name].name] = positions[name][row[keys[name].name]]
            outside = False
            for fk in table.foreign_keys:
                value = row[fk.parent.name]
                target = fk.column.table.name
                if value is None:
                    continue
                if target in positions and value in positions[target]:
                    row[fk.parent.name] = positions[target][value]
                else:  # the organization and people: linked again on restore, not copied
                    row[fk.parent.name] = "outside the archive"
                    outside = True
            if not (outside and name in archive.CROSS_INSTITUTE):
                rows.append(row)
        tables[name] = rows
    return {"tables": tables, "files": files, "slug": manifest["institute"]}


def _export(app, slug: str) -> bytes:
    with app.app_context():
        sealed, _report = archive.export_institute(slug)
        db.session.remove()
        db.engine.dispose()
    return sealed


def _import(app, sealed: bytes) -> archive.ImportReport:
    with app.app_context():
        report = archive.import_institute(sealed)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return report


@pytest.fixture
def source(tmp_path):
    """A SQLite database holding the demo institute, with an uploaded letterhead image."""
    app = _app(f"sqlite:///{tmp_path / 'source.sqlite'}", tmp_path, "source")
    with app.app_context():
        institute, _created = load_demo()
        db.session.commit()
        invitee = db.session.scalars(select(Invitee).where(Invitee.institute_id == institute.id))
        first = invitee.first()
        first.passport_number = "N12345678"
        first.date_of_birth = "1990-05-17"
        db.session.commit()
        uploads = archive.institute_upload_dir(institute.id)
        (uploads / "letters").mkdir(parents=True)
        (uploads / "letterhead-3f9a.png").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(512))
        (uploads / "letters" / "signature.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"sig")
        db.session.remove()
        db.engine.dispose()
    return app


def test_round_trip_keeps_every_row_and_file(source, tmp_path):
    original = _export(source, DEMO_SLUG)
    with ExitStack() as stack:
        server = _postgres_url()
        if server:
            middle_url = stack.enter_context(throwaway_postgres_database(server, "planner_backup"))
        else:
            middle_url = f"sqlite:///{tmp_path / 'middle.sqlite'}"
        middle = _app(middle_url, tmp_path, "middle", ENCRYPTION_KEYS=OTHER_FIELD_KEY)
        report = _import(middle, original)
        assert report.files == _uploaded_files(tmp_path / "source") >= 2
        assert report.organizers_created >= 1
        with middle.app_context():
            # Encrypted under the target's own key, and readable there.
            stored = db.session.scalars(
                select(type_coerce(Invitee.__table__.c.passport_number, Text)).where(
                    Invitee.passport_number.is_not(None)
                )
            ).all()
            assert stored
            assert all(value.startswith("target:") for value in stored)
            assert "N12345678" in db.session.scalars(select(Invitee.passport_number)).all()
            uploads = archive.institute_upload_dir(report.institute_id)
            assert (uploads / "letters" / "signature.png").read_bytes().endswith(b"sig")
            db.session.remove()
            db.engine.dispose()
        through_middle = _export(middle, DEMO_SLUG)
        assert middle_url.startswith("postgresql" if server else "sqlite")

    back = _app(f"sqlite:///{tmp_path / 'back.sqlite'}", tmp_path, "back")
    _import(back, through_middle)
    round_trip = _export(back, DEMO_SLUG)

    with source.app_context():
        expected = normalized(original)
        # The demo login administers its installation; a restored account never does (an
        # archive must not grant administration of the installation it is restored into).
        assert any(row["is_admin"] for row in expected["tables"]["organizer"])
        for row in expected["tables"]["organizer"]:
            row["is_admin"] = False
        got = normalized(through_middle)
        for name in expected["tables"]:
            for a, b in zip(got["tables"][name], expected["tables"][name], strict=True):
                assert a == b, (name, {k: (a[k], b[k]) for k in a if a[k] != b[k]})
        assert got == expected
        assert normalized(round_trip) == expected
    assert sum(len(rows) for rows in expected["tables"].values()) > 100
    assert {"invitee", "session", "travel_leg", "status_change", "membership"} <= set(
        name for name, rows in expected["tables"].items() if rows
    )


def test_the_archive_is_encrypted_and_holds_no_plain_value(source):
    sealed = _export(source, DEMO_SLUG)

    assert sealed.startswith(archive.MAGIC)
    assert b"N12345678" not in sealed
    assert DEMO_SLUG.encode() not in sealed
    with source.app_context():
        manifest = json.loads(
            zipfile.ZipFile(io.BytesIO(archive.unseal(sealed))).read("manifest.json")
        )
        assert manifest["schema_version"] == archive.schema_version()
        # Inside the encrypted archive, the passport number is in clear for the restore.
        assert "N12345678" in json.dumps(manifest)
        # No live session of any account travels in a backup.
        organizers = manifest["tables"]["organizer"]
        token_at = organizers["columns"].index("session_token")
        assert all(row[token_at] is None for row in organizers["rows"])


def test_restore_refuses_a_wrong_key_a_damaged_file_and_an_existing_slug(source, tmp_path):
    sealed = _export(source, DEMO_SLUG)
    target = _app(f"sqlite:///{tmp_path / 'target.sqlite'}", tmp_path, "target")

    with target.app_context():
        target.config["BACKUP_KEY"] = base64.b64encode(b"another-key-32-bytes-long-000000").decode()
        with pytest.raises(archive.BackupError, match="wrong key or damaged"):
            archive.import_institute(sealed)
        target.config["BACKUP_KEY"] = BACKUP_KEY
        damaged = sealed[:-10] + bytes(10)
        with pytest.raises(archive.BackupError, match="wrong key or damaged"):
            archive.import_institute(damaged)
        with pytest.raises(archive.BackupError, match="not an Institute Planner backup"):
            archive.import_institute(b"PK\x03\x04 a zip")
        archive.import_institute(sealed)
        db.session.commit()
        with pytest.raises(archive.BackupError, match="already has an institute"):
            archive.import_institute(sealed)
        db.session.rollback()
        assert db.session.scalar(select(db.func.count()).select_from(Institute)) == 1
        db.session.remove()
        db.engine.dispose()


def test_restore_refuses_another_schema_version(source, tmp_path, monkeypatch):
    sealed = _export(source, DEMO_SLUG)
    target = _app(f"sqlite:///{tmp_path / 'target.sqlite'}", tmp_path, "target")
    monkeypatch.setattr(archive, "schema_version", lambda: "a_newer_schema")

    with target.app_context(), pytest.raises(archive.BackupError, match="schema"):
        archive.import_institute(sealed)


def test_commands_export_and_import(source, tmp_path):
    backup = tmp_path / "demo.backup"

    exported = source.test_cli_runner().invoke(args=["export-institute", DEMO_SLUG, str(backup)])

    assert exported.exit_code == 0, exported.output
    assert f"Exported {DEMO_SLUG}:" in exported.output
    assert oct(backup.stat().st_mode & 0o777) == "0o600"
    target = _app(f"sqlite:///{tmp_path / 'target.sqlite'}", tmp_path, "target")
    imported = target.test_cli_runner().invoke(args=["import-institute", str(backup)])
    assert imported.exit_code == 0, imported.output
    assert f"{_uploaded_files(tmp_path / 'source')} files" in imported.output
    again = target.test_cli_runner().invoke(args=["import-institute", str(backup)])
    assert again.exit_code != 0
    assert "already has an institute" in again.output
    missing = source.test_cli_runner().invoke(args=["export-institute", "nope", str(backup)])
    assert missing.exit_code != 0
    assert "No institute has the slug" in missing.output
    with target.app_context():
        institute = db.session.scalar(select(Institute))
        assert institute.start_date > date(2000, 1, 1)
        db.session.remove()
        db.engine.dispose()


def test_export_without_a_backup_key_says_so(source, tmp_path, monkeypatch):
    monkeypatch.delenv("PLANNER_BACKUP_KEY", raising=False)
    source.config["BACKUP_KEY"] = None

    result = source.test_cli_runner().invoke(
        args=["export-institute", DEMO_SLUG, str(tmp_path / "x")]
    )

    assert result.exit_code != 0
    assert "PLANNER_BACKUP_KEY is not set" in result.output


def test_restore_joins_the_organization_by_name_and_links_people_by_e_mail(source, tmp_path):
    from planner.auth.models import Membership, TeamRole
    from planner.organizations.models import Organization, OrganizationMember, Person
    from tests import factories

    sealed = _export(source, DEMO_SLUG)
    with source.app_context():
        name = db.session.scalar(
            select(Organization.name)
            .join(Institute, Institute.organization_id == Organization.id)
            .where(Institute.slug == DEMO_SLUG)
        )
        rania = db.session.scalar(select(Invitee.email).where(Invitee.full_name == "Rania Haddad"))
        db.session.remove()
        db.engine.dispose()

    target = _app(f"sqlite:///{tmp_path / 'target.sqlite'}", tmp_path, "target")
    with target.app_context():
        restorer = factories.make_organizer("restorer@example.org")
        organization = factories.make_organization(owner=restorer, name=name)
        earlier = factories.make_institute(owner=restorer, organization=organization)
        before = factories.make_invitee(earlier, email=rania)
        report = archive.import_institute(sealed, restored_by=restorer)
        db.session.commit()

        restored = db.session.get(Institute, report.institute_id)
        assert restored.organization_id == organization.id
        assert (
            db.session.scalar(
                select(Membership.role).where(
                    Membership.institute_id == restored.id, Membership.organizer_id == restorer.id
                )
            )
            == TeamRole.OWNER
        )
        invitees = db.session.scalars(
            select(Invitee).where(Invitee.institute_id == restored.id)
        ).all()
        assert invitees and all(i.person_id is not None for i in invitees)
        (again,) = [i for i in invitees if i.email == rania]
        assert again.person_id == before.person_id  # the same human in the same organization
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(Person)
                .where(Person.organization_id != organization.id)
            )
            == 0
        )

        # From the command line into a database without that organization: a new one, owned by
        # the institute's owners.
        db.session.remove()
        db.engine.dispose()
    fresh = _app(f"sqlite:///{tmp_path / 'fresh.sqlite'}", tmp_path, "fresh")
    report = _import(fresh, sealed)
    with fresh.app_context():
        restored = db.session.get(Institute, report.institute_id)
        assert db.session.get(Organization, restored.organization_id).name == name
        owners = set(
            db.session.scalars(
                select(Membership.organizer_id).where(
                    Membership.institute_id == restored.id, Membership.role == TeamRole.OWNER
                )
            )
        )
        members = set(
            db.session.scalars(
                select(OrganizationMember.organizer_id).where(
                    OrganizationMember.organization_id == restored.organization_id
                )
            )
        )
        assert owners and owners <= members
        db.session.remove()
        db.engine.dispose()
