"""Team invitations: an owner invites a colleague by e-mail with a role.

The rule: the colleague gets a single-use link valid for ``INVITATION_LIFETIME``. A person
without an account sets their name and password through it and is signed in, in the
institute; a person with an account (the same address) accepts and joins. Opening the link
changes nothing (mail scanners follow links); accepting is a POST. Only the SHA-256 of the
token is stored. Archived institutes invite nobody.
"""

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from planner.accounts.models import TeamInvitation
from planner.auth.addresses import is_organizer_address, normalize_email
from planner.auth.models import Membership, Organizer, TeamRole
from planner.auth.services import AccountError, create_organizer, find_organizer, membership_of
from planner.db import utcnow
from planner.extensions import db
from planner.institutes.access import ensure_writable
from planner.institutes.models import Institute
from planner.links import personal_url
from planner.mail.services import queue_email, render_email
from planner.security import audit
from planner.security.tokens import hash_token, new_token

INVITATION_LIFETIME = timedelta(days=7)


def join_url(base_url: str, token: str) -> str:
    return personal_url("join", token, base=base_url)


def invite_colleague(
    institute: Institute, email: str, role: TeamRole, by: Organizer, base_url: str
) -> TeamInvitation:
    """Invite ``email`` to the team with ``role``; queue the e-mail with the link.

    Inviting the same address again replaces the earlier link (only the newest works).
    """
    ensure_writable(institute)
    if not is_organizer_address(email):
        raise AccountError(_("Enter a valid e-mail address."))
    email = normalize_email(email)
    existing = find_organizer(email)
    if existing is not None and membership_of(existing, institute) is not None:
        raise AccountError(_("This organizer is already in the team."))
    for earlier in pending_invitations(institute):
        if earlier.email == email:
            earlier.revoked_at = utcnow()
    token, now = new_token(), utcnow()
    invitation = TeamInvitation(
        institute=institute,
        email=email,
        role=role,
        token_hash=hash_token(token),
        invited_by=by,
        created_at=now,
        expires_at=now + INVITATION_LIFETIME,
    )
    db.session.add(invitation)
    db.session.flush()
    locale = (existing.locale if existing is not None else by.locale) or "en"
    subject, text, html = render_email(
        "accounts/email/team_invitation",
        locale,
        institute=institute,
        inviter=by,
        role=role,
        has_account=existing is not None,
        url=join_url(base_url, token),
        expires_at=invitation.expires_at,
    )
    queue_email(
        recipient=email,
        kind="team_invitation",
        subject=subject,
        body_text=text,
        body_html=html,
        locale=locale,
        institute=institute,
    )
    audit.record("team.invited", institute=institute, organizer=by, obj=invitation)
    return invitation


def pending_invitations(institute: Institute) -> list[TeamInvitation]:
    """Invitations of the institute that can still be accepted, newest first."""
    return list(
        db.session.scalars(
            select(TeamInvitation)
            .where(
                TeamInvitation.institute_id == institute.id,
                TeamInvitation.accepted_at.is_(None),
                TeamInvitation.revoked_at.is_(None),
                TeamInvitation.expires_at > utcnow(),
            )
            .order_by(TeamInvitation.created_at.desc(), TeamInvitation.id.desc())
        )
    )


def invitation_of(institute: Institute, invitation_id: int) -> TeamInvitation | None:
    return db.session.scalar(
        select(TeamInvitation).where(
            TeamInvitation.id == invitation_id, TeamInvitation.institute_id == institute.id
        )
    )


def revoke_invitation(invitation: TeamInvitation, by: Organizer) -> None:
    ensure_writable(invitation.institute)
    if invitation.revoked_at is None and invitation.accepted_at is None:
        invitation.revoked_at = utcnow()
        audit.record(
            "team.invitation_revoked", institute=invitation.institute, organizer=by, obj=invitation
        )


def find_invitation(token: str) -> TeamInvitation | None:
    """The usable invitation of this token (not expired, used, revoked), or None."""
    if not token or len(token) > 100:
        return None
    invitation = db.session.scalar(
        select(TeamInvitation).where(TeamInvitation.token_hash == hash_token(token))
    )
    if invitation is None or not invitation.is_usable() or invitation.institute.is_archived:
        return None
    return invitation


@dataclass(frozen=True)
class InvitationView:
    """What the join page needs to know about the person who opened the link."""

    invitation: TeamInvitation
    account: Organizer | None  # the account with the invited address, if there is one

    @property
    def needs_account(self) -> bool:
        return self.account is None


def describe(invitation: TeamInvitation) -> InvitationView:
    return InvitationView(invitation, find_organizer(invitation.email))


def _join(invitation: TeamInvitation, organizer: Organizer) -> Membership:
    ensure_writable(invitation.institute)
    membership = membership_of(organizer, invitation.institute)
    if membership is None:
        membership = Membership(
            organizer=organizer, institute=invitation.institute, role=invitation.role
        )
        db.session.add(membership)
        db.session.flush()
    invitation.accepted_at = utcnow()
    audit.record(
        "team.invitation_accepted",
        institute=invitation.institute,
        organizer=organizer,
        obj=membership,
    )
    return membership


def accept_with_new_account(
    invitation: TeamInvitation, name: str, password: str, locale: str = "en"
) -> Organizer:
    """Create the colleague's account from the invitation and add it to the team."""
    if find_organizer(invitation.email) is not None:
        raise AccountError(_("An organizer with this e-mail already exists."))
    organizer = create_organizer(invitation.email, name, password, locale)
    _join(invitation, organizer)
    return organizer


def accept_as(invitation: TeamInvitation, organizer: Organizer) -> Membership:
    """An existing account accepts: only the account of the invited address may."""
    if normalize_email(organizer.email) != invitation.email:
        raise AccountError(_("This invitation is for another e-mail address."))
    return _join(invitation, organizer)
