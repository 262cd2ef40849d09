"""No backup or administration form answers 5xx, whatever is posted (the forms of
planner/backup/views.py and planner/admin/views.py): random, missing and hostile fields, and
as files random bytes, damaged and foreign archives and a real backup."""

import base64

import pytest

from planner.backup import archive
from planner.extensions import db
from tests import factories
from tests.security.test_fuzz_forms import FILES, crawl, fuzz_route

BACKUP_KEY = base64.b64encode(b"backup-key-for-tests-32-bytes!!!").decode()


@pytest.fixture
def app_config():
    return {"BACKUP_KEY": BACKUP_KEY}


def test_no_backup_or_admin_form_answers_5xx(app, client, login):
    admin = factories.make_organizer(is_admin=True)
    institute = factories.make_institute(owner=admin)
    factories.make_invitee(institute, passport_number="FA1234567")
    login(admin)
    real = client.post(
        f"/institutes/{institute.slug}/backup", data={"password": factories.DEFAULT_PASSWORD}
    ).data
    assert real.startswith(archive.MAGIC)
    contents = [*FILES, real, real[:-10], archive.MAGIC + b"\x00" * 40, real[:200]]

    forms = crawl(client, f"/institutes/{institute.slug}/backup", "/institutes/", limit=3)
    forms |= crawl(client, "/institutes/restore", "/institutes/restore", limit=1)
    forms |= crawl(client, "/admin/", "/admin/", limit=1)
    backup = f"/institutes/{institute.slug}/backup"
    assert {backup, "/institutes/restore", "/admin/rotate-encryption-key"} <= set(forms)
    # The confirmation is reached after a preview; posted at its address with random fields.
    forms.setdefault("/institutes/restore/confirm", ({"reference": ["x" * 32]}, set()))
    extra = ["password", "code", "reference", "archive", "csrf_token"]
    for path in (backup, "/institutes/restore", "/institutes/restore/confirm"):
        fields, files = forms[path]
        fields = {**fields, "password": [factories.DEFAULT_PASSWORD]}
        fuzz_route(client, path, fields, files, extra, file_contents=contents)
    fields, files = forms["/admin/rotate-encryption-key"]
    fuzz_route(client, "/admin/rotate-encryption-key", fields, files, extra)
    db.session.rollback()
