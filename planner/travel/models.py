"""Travel legs with a time zone at each end, visa rules and cases, hotels and room assignments."""

import enum
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.db import TimestampMixin, UTCDateTime, str_enum
from planner.extensions import db


class Direction(enum.StrEnum):
    ARRIVAL = "arrival"
    DEPARTURE = "departure"


class TravelMode(enum.StrEnum):
    AIR = "air"
    RAIL = "rail"
    ROAD = "road"


class TravelLeg(TimestampMixin, db.Model):
    """One leg of a journey; each end keeps its local wall-clock time and its own IANA zone."""

    __tablename__ = "travel_leg"

    id: Mapped[int] = mapped_column(primary_key=True)
    invitee_id: Mapped[int] = mapped_column(
        ForeignKey("invitee.id", ondelete="CASCADE"), index=True
    )
    direction: Mapped[Direction] = mapped_column(str_enum(Direction, 10))
    mode: Mapped[TravelMode] = mapped_column(str_enum(TravelMode, 10))
    carrier: Mapped[str] = mapped_column(String(100), default="")
    number: Mapped[str] = mapped_column(String(30), default="")
    from_place: Mapped[str] = mapped_column(String(200))
    to_place: Mapped[str] = mapped_column(String(200))
    departs_local: Mapped[datetime]  # naive wall-clock in departs_tz
    departs_tz: Mapped[str] = mapped_column(String(64))
    arrives_local: Mapped[datetime]  # naive wall-clock in arrives_tz
    arrives_tz: Mapped[str] = mapped_column(String(64))
    border_crossing: Mapped[str] = mapped_column(String(200), default="")
    # Two facts: the traveller asked for a pickup; an organizer arranged one (who and when).
    needs_pickup: Mapped[bool] = mapped_column(default=False)
    pickup_by: Mapped[str] = mapped_column(String(200), default="")  # driver, phone; "" = none
    pickup_at: Mapped[datetime | None]  # naive wall-clock in the institute's zone
    # A stable calendar UID and sequence for personal feeds.
    uid: Mapped[str] = mapped_column(String(100), unique=True)
    sequence: Mapped[int] = mapped_column(default=0)

    invitee: Mapped["Invitee"] = relationship()  # noqa: F821

    @property
    def pickup(self) -> "Pickup":
        return pickup_state(self.needs_pickup, self.pickup_by)

    @property
    def departs_at(self) -> datetime:
        """Departure as an aware datetime (absolute instant)."""
        return wall_clock_instant(self.departs_local, self.departs_tz)

    @property
    def arrives_at(self) -> datetime:
        return wall_clock_instant(self.arrives_local, self.arrives_tz)


class Pickup(enum.StrEnum):
    NONE = "none"
    REQUESTED = "requested"  # the traveller asked; nobody has arranged it yet
    ARRANGED = "arranged"  # an organizer set who picks the person up


def pickup_state(needs_pickup: bool, pickup_by: str | None) -> Pickup:
    """The one rule: a pickup is arranged once an organizer says who does it; asking for
    one (the traveller's tick) only makes it requested."""
    if (pickup_by or "").strip():
        return Pickup.ARRANGED
    return Pickup.REQUESTED if needs_pickup else Pickup.NONE


def wall_clock_instant(local: datetime, zone: str) -> datetime:
    """A leg end's naive wall-clock time in its IANA zone, as an aware datetime (fold=0)."""
    return local.replace(tzinfo=ZoneInfo(zone))


class VisaRequirement(enum.StrEnum):
    NOT_NEEDED = "not_needed"  # visa-free for visa_free_days
    E_VISA = "e_visa"
    REQUIRED = "required"
    UNKNOWN = "unknown"


class VisaRule(TimestampMixin, db.Model):
    """What the organizers know of entry rules for one nationality; no built-in claims."""

    __tablename__ = "visa_rule"
    __table_args__ = (UniqueConstraint("institute_id", "nationality"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institute_id: Mapped[int] = mapped_column(ForeignKey("institute.id", ondelete="CASCADE"))
    nationality: Mapped[str] = mapped_column(String(2))
    requirement: Mapped[VisaRequirement] = mapped_column(str_enum(VisaRequirement))
    visa_free_days: Mapped[int | None]
    lead_time_days: Mapped[int | None]
    notes: Mapped[str] = mapped_column(Text, default="")


class VisaStatus(enum.StrEnum):
    NOT_NEEDED = "not_needed"
    NEEDED = "needed"
    LETTER_REQUESTED = "letter_requested"
    LETTER_SENT = "letter_sent"
    APPLIED = "applied"
    APPROVED = "approved"
    REFUSED = "refused"


class VisaCase(TimestampMixin, db.Model):
    __tablename__ = "visa_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    invitee_id: Mapped[int] = mapped_column(
        ForeignKey("invitee.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[VisaStatus] = mapped_column(str_enum(VisaStatus), default=VisaStatus.NEEDED)
    letter_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    letter_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    letter_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    notes: Mapped[str] = mapped_column(Text, default="")

    invitee: Mapped["Invitee"] = relationship()  # noqa: F821


class Hotel(TimestampMixin, db.Model):
    __tablename__ = "hotel"

    id: Mapped[int] = mapped_column(primary_key=True)
    institute_id: Mapped[int] = mapped_column(
        ForeignKey("institute.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(50), default="")


class RoomAssignment(TimestampMixin, db.Model):
    """A bed for an invitee from check-in night to the morning of check-out."""

    __tablename__ = "room_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    invitee_id: Mapped[int] = mapped_column(
        ForeignKey("invitee.id", ondelete="CASCADE"), index=True
    )
    hotel_id: Mapped[int] = mapped_column(ForeignKey("hotel.id", ondelete="CASCADE"), index=True)
    room_label: Mapped[str] = mapped_column(String(50))
    room_capacity: Mapped[int] = mapped_column(default=1)
    check_in: Mapped[date]
    check_out: Mapped[date]
    uid: Mapped[str] = mapped_column(String(100), unique=True)
    sequence: Mapped[int] = mapped_column(default=0)

    invitee: Mapped["Invitee"] = relationship()  # noqa: F821
    hotel: Mapped[Hotel] = relationship()


class TravelSettings(TimestampMixin, db.Model):
    """Thresholds of the travel checks, per institute; a missing row means the defaults."""

    __tablename__ = "travel_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    institute_id: Mapped[int] = mapped_column(
        ForeignKey("institute.id", ondelete="CASCADE"), unique=True
    )
    # A passport must stay valid this many months after the institute ends.
    passport_valid_months: Mapped[int] = mapped_column(default=6)
    # Confirmed invitees without travel details this many days before the start are flagged.
    travel_details_days: Mapped[int] = mapped_column(default=21)
