"""Backup tests: the app has a backup key."""

import base64

import pytest

BACKUP_KEY = base64.b64encode(b"backup-key-for-tests-32-bytes!!!").decode()
OTHER_BACKUP_KEY = base64.b64encode(b"another-backup-key-32-bytes-long").decode()


@pytest.fixture
def app_config():
    return {"BACKUP_KEY": BACKUP_KEY}
