"""The feeds: the program's read model and the owner's travel turned into ``FeedCalendar``s.

What each feed shows (one rule each, here and nowhere else):

- The institute program (published only): every session, cancelled ones too. Facilitator
  names only of facilitators named publicly (``Invitee.named_publicly``: consent to be
  named as a facilitator, not declined or withdrawn);
  never any participant.
- A personal feed: every session that is not a breakout (plenaries, breaks, meals,
  excursions, other), the breakouts the invitee is assigned to or facilitates, their own
  travel legs and hotel nights. A facilitator's feed also names all co-facilitators of the
  sessions they facilitate (they work together); elsewhere the consent rule above holds.
- Never passport, visa, date of birth, contact data or other people's travel: of invitees
  the read model loads only name and consent (never the whole row), and travel and hotel
  rows are loaded only of the feed's owner, so such data is not even loaded.

The number of queries does not depend on the number of sessions (institute feed: 2 after
the institute lookup, personal feed: 4 after the link lookup).
"""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from planner.agenda.readmodel import ProgramSession, load_program
from planner.calendar.ics import FeedCalendar, FeedEvent
from planner.extensions import db
from planner.formatting import language_name
from planner.institutes.models import Institute
from planner.invitations.models import Invitee
from planner.travel.models import Hotel, Pickup, RoomAssignment, TravelLeg, TravelMode

logger = logging.getLogger(__name__)


class _Wording:
    """The sentences of one feed, translated once per feed rather than once per event."""

    def __init__(self) -> None:
        self.cancelled = _("Cancelled: %(title)s")
        self.facilitators = _("Facilitators: %(names)s")
        self.language_line = _("Language: %(language)s")
        self.interpretation = _("Interpretation: %(interpretation)s")
        self.track = _("Track: %(track)s")
        self.you_facilitate = _("You facilitate this session.")
        self.reader_language = str(get_locale() or "")
        self._language_names: dict[str, str] = {}

    def language(self, code: str) -> str:
        if code not in self._language_names:
            self._language_names[code] = language_name(code)
        return self._language_names[code]


def public_program_url(base_url: str, institute: Institute) -> str:
    """The stable address of the public program page (DESIGN §8), once published."""
    return f"{base_url}/p/{institute.slug}/" if institute.program_published else ""


def institute_calendar(institute: Institute, base_url: str) -> FeedCalendar:
    """The published program of the institute, for anyone."""
    url = public_program_url(base_url, institute)
    words = _Wording()
    events = [
        _session_event(words, institute, session, url=url) for session in _in_feed_order(institute)
    ]
    return FeedCalendar(
        name=institute.title,
        timezone=institute.timezone,
        description=_("Program of %(title)s", title=institute.title),
        events=events,
    )


def personal_calendar(invitee: Invitee, institute: Institute, base_url: str) -> FeedCalendar:
    """The feed of one invitee: their sessions, own travel legs and hotel nights."""
    url = public_program_url(base_url, institute)
    words = _Wording()
    events = []
    for session in _in_feed_order(institute, invitee):
        facilitates = session.led_by(invitee.id)
        if session.is_breakout and not (facilitates or session.viewer_assigned):
            continue
        events.append(
            _session_event(
                words,
                institute,
                session,
                url=url,
                note=words.you_facilitate if facilitates else "",
                show_all_facilitators=facilitates,
            )
        )
    events += [_travel_event(leg) for leg in _travel_legs(invitee) if _zones_known(leg)]
    events += [_hotel_event(stay, hotel) for stay, hotel in _hotel_nights(invitee)]
    if invitee.is_facilitator:
        name = _("%(title)s · my facilitator program", title=institute.title)
    else:
        name = _("%(title)s · my program", title=institute.title)
    return FeedCalendar(name=name, timezone=institute.timezone, events=events)


# -- queries ------------------------------------------------------------------------------


def _in_feed_order(institute: Institute, viewer: Invitee | None = None) -> list[ProgramSession]:
    """The program's read model (two queries), by start, then the venue's room order."""
    program = load_program(institute, viewer=viewer)
    return sorted(
        program.sessions,
        key=lambda s: (s.starts, s.room_position if s.room_id is not None else -1, s.id),
    )


def _travel_legs(invitee: Invitee) -> list[TravelLeg]:
    return list(
        db.session.scalars(
            select(TravelLeg)
            .where(TravelLeg.invitee_id == invitee.id)
            .order_by(TravelLeg.departs_local, TravelLeg.id)
        )
    )


