"""The consultation call as a calendar invitation (.ics), in Pacific Time."""

from datetime import date, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Alarm, Calendar, Event

from consultations.models import ConsultationSettings
from consultations.timefmt import PRACTICE_TZ
from thrive.models import SiteSettings


def consultation_uid(consultation):
    """The call's identity in every calendar: the client's .ics and the clinician's feed share it."""
    host = urlsplit(settings.SITE_URL).hostname or "thrive.invalid"
    return f"consultation-{consultation.reference}@{host}"


def consultation_sequence(consultation):
    """A number that only grows as the booking changes (seconds since it was made), so a move replaces the old time."""
    if not consultation.created_at:
        return 0
    changed = consultation.updated_at or timezone.now()
    return max(0, int((changed - consultation.created_at).total_seconds()))


def add_practice_timezone(calendar, moments):
    """Include the rules of Pacific Time for the years these moments fall in (VTIMEZONE)."""
    years = [moment.year for moment in moments] or [timezone.localdate().year]
    calendar.add_missing_timezones(first_date=date(min(years) - 1, 1, 1), last_date=date(max(years) + 1, 12, 31))


def consultation_ics(consultation):
    """The call as an iCalendar file: its time in America/Los_Angeles with the zone's rules included.

    It never carries the private link: calendars are shared and synced, and anyone holding the link
    could move or cancel the call. It points to the page that emails a fresh link instead.

    The UID stays the same for the life of the booking and the SEQUENCE grows with
    every change, so a calendar that already has the call moves it rather than
    adding a second one.
    """
    site = SiteSettings.get_solo()
    minutes = ConsultationSettings.get_solo().call_minutes
    starts = timezone.localtime(consultation.starts_at, PRACTICE_TZ)
    who = consultation.clinician.full_name if consultation.clinician else site.practice_name
    new_link_url = f"{settings.SITE_URL}{reverse('consultations:new_link')}"

    description = [
        f"{who} will call you at the number you gave us. Reference: {consultation.reference}.",
        f"Questions, or need to reach a person? Call {site.phone}." if site.phone else "",
        f"To reschedule or cancel, use the link in your confirmation email, or ask for a new one: {new_link_url}",
    ]
    event = Event.new(
        uid=consultation_uid(consultation),
        sequence=consultation_sequence(consultation),
        stamp=timezone.now(),
        start=starts,
        end=starts + timedelta(minutes=minutes),
        summary=f"Free consultation call with {who}",
        description="\n".join(line for line in description if line),
        location="Phone call",
        url=new_link_url,
    )
    event.add("status", "CANCELLED" if consultation.status == consultation.Status.CANCELLED else "CONFIRMED")
    reminder = Alarm()
    reminder.add("action", "DISPLAY")
    reminder.add("description", f"Your free consultation call with {who}")
    reminder.add("trigger", timedelta(minutes=-30))
    event.add_component(reminder)

    calendar = Calendar.new(prodid=f"-//{site.practice_name}//Consultations//EN", method="PUBLISH")
    calendar.add_component(event)
    add_practice_timezone(calendar, [starts])
    return calendar.to_ical()
