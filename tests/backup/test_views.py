"""Backups from the UI: the owner downloads an encrypted archive after re-authenticating;
an organizer restores one as a new institute after a preview. Wrong input answers with a
message, never a 500."""

import io
import os

import pytest
from sqlalchemy import func, select

from planner.auth.models import Membership, Organizer, TeamRole
from planner.backup import archive
from planner.extensions import db
from planner.institutes.models import Institute
from planner.invitations.models import Invitee
from planner.security.models import AuditEvent
from planner.twofactor.models import TwoFactor
from tests import factories
from tests.backup.conftest import OTHER_BACKUP_KEY
from tests.twofactor.conftest import enable_two_factor, next_code

PASSWORD = {"password": factories.DEFAULT_PASSWORD}


def download(client, institute, **data):
    return client.post(f"/institutes/{institute.slug}/backup", data=data or PASSWORD)


def upload(client, content: bytes, name="institute.backup", **data):
    return client.post(
        "/institutes/restore",
        data={"archive": (io.BytesIO(content), name), **(data or PASSWORD)},
        content_type="multipart/form-data",
    )


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_the_owner_downloads_the_encrypted_backup_after_the_password(
    client, login, organizer, institute
):
    factories.make_invitee(institute, passport_number="FA7654321")
    login(organizer)
    page = client.get(f"/institutes/{institute.slug}/backup")
    assert page.status_code == 200
    assert 'name="password"' in page.get_data(as_text=True)
    assert 'name="code"' not in page.get_data(as_text=True)  # two-factor is off

    wrong = download(client, institute, password="not it")
    assert wrong.status_code == 400
    assert "The password is not correct." in wrong.get_data(as_text=True)
    assert "institute.backup_downloaded" not in audit_actions()

    response = download(client, institute)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Content-Disposition"].startswith(
        f'attachment; filename="{institute.slug}-'
    )
    assert response.data.startswith(archive.MAGIC)
    assert b"FA7654321" not in response.data  # encrypted
    assert archive.preview(response.data).rows["invitee"] == 1
    assert audit_actions().count("institute.backup_downloaded") == 1


def test_with_two_factor_on_the_download_also_needs_a_code(client, login, organizer, institute):
    secret, _codes = enable_two_factor(organizer)
    client.post("/login", data={"email": organizer.email, **PASSWORD})
    client.post("/login/two-factor", data={"code": next_code(secret)})
    page = client.get(f"/institutes/{institute.slug}/backup").get_data(as_text=True)
    assert 'name="code"' in page

    assert download(client, institute, **PASSWORD).status_code == 400
    assert download(client, institute, **PASSWORD, code="000000").status_code == 400
    # A minute later: the code of sign-in is an older step than the app's next one.
    db.session.get(TwoFactor, organizer.id).last_step -= 2
    db.session.commit()
    response = download(client, institute, **PASSWORD, code=next_code(secret))
    assert response.status_code == 200
    assert response.data.startswith(archive.MAGIC)


def test_an_archived_institute_can_still_be_backed_up(client, login, organizer, institute):
    from planner.db import utcnow

    institute.archived_at = utcnow()
    db.session.commit()
    login(organizer)
    assert download(client, institute).status_code == 200


def _backup_of(client, institute) -> bytes:
    data = download(client, institute).data
    assert data.startswith(archive.MAGIC)
    return data


def test_restore_previews_then_creates_a_new_institute_the_uploader_owns(
    app, client, login, organizer, institute
):
    factories.make_invitee(institute, full_name="Айгуль Сапарова")
    factories.make_invitee(institute)
    login(organizer)
    data = _backup_of(client, institute)
    original_slug = institute.slug
    # The original goes away (renamed here), so the backup's short name is free again.
    institute.slug = "renamed-original"
    db.session.commit()
    someone = factories.make_organizer()
    client = login(someone, on=app.test_client())

    preview = upload(client, data)
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert institute.title in text and original_slug in text
    assert '<code>invitee</code></td><td class="text-end">2</td>' in text
    assert db.session.scalar(select(func.count()).select_from(Institute)) == 1  # nothing yet
    reference = text.split('name="reference" type="hidden" value="')[1].split('"')[0]

    done = client.post("/institutes/restore/confirm", data={"reference": reference})
    assert done.status_code == 302
    restored = db.session.scalar(select(Institute).where(Institute.slug == original_slug))
    assert done.headers["Location"] == f"/institutes/{original_slug}/"
    assert restored.id != institute.id
    roles = dict(
        db.session.execute(
            select(Membership.organizer_id, Membership.role).where(
                Membership.institute_id == restored.id
            )
        ).all()
    )
    assert roles.get(someone.id) == TeamRole.OWNER, (roles, someone.id, organizer.id)
    assert roles[organizer.id] == TeamRole.OWNER  # the original owner's account is matched
    names = set(
        db.session.scalars(select(Invitee.full_name).where(Invitee.institute_id == restored.id))
    )
    assert "Айгуль Сапарова" in names and len(names) == 2
    assert "institute.restored" in audit_actions()
    # The same upload cannot be confirmed twice.
    again = client.post("/institutes/restore/confirm", data={"reference": reference})
    assert again.status_code == 302 and again.headers["Location"] == "/institutes/restore"
    assert db.session.scalar(select(func.count()).select_from(Institute)) == 2
    assert not list((archive.Path(app.config["UPLOAD_DIR"]) / "restores").glob("*"))


