"""Imports every model so metadata is complete for Alembic and create_all()."""

from planner.agenda.models import BreakoutAssignment, Room, Session, SessionFacilitator
from planner.auth.models import Membership, Organizer
from planner.calendar.models import FeedLink
from planner.documents.models import LetterSettings
from planner.institutes.models import Institute
from planner.invitations.models import AccessLink, Invitee, StatusChange
from planner.mail.models import OutboundEmail
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

__all__ = [
    "AccessLink",
    "AuditEvent",
    "BreakoutAssignment",
    "FeedLink",
    "Hotel",
    "Institute",
    "Invitee",
    "LetterSettings",
    "Membership",
    "Organizer",
    "OutboundEmail",
    "Risk",
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
