"""The times a calendar file says someone is busy: recurring events expanded, free and cancelled ones left out."""

import datetime

import recurring_ical_events
import x_wr_timezone
from icalendar import Calendar

from consultations.timefmt import PRACTICE_TZ

UTC = datetime.UTC


class CalendarParseError(Exception):
    """The file is not a calendar this site can read; the message is shown to staff in the admin."""


def _moment(value):
    """A start or end as a UTC datetime: a whole day from Pacific midnight, a floating time as Pacific Time."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=PRACTICE_TZ)
        return value.astimezone(UTC)
    return datetime.datetime.combine(value, datetime.time.min, tzinfo=PRACTICE_TZ).astimezone(UTC)


def calendar_busy_times(data, *, start, end):
    """The busy intervals (UTC start, UTC end) of an iCalendar file between two moments, merged and in order.

    Events marked free (TRANSP:TRANSPARENT) or cancelled don't block; all-day events block their whole
    days in Pacific Time unless marked free. Google's X-WR-TIMEZONE is honoured.
    """
    try:
        calendar = Calendar.from_ical(data)
        if calendar.name != "VCALENDAR":
            raise CalendarParseError("The address does not give a calendar (no VCALENDAR in it).")
        calendar = x_wr_timezone.to_standard(calendar)
        occurrences = recurring_ical_events.of(calendar, skip_bad_series=True).between(start, end)
    except CalendarParseError:
        raise
    except Exception as error:  # noqa: BLE001 - any parsing failure is the same thing to staff: not a calendar
        raise CalendarParseError("The address does not give a calendar this site can read (iCalendar).") from error
    intervals = []
    for event in occurrences:
        if str(event.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
            continue
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        if "DTSTART" not in event:
            continue
        starts_at = _moment(event.decoded("DTSTART"))
        if "DTEND" in event:
            ends_at = _moment(event.decoded("DTEND"))
        elif "DURATION" in event:
            ends_at = starts_at + event.decoded("DURATION")
        elif isinstance(event.decoded("DTSTART"), datetime.datetime):
            continue  # an instant, which blocks nothing
        else:
            ends_at = _moment(event.decoded("DTSTART") + datetime.timedelta(days=1))
        starts_at, ends_at = max(starts_at, start), min(ends_at, end)
        if ends_at > starts_at:
            intervals.append((starts_at, ends_at))
    intervals.sort()
    merged = []
    for starts_at, ends_at in intervals:
        if merged and starts_at <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], ends_at))
        else:
            merged.append((starts_at, ends_at))
    return merged
