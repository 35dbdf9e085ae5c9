"""The follow-up meeting as an iCalendar invitation (RFC 5545).

A calendar event leaves the system (Outlook, phones), so it carries no personal data: the case reference,
the time and the chair, not the client's name, number or address.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event


def meeting_ics(meeting, *, host: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Hemgång//Uppföljningsmöte//SV")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"follow-up-meeting-{meeting.pk}@{host}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", _("Follow-up meeting, hemgång %(reference)s") % {"reference": meeting.case.reference})
    chair = meeting.chair.display_name if meeting.chair else ""
    event.add("description", _("Follow-up meeting of the hemgång support. Chair: %(chair)s.") % {"chair": chair})
    event.add("location", meeting.location)
    event.add("sequence", meeting.history.count())
    calendar.add_component(event)
    return calendar.to_ical()