def test_accounts_the_archive_brings_are_inactive_and_never_admins(
    client, login, organizer, institute
):
    colleague = factories.make_organizer(email="colleague@example.org", is_admin=True)
    factories.add_member(institute, colleague, TeamRole.EDITOR)
    login(organizer)
    data = _backup_of(client, institute)
    institute.slug = "renamed-original"
    db.session.delete(db.session.get(Organizer, colleague.id))
    db.session.commit()

    preview = upload(client, data).get_data(as_text=True)
    reference = preview.split('name="reference" type="hidden" value="')[1].split('"')[0]
    assert (
        client.post("/institutes/restore/confirm", data={"reference": reference}).status_code == 302
    )
    recreated = db.session.scalar(
        select(Organizer).where(Organizer.email == "colleague@example.org")
    )
    assert recreated is not None
    assert not recreated.active and not recreated.is_admin
    signing_in = client.application.test_client().post(
        "/login", data={"email": "colleague@example.org", **PASSWORD}
    )
    assert signing_in.status_code != 302  # cannot sign in with the old password


def test_a_slug_clash_is_refused_with_a_message(client, login, organizer, institute):
    login(organizer)
    data = _backup_of(client, institute)

    preview = upload(client, data)
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "already exists here" in text
    assert 'name="reference"' not in text
    assert db.session.scalar(select(func.count()).select_from(Institute)) == 1


def test_the_slug_taken_between_preview_and_confirm_is_refused_with_a_message(
    client, login, organizer, institute
):
    login(organizer)
    data = _backup_of(client, institute)
    slug = institute.slug
    institute.slug = "renamed-original"
    db.session.commit()
    preview = upload(client, data).get_data(as_text=True)
    reference = preview.split('name="reference" type="hidden" value="')[1].split('"')[0]
    institute.slug = slug
    db.session.commit()

    response = client.post(
        "/institutes/restore/confirm", data={"reference": reference}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "already exists here" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Institute)) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "This file is not a backup of the planner."),
        (b"not a backup at all", "This file is not a backup of the planner."),
        (archive.MAGIC + os.urandom(200), "The backup cannot be decrypted"),
        (b"PK\x03\x04" + os.urandom(100), "This file is not a backup of the planner."),
    ],
    ids=["empty", "text", "damaged", "zip"],
)
def test_a_corrupt_or_foreign_file_is_refused_with_a_message(
    client, login, organizer, content, message
):
    login(organizer)
    response = upload(client, content)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_a_backup_made_with_another_key_is_refused_with_a_message(
    app, client, login, organizer, institute
):
    login(organizer)
    app.config["BACKUP_KEY"] = OTHER_BACKUP_KEY
    data = _backup_of(client, institute)
    app.config["BACKUP_KEY"] = archive.base64.b64encode(b"backup-key-for-tests-32-bytes!!!")
    response = upload(client, data)
    assert response.status_code == 400
    assert "made with another backup key" in response.get_data(as_text=True)


def test_a_sealed_archive_that_is_not_an_institute_is_refused(client, login, organizer):
    login(organizer)
    with client.application.app_context():
        sealed = archive.seal(b"PK not really a zip")
    response = upload(client, sealed)
    assert response.status_code == 400
    assert "The backup is damaged or not from this planner." in response.get_data(as_text=True)


def test_a_file_over_the_limit_is_refused_with_a_message(app, client, login, organizer):
    app.config["BACKUP_UPLOAD_LIMIT"] = 1024 * 1024
    login(organizer)
    response = upload(client, b"x" * (1024 * 1024 + 10))
    assert response.status_code == 413
    assert "The file is too large (at most 1 MB)." in response.get_data(as_text=True)


def test_the_restore_needs_the_password_again(client, login, organizer, institute):
    login(organizer)
    data = _backup_of(client, institute)
    institute.slug = "renamed-original"
    db.session.commit()
    response = upload(client, data, password="wrong")
    assert response.status_code == 400
    assert "The password is not correct." in response.get_data(as_text=True)
    assert 'name="reference"' not in response.get_data(as_text=True)


def test_a_confirm_without_a_preview_or_with_a_forged_reference_restores_nothing(
    client, login, organizer
):
    login(organizer)
    for reference in ("", "../../etc/passwd", "A" * 32):
        response = client.post("/institutes/restore/confirm", data={"reference": reference})
        assert response.status_code == 302
        assert response.headers["Location"] == "/institutes/restore"
    assert db.session.scalar(select(func.count()).select_from(Institute)) == 0


def test_no_file_at_all_is_refused_with_a_message(client, login, organizer):
    login(organizer)
    response = client.post("/institutes/restore", data=PASSWORD)
    assert response.status_code == 400
    assert "Choose the backup file." in response.get_data(as_text=True)


def test_the_backup_and_admin_pages_speak_russian(client, login, institute):
    admin = factories.make_organizer(is_admin=True)
    factories.add_member(institute, admin, TeamRole.OWNER)
    login(admin)
    with client.session_transaction() as session:
        session["lang"] = "ru"
    assert "Восстановить из резервной копии" in client.get("/institutes/restore").get_data(
        as_text=True
    )
    page = client.get(f"/institutes/{institute.slug}/backup").get_data(as_text=True)
    assert "Скачать резервную копию" in page
    assert "Ключи шифрования" in client.get("/admin/").get_data(as_text=True)
    wrong = download(client, institute, password="nope").get_data(as_text=True)
    assert "Пароль неверный." in wrong
