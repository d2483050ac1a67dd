"""Reads for clinicians' own calendars: the private feed of a clinician's calls."""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from consultations.calendar import add_practice_timezone, consultation_sequence, consultation_uid
from consultations.models import CalendarFeed, Consultation, ConsultationSettings
from consultations.timefmt import PRACTICE_TZ
from thrive.models import SiteSettings

# How far back the feed reaches: recent calls stay in the calendar for a while after they happen.
FEED_DAYS_BACK = 30


def calendar_feed_for_token(token):
    """The subscription a feed address names, or None when it is unknown or was replaced."""
    if not token:
        return None
    return CalendarFeed.objects.select_related("clinician").filter(token=token).first()


def calendar_feed_path(feed):
    return reverse("consultations:calendar_feed", kwargs={"token": feed.token})


def calendar_feed_ics(feed, *, now=None):
    """The clinician's consultation calls as an iCalendar feed, with nothing that identifies the client.

    The feed may be synced to phones and to calendar services outside the practice, so each call
    carries only its time, its reference, whether it is cancelled, and a link to its record in the
    admin (which needs a sign-in). UIDs and SEQUENCE are those of the client's own .ics.
    """
    now = now or timezone.now()
    site = SiteSettings.get_solo()
    call = timedelta(minutes=ConsultationSettings.get_solo().call_minutes)
    calls = (
        Consultation.objects.filter(
            clinician_id=feed.clinician_id,
            starts_at__isnull=False,
            starts_at__gte=now - timedelta(days=FEED_DAYS_BACK),
        )
        .order_by("starts_at")
        .only("pk", "reference", "starts_at", "status", "created_at", "updated_at")
    )
    calendar = Calendar.new(prodid=f"-//{site.practice_name}//Consultation calls//EN")
    calendar.add("x-wr-calname", f"{site.practice_name}: consultation calls")
    calendar.add("x-wr-timezone", str(PRACTICE_TZ))
    calendar.add("refresh-interval", timedelta(minutes=30), parameters={"VALUE": "DURATION"})
    starts = []
    for consultation in calls:
        local_start = timezone.localtime(consultation.starts_at, PRACTICE_TZ)
        starts.append(local_start)
        cancelled = consultation.status == Consultation.Status.CANCELLED
        admin_path = reverse("admin:consultations_consultation_change", args=[consultation.pk])
        event = Event.new(
            uid=consultation_uid(consultation),
            sequence=consultation_sequence(consultation),
            stamp=now,
            start=local_start,
            end=local_start + call,
            summary=f"Free consultation call — Ref. {consultation.reference}",
            description="Details, and the client's number, in the admin (sign-in needed).",
            url=f"{settings.SITE_URL}{admin_path}",
        )
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
        calendar.add_component(event)
    add_practice_timezone(calendar, starts)
    return calendar.to_ical()
