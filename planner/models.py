"""Imports every model so metadata is complete for Alembic and create_all()."""

from planner.agenda.models import BreakoutAssignment, Room, Session, SessionFacilitator
from planner.attendance.models import AttendanceMark, Certificate, CertificateSettings, CheckinPass
from planner.auth.models import Membership, Organizer
from planner.calendar.models import FeedLink
from planner.documents.models import LetterSettings
from planner.institutes.models import Institute
from planner.invitations.models import AccessLink, Invitee, StatusChange
from planner.mail.models import OutboundEmail
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

__all__ = [
    "AccessLink",
    "AttendanceMark",
    "AuditEvent",
    "BreakoutAssignment",
    "Certificate",
    "CertificateSettings",
    "CheckinPass",
    "FeedLink",
    "FollowUp",
    "FollowUpSettings",
    "Hotel",
    "Institute",
    "Invitee",
    "LetterSettings",
    "Membership",
    "Organizer",
    "OutboundEmail",
    "ReportingProfile",
    "ReturningMatch",
    "Room",
    "RoomAssignment",
    "Session",
    "SessionFacilitator",
    "StatusChange",
    "TravelLeg",
    "TravelSettings",
    "VisaCase",
    "VisaRule",
]
