"""An advisor's bookings as an iCalendar (.ics) file for their own calendar."""

from __future__ import annotations

from datetime import datetime, timezone

from icalendar import Calendar, Event

from bot.booking.call_safety import FOR_ADVISOR
from bot.booking.service import BookingView
from bot.booking.wording import MODE_NAMES


def bookings_calendar(advisor_name: str, bookings: list[BookingView], now: datetime) -> bytes:
    """Confirmed bookings as VEVENTs. Contact details are included: the file is the advisor's."""
    calendar = Calendar()
    calendar.add("prodid", "-//Signposting assistant//Advisor bookings//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Appointments: {advisor_name}")
    for booking in bookings:
        if booking.status != "confirmed":
            continue
        event = Event()
        event.add("uid", f"{booking.reference}@signpost-assistant")
        event.add("dtstamp", now.astimezone(timezone.utc))
        event.add("dtstart", booking.starts_at.astimezone(timezone.utc))
        event.add("dtend", booking.ends_at.astimezone(timezone.utc))
        event.add(
            "summary",
            f"{booking.name or 'Someone'}: {MODE_NAMES[booking.mode]} ({booking.reference})",
        )
        details = [f"Reference: {booking.reference}", f"Phone: {booking.phone or '-'}"]
        if booking.need:
            details.append(f"About: {booking.need}")
        if booking.call_safety in FOR_ADVISOR:
            details.append(f"Calls: {FOR_ADVISOR[booking.call_safety]}")
        if booking.note:
            details.append(f"Their note: {booking.note}")
        event.add("description", "\n".join(details))
        if booking.hub_name:
            event.add(
                "location", ", ".join(p for p in (booking.hub_name, booking.hub_address) if p)
            )
        calendar.add_component(event)
    return calendar.to_ical()
