"""How times are written for people: always in Pacific Time, always saying so."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.formats import date_format

# The practice's own clock: Pacific Time, as settings.TIME_ZONE says.
PRACTICE_TZ = ZoneInfo(settings.TIME_ZONE)


def local(moment):
    """A moment in the practice's time zone."""
    return moment.astimezone(PRACTICE_TZ)


def format_time(moment):
    """'3:15 PM' in Pacific Time."""
    moment = local(moment)
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'}"


def format_day(day):
    """'Tuesday, March 3' for a date."""
    return f"{day:%A}, {day:%B} {day.day}"


def format_moment(moment):
    """'Tuesday, March 3, 3:15 PM Pacific Time': how every booked time is written for people."""
    return f"{format_day(local(moment).date())}, {format_time(moment)} Pacific Time"


def spoken_time(value):
    """ "Tuesday, March 3, 2026 at 3:15 PM Pacific Time": the way the site says a call's time."""
    if value is None:
        return ""
    moment = local(value)
    return f"{date_format(moment, 'l, F j, Y')} at {date_format(moment, 'g:i A')} Pacific Time"


def short_time(value):
    """ "Tue, Mar 3, 3:15 PM": for subject lines."""
    if value is None:
        return ""
    return date_format(local(value), "D, M j, g:i A")


def day_bounds(day):
    """The first and last instant of a Pacific Time day, right across daylight-saving changes."""
    return (
        datetime.combine(day, time.min, tzinfo=PRACTICE_TZ),
        datetime.combine(day + timedelta(days=1), time.min, tzinfo=PRACTICE_TZ),
    )
