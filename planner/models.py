"""Imports every model so metadata is complete for Alembic and create_all()."""

from planner.accounts.models import PasswordReset, TeamInvitation
from planner.agenda.models import BreakoutAssignment, Room, Session, SessionFacilitator
from planner.attendance.models import AttendanceMark, Certificate, CertificateSettings, CheckinPass
from planner.auth.models import Membership, Organizer
from planner.calendar.models import FeedLink
from planner.documents.models import LetterSettings
from planner.institutes.derived import DerivedValue
from planner.institutes.models import Institute
from planner.invitations.models import AccessLink, Invitee, StatusChange
from planner.invitations.sessions import InviteeSession
from planner.mail.models import OutboundEmail
from planner.messages.models import MessageTemplate, ScheduledMessage
from planner.organizations import people  # noqa: F401 - links every new invitee to a person
from planner.organizations.models import Organization, OrganizationMember, Person
from planner.publishing.models import ProgramVersion
from planner.reports.models import FollowUp, FollowUpSettings, ReportingProfile, ReturningMatch
from planner.security.models import AuditEvent
from planner.travel.models import (
    Hotel,
    RoomAssignment,
    TravelLeg,
    TravelSettings,
    VisaCase,
    VisaRule,
)
from planner.travel.riskstore import Risk
from planner.twofactor.models import RecoveryCode, RememberedDevice, TwoFactor

__all__ = [
    "AccessLink",
    "AttendanceMark",
    "AuditEvent",
    "BreakoutAssignment",
    "Certificate",
    "CertificateSettings",
    "CheckinPass",
    "DerivedValue",
    "FeedLink",
    "FollowUp",
    "FollowUpSettings",
    "Hotel",
    "Institute",
    "Invitee",
    "InviteeSession",
    "LetterSettings",
    "Membership",
    "MessageTemplate",
    "Organization",
    "OrganizationMember",
    "Organizer",
    "OutboundEmail",
    "PasswordReset",
    "Person",
    "ProgramVersion",
    "RecoveryCode",
    "RememberedDevice",
    "ReportingProfile",
    "ReturningMatch",
    "Risk",
    "Room",
    "RoomAssignment",
    "ScheduledMessage",
    "Session",
    "SessionFacilitator",
    "StatusChange",
    "TeamInvitation",
    "TravelLeg",
    "TravelSettings",
    "TwoFactor",
    "VisaCase",
    "VisaRule",
]
