"""Organizer account operations: create, authenticate, change password, team membership."""

from flask_babel import gettext as _
from sqlalchemy import func, select

from planner.auth.addresses import is_organizer_address, normalize_email
from planner.auth.models import Membership, Organizer, TeamRole, new_session_token
from planner.auth.passwords import (
    DUMMY_HASH,
    MIN_PASSWORD_LENGTH,
    hash_password,
    needs_rehash,
    verify_password,
)
from planner.extensions import db
from planner.security import audit


class AccountError(ValueError):
    """An operation on accounts or teams that cannot be done, with a message for the user."""


def find_organizer(email: str) -> Organizer | None:
    return db.session.scalar(select(Organizer).where(Organizer.email == normalize_email(email)))


def create_organizer(email: str, name: str, password: str, locale: str = "en") -> Organizer:
    if not is_organizer_address(email):
        raise AccountError(_("This e-mail address cannot be used to sign in."))
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            _("The password must be at least %(count)d characters.", count=MIN_PASSWORD_LENGTH)
        )
    if find_organizer(email):
        raise AccountError(_("An organizer with this e-mail already exists."))
    organizer = Organizer(
        email=normalize_email(email),
        name=name.strip(),
        password_hash=hash_password(password),
        locale=locale,
    )
    db.session.add(organizer)
    db.session.flush()
    audit.record("organizer.created", organizer=organizer, obj=organizer)
    return organizer


def set_admin(organizer: Organizer, admin: bool) -> None:
    """Grant or take away administration of the installation (audited)."""
    if organizer.is_admin == admin:
        return
    organizer.is_admin = admin
    audit.record(
        "organizer.admin_granted" if admin else "organizer.admin_revoked",
        organizer=organizer,
        obj=organizer,
    )


def authenticate(email: str, password: str) -> Organizer | None:
    """The active organizer with this e-mail and password, or None."""
    organizer = find_organizer(email)
    if organizer is None:
        verify_password(DUMMY_HASH, password)
        return None
    if not verify_password(organizer.password_hash, password) or not organizer.active:
        return None
    if needs_rehash(organizer.password_hash):
        organizer.password_hash = hash_password(password)
    return organizer


def change_password(organizer: Organizer, current: str, new: str) -> None:
    """Set a new password and revoke every other session of this organizer."""
    if not verify_password(organizer.password_hash, current):
        raise AccountError(_("The current password is not correct."))
    if len(new) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            _("The password must be at least %(count)d characters.", count=MIN_PASSWORD_LENGTH)
        )
    organizer.password_hash = hash_password(new)
    organizer.session_token = new_session_token()
    audit.record("organizer.password_changed", organizer=organizer, obj=organizer)


def revoke_sessions(organizer: Organizer) -> None:
    organizer.session_token = new_session_token()


def membership_of(organizer: Organizer, institute) -> Membership | None:
    return db.session.scalar(
        select(Membership).where(
            Membership.organizer_id == organizer.id, Membership.institute_id == institute.id
        )
    )


def add_member(institute, email: str, role: TeamRole, by: Organizer) -> Membership:
    organizer = find_organizer(email)
    if organizer is None:
        raise AccountError(
            _("No organizer account has this e-mail. Ask them to get an account first.")
        )
    if membership_of(organizer, institute):
        raise AccountError(_("This organizer is already in the team."))
    membership = Membership(organizer=organizer, institute=institute, role=role)
    db.session.add(membership)
    db.session.flush()
    audit.record("team.member_added", institute=institute, organizer=by, obj=membership)
    return membership


def _owner_count(institute) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(Membership.institute_id == institute.id, Membership.role == TeamRole.OWNER)
    )


def change_member_role(membership: Membership, role: TeamRole, by: Organizer) -> None:
    demoting_owner = membership.role == TeamRole.OWNER and role != TeamRole.OWNER
    if demoting_owner and _owner_count(membership.institute) <= 1:
        raise AccountError(_("An institute needs at least one owner."))
    membership.role = role
    audit.record(
        "team.member_role_changed", institute=membership.institute, organizer=by, obj=membership
    )


def remove_member(membership: Membership, by: Organizer) -> None:
    if membership.role == TeamRole.OWNER and _owner_count(membership.institute) <= 1:
        raise AccountError(_("An institute needs at least one owner."))
    audit.record(
        "team.member_removed", institute=membership.institute, organizer=by, obj=membership
    )
    db.session.delete(membership)
