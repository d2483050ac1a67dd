"""Writes for clinicians' own calendars: the subscription address, and the busy times read from theirs."""

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from consultations.calendars.fetching import CalendarFetchError, calendar_fetch
from consultations.calendars.parsing import CalendarParseError, calendar_busy_times
from consultations.models import BusyTime, CalendarFeed, ConsultationSettings, ExternalCalendar
from consultations.models.calendars import new_feed_token
from consultations.outbox.services import calendar_outage_record
from consultations.timefmt import PRACTICE_TZ, local
from thrive.cache import bump_open_times_generation

log = logging.getLogger(__name__)


def calendar_feed_renew(*, clinician):
    """Give the clinician a subscription address; an address they had before stops working at once."""
    feed, created = CalendarFeed.objects.get_or_create(clinician=clinician)
    if not created:
        feed.token = new_feed_token()
        feed.renewed_at = timezone.now()
        feed.save(update_fields=["token", "renewed_at"])
    return feed


def _horizon(now):
    """From the start of today to the end of the booking horizon, in UTC: the busy times worth keeping."""
    days = ConsultationSettings.get_solo().horizon_days
    first_day = local(now).date()
    start = datetime.datetime.combine(first_day, datetime.time.min, tzinfo=PRACTICE_TZ)
    end = datetime.datetime.combine(first_day + datetime.timedelta(days=days + 1), datetime.time.min, PRACTICE_TZ)
    return start.astimezone(datetime.UTC), end.astimezone(datetime.UTC)


def external_calendar_sync(*, calendar, now=None):
    """Read one clinician's calendar and keep its busy times; on failure keep the last good ones and record why.

    Returns the error message, or "" when the calendar was read. The open times are refreshed
    whenever what blocks them changes.
    """
    now = now or timezone.now()
    start, end = _horizon(now)
    try:
        data = calendar_fetch(calendar.address)
        intervals = calendar_busy_times(data, start=start, end=end)
    except (CalendarFetchError, CalendarParseError) as error:
        return _sync_failed(calendar=calendar, error=str(error), now=now)
    with transaction.atomic():
        locked = ExternalCalendar.objects.select_for_update().filter(pk=calendar.pk).first()
        if locked is None:
            return ""  # deleted meanwhile
        was_blocking = locked.is_out_of_date(now)
        old = set(locked.busy_times.values_list("starts_at", "ends_at"))
        if old != set(intervals):
            locked.busy_times.all().delete()
            BusyTime.objects.bulk_create(
                BusyTime(calendar=locked, clinician_id=locked.clinician_id, starts_at=starts_at, ends_at=ends_at)
                for starts_at, ends_at in intervals
            )
        locked.last_attempt_at = locked.last_success_at = now
        locked.last_error = ""
        locked.failing_since = None
        locked.outage_reported_at = None
        locked.event_count = len(intervals)
        locked.save(
            update_fields=[
                "last_attempt_at",
                "last_success_at",
                "last_error",
                "failing_since",
                "outage_reported_at",
                "event_count",
            ]
        )
        if old != set(intervals) or was_blocking:
            bump_open_times_generation()
    log.info("calendar read", extra={"calendar_id": calendar.pk, "busy_times": len(intervals)})
    return ""


def _sync_failed(*, calendar, error, now):
    log.warning("calendar not read", extra={"calendar_id": calendar.pk, "error": error})
    with transaction.atomic():
        locked = ExternalCalendar.objects.select_for_update().filter(pk=calendar.pk).first()
        if locked is None:
            return error
        locked.last_attempt_at = now
        locked.last_error = error[:300]
        locked.failing_since = locked.failing_since or now
        fields = ["last_attempt_at", "last_error", "failing_since"]
        if locked.is_out_of_date(now) and locked.outage_reported_at is None:
            # Once per outage: the clinician's times are now hidden until the calendar answers again.
            locked.outage_reported_at = now
            fields.append("outage_reported_at")
            calendar_outage_record(calendar=locked)
            # The clinician's times are hidden from now on: cached open times must not outlive that.
            bump_open_times_generation()
        locked.save(update_fields=fields)
    return error


def external_calendars_sync(*, now=None):
    """Read every clinician's calendars (beat, every few minutes, and `manage.py sync_calendars`)."""
    results = {}
    for calendar in ExternalCalendar.objects.select_related("clinician").order_by("pk"):
        results[calendar] = external_calendar_sync(calendar=calendar, now=now)
    return results
