"""iCalendar feeds (RFC 5545) of a person's meetings.

A feed leaves Trellis for calendar apps and their cloud services, so it carries no names: each
event is a neutral label at a time and an approved venue. (A series' title is free text a
coordinator typed, often naming the people, so it stays on the meetings page.)"""

from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext
from icalendar import Calendar, Event

from .models import Meeting


def calendar_for(meetings: Iterable[Meeting], *, host: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Trellis//Mentoring meetings//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Trellis meetings")
    for meeting in meetings:
        event = Event()
        event.add("uid", f"meeting-{meeting.pk}@{host}")
        event.add("sequence", meeting.version - 1)
        event.add("dtstamp", timezone.now())
        event.add("dtstart", meeting.starts_at)
        event.add("dtend", meeting.ends_at)
        event.add("summary", gettext("Mentoring meeting"))
        event.add("location", f"{meeting.venue.name}, {meeting.venue.school.name}")
        event.add(
            "status", "CANCELLED" if meeting.status == Meeting.Status.CANCELLED else "CONFIRMED"
        )
        cal.add_component(event)
    return cal.to_ical()