def _hotel_nights(invitee: Invitee) -> list[tuple[RoomAssignment, Hotel]]:
    rows = db.session.execute(
        select(RoomAssignment, Hotel)
        .join(Hotel, Hotel.id == RoomAssignment.hotel_id)
        .where(
            RoomAssignment.invitee_id == invitee.id,
            Hotel.institute_id == invitee.institute_id,
        )
        .order_by(RoomAssignment.check_in, RoomAssignment.id)
    )
    return [(stay, hotel) for stay, hotel in rows]


# -- events -------------------------------------------------------------------------------


def _session_event(
    words: _Wording,
    institute: Institute,
    session: ProgramSession,
    *,
    url: str = "",
    note: str = "",
    show_all_facilitators: bool = False,
) -> FeedEvent:
    language = words.reader_language
    # Someone who said no is not announced as running the session; of the others, only
    # those who may be named publicly, unless the reader works with them.
    names = [
        f.name for f in session.facilitators if f.coming and (f.public or show_all_facilitators)
    ]
    title = session.title_in(language)
    lines = [note, session.description_in(language).strip()]
    if names:
        lines.append(words.facilitators % {"names": ", ".join(names)})
    if session.language:
        lines.append(words.language_line % {"language": words.language(session.language)})
    if session.interpretation:
        lines.append(words.interpretation % {"interpretation": session.interpretation})
    if session.track:
        lines.append(words.track % {"track": session.track})
    summary = words.cancelled % {"title": title} if session.cancelled else title
    location = (session.room_name, institute.venue, institute.address)
    return FeedEvent(
        uid=session.uid,
        sequence=session.sequence,
        summary=summary,
        start=session.starts,
        end=session.ends,
        start_zone=institute.timezone,
        end_zone=institute.timezone,
        created=session.created_at,
        last_modified=session.updated_at,
        location=", ".join(part for part in location if part),
        description="\n\n".join(line for line in lines if line),
        cancelled=session.cancelled,
        url=url,
    )


def _zones_known(leg: TravelLeg) -> bool:
    """A leg whose zone name is not in the tz database is left out (and logged by id) rather
    than failing the whole feed; the travel pages are where such data gets fixed."""
    try:
        ZoneInfo(leg.departs_tz)
        ZoneInfo(leg.arrives_tz)
    except (ZoneInfoNotFoundError, ValueError):
        logger.warning("travel leg %s has an unknown time zone; left out of the feed", leg.id)
        return False
    return True


def _travel_event(leg: TravelLeg) -> FeedEvent:
    labels = {
        TravelMode.AIR: _("Flight"),
        TravelMode.RAIL: _("Train"),
        TravelMode.ROAD: _("Road transfer"),
    }
    service = " ".join(part for part in (leg.carrier, leg.number) if part)
    summary = _(
        "%(mode)s %(from_place)s → %(to_place)s",
        mode=labels[leg.mode],
        from_place=leg.from_place,
        to_place=leg.to_place,
    )
    lines = []
    if service:
        lines.append(_("Carrier and number: %(service)s", service=service))
    if leg.border_crossing:
        lines.append(_("Border crossing: %(place)s", place=leg.border_crossing))
    pickup = leg.pickup
    if pickup == Pickup.ARRANGED:
        who = leg.pickup_by.strip()
        if leg.pickup_at is not None:
            lines.append(
                _(
                    "Pickup arranged: %(who)s, %(time)s.",
                    who=who,
                    time=leg.pickup_at.strftime("%H:%M"),
                )
            )
        else:
            lines.append(_("Pickup arranged: %(who)s.", who=who))
    elif pickup == Pickup.REQUESTED:
        lines.append(_("You asked for a pickup; it is not arranged yet."))
    return FeedEvent(
        uid=leg.uid,
        sequence=leg.sequence,
        summary=summary,
        start=leg.departs_local,
        end=leg.arrives_local,
        start_zone=leg.departs_tz,
        end_zone=leg.arrives_tz,
        created=leg.created_at,
        last_modified=leg.updated_at,
        location=leg.from_place,
        description="\n".join(lines),
    )


def _hotel_event(stay: RoomAssignment, hotel: Hotel) -> FeedEvent:
    lines = [_("Room: %(room)s", room=stay.room_label)]
    if hotel.phone:
        lines.append(_("Hotel phone: %(phone)s", phone=hotel.phone))
    return FeedEvent(
        uid=stay.uid,
        sequence=stay.sequence,
        summary=_("Hotel: %(name)s", name=hotel.name),
        start=stay.check_in,
        end=stay.check_out,
        created=stay.created_at,
        last_modified=max(stay.updated_at, hotel.updated_at),
        location=", ".join(part for part in (hotel.name, hotel.address) if part),
        description="\n".join(lines),
        transparent=True,
    )
