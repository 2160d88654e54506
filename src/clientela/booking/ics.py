"""iCalendar documents (RFC 5545, written with the `icalendar` package).

An invitation is one VEVENT with the booking's stable UID and its SEQUENCE: METHOD:REQUEST
when confirmed, METHOD:CANCEL (STATUS:CANCELLED, SEQUENCE raised) when cancelled, so a
calendar program updates the event it already holds instead of adding a second one. The
staff feed is a published calendar of their confirmed bookings.
"""

from __future__ import annotations

from datetime import UTC

from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//Clientela//Booking//EN"


def _calendar(method: str | None, name: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    return calendar


def _event(booking, *, business_name: str, for_staff: bool) -> Event:
    event = Event()
    event.add("uid", booking.uid)
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", booking.start_at.astimezone(UTC))
    event.add("dtend", booking.end_at.astimezone(UTC))
    party_name = booking.party.display_name
    summary = f"{booking.service.name} · {party_name if for_staff else business_name}"
    event.add("summary", summary)
    if booking.service.description:
        event.add("description", booking.service.description)
    event.add("sequence", booking.sequence)
    event.add("status", "CONFIRMED" if booking.status == "confirmed" else "CANCELLED")
    staff = booking.staff
    organizer = vCalAddress(f"mailto:{staff.email or 'noreply@invalid'}")
    organizer.params["cn"] = vText(str(staff))
    event.add("organizer", organizer)
    if booking.email:
        attendee = vCalAddress(f"mailto:{booking.email}")
        attendee.params["cn"] = vText(party_name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("ACCEPTED")
        event.add("attendee", attendee)
    return event


def booking_ics(*, booking, business_name: str) -> bytes:
    """The invitation (confirmed) or the cancellation (cancelled) of one booking."""
    method = "REQUEST" if booking.status == "confirmed" else "CANCEL"
    calendar = _calendar(method)
    calendar.add_component(_event(booking, business_name=business_name, for_staff=False))
    return calendar.to_ical()


def feed_ics(*, calendar_owner, bookings, business_name: str) -> bytes:
    """A staff member's feed: their confirmed bookings, summaries naming the client."""
    calendar = _calendar("PUBLISH", name=f"{business_name} · {calendar_owner}")
    for booking in bookings:
        calendar.add_component(_event(booking, business_name=business_name, for_staff=True))
    return calendar.to_ical()
