"""Reads for booking: which consultation times are open, computed from hours, time off and bookings."""

import datetime
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from django.db.models import DateTimeField, Value
from django.utils import timezone

from consultations.models import (
    BusyTime,
    Consultation,
    ConsultationHours,
    ConsultationSettings,
    ExternalCalendar,
    TimeOff,
)
from consultations.timefmt import PRACTICE_TZ, format_day, format_moment, format_time, local
from thrive.cache import get_or_build

UTC = datetime.UTC
SLOT_KEY_FORMAT = "%Y%m%dT%H%MZ"


def slot_key(moment):
    """The compact form of a start time that travels in links and forms: 20260303T2315Z."""
    return moment.astimezone(UTC).strftime(SLOT_KEY_FORMAT)


def parse_slot_key(key):
    """The start time a slot key names, or None when it is not one."""
    if not isinstance(key, str) or len(key) != 14:
        return None
    try:
        return datetime.datetime.strptime(key, SLOT_KEY_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


@dataclass(frozen=True)
class Slot:
    """An open start time and the clinicians free to take a call then."""

    starts_at: datetime.datetime  # UTC
    clinician_ids: tuple = field(default=())

    # Worked out once: the slot page shows hundreds of slots.
    @cached_property
    def key(self):
        return slot_key(self.starts_at)

    @cached_property
    def local_start(self):
        return local(self.starts_at)

    @cached_property
    def time_label(self):
        return format_time(self.local_start)

    @property
    def label(self):
        return format_moment(self.starts_at)

    @property
    def day_key(self):
        """Its Pacific date as the slot page's ?day= takes it."""
        return self.local_start.date().isoformat()


@dataclass(frozen=True)
class SlotDay:
    day: datetime.date
    slots: list

    @cached_property
    def label(self):
        return format_day(self.day)

    @property
    def anchor(self):
        return f"day-{self.day:%Y-%m-%d}"


def _wall_clock_starts(day, starts_at, ends_at, call, step):
    """UTC start times of calls that fit in a window of wall-clock time on one day.

    The window is walked in wall-clock time (10:00, 10:15, …) so the same hours hold on
    both sides of a daylight-saving change; a time the clocks skip does not exist and is
    left out, and a time the clocks repeat is offered once (its first occurrence).
    """
    moment = datetime.datetime.combine(day, starts_at)
    last_end = datetime.datetime.combine(day, ends_at)
    first_offset = moment.replace(tzinfo=PRACTICE_TZ).utcoffset()
    if first_offset == last_end.replace(tzinfo=PRACTICE_TZ).utcoffset() and not _has_transition(day):
        # The usual day: one offset for the whole window, so plain arithmetic is exact.
        while moment + call <= last_end:
            yield (moment - first_offset).replace(tzinfo=UTC)
            moment += step
        return
    while moment + call <= last_end:
        as_utc = moment.replace(tzinfo=PRACTICE_TZ).astimezone(UTC)
        if as_utc.astimezone(PRACTICE_TZ).replace(tzinfo=None) == moment:
            yield as_utc
        moment += step


def _has_transition(day):
    """True on the two days a year the clocks change."""
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=PRACTICE_TZ).utcoffset()
    end = datetime.datetime.combine(day, datetime.time.max, tzinfo=PRACTICE_TZ).utcoffset()
    return start != end


def open_slots(*, clinician=None, now=None, on_date=None, at=None, exclude=None, settings=None):
    """Every open start time within the booking horizon, earliest first.

    Only active clinicians accepting new clients are offered. ``clinician`` limits the
    search to one; ``on_date`` to one Pacific date; ``at`` to one start time (a booking's
    check: every query then reads only what could close that time); ``exclude`` leaves one
    consultation's own booking out of the busy times (for moving it).
    """
    now = now or timezone.now()
    settings = settings or ConsultationSettings.get_solo()
    call = datetime.timedelta(minutes=settings.call_minutes)
    buffer = datetime.timedelta(minutes=settings.buffer_minutes)
    step = call + buffer
    earliest = now + datetime.timedelta(hours=settings.minimum_notice_hours)
    first_day = local(now).date()
    last_day = first_day + datetime.timedelta(days=settings.horizon_days - 1)
    if at is not None:
        on_date = local(at).date()
    if on_date is not None:
        if not first_day <= on_date <= last_day:
            return []
        first_day = last_day = on_date

    schedule = weekly_schedule()
    hours = schedule.hours
    if clinician is not None:
        hours = [row for row in hours if row[0] == clinician.pk]
    if first_day == last_day:
        hours = [row for row in hours if row[1] == first_day.weekday()]  # one day: its weekday's hours only
    if at is not None:
        # Only the windows a call at that wall-clock time fits in; one ending at midnight or later fits none.
        wall_start = local(at).replace(tzinfo=None)
        wall_end = wall_start + call
        if wall_end.date() != wall_start.date():
            return []
        hours = [row for row in hours if row[2] <= wall_start.time() and row[3] >= wall_end.time()]
    windows = defaultdict(list)  # weekday -> (clinician id, starts at, ends at)
    for who, weekday, starts_at, ends_at in hours:
        windows[weekday].append((who, starts_at, ends_at))
    clinician_ids = {who for rows in windows.values() for who, _, _ in rows}
    if not clinician_ids:
        return []

    days_off = defaultdict(set)  # clinician id (None: everyone) -> dates
    for starts_on, ends_on, off_clinician in schedule.time_off:
        if starts_on > last_day or ends_on < first_day or off_clinician not in (None, *clinician_ids):
            continue
        day = max(starts_on, first_day)
        while day <= min(ends_on, last_day):
            days_off[off_clinician].add(day)
            day += datetime.timedelta(days=1)

    # Bookings from the start of the first day to the end of the last, with a margin for the buffer.
    range_start = datetime.datetime.combine(first_day, datetime.time.min, tzinfo=PRACTICE_TZ) - call - buffer
    range_end = datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time.min, PRACTICE_TZ)
    busy_start, busy_end = range_start, range_end + buffer
    if at is not None:
        # One time: only bookings and busy times that could overlap it, with its buffer, matter;
        # a daily cap still counts the whole day's calls.
        busy_start, busy_end = at - step, at + step
        if settings.daily_cap is None:
            range_start, range_end = busy_start + datetime.timedelta(microseconds=1), busy_end - buffer
    booked = Consultation.objects.active().filter(
        clinician_id__in=clinician_ids, starts_at__gte=range_start, starts_at__lt=range_end + buffer
    )
    if exclude is not None and exclude.pk:
        booked = booked.exclude(pk=exclude.pk)
    busy = defaultdict(list)  # (clinician id, date) -> booked starts
    calls_per_day = defaultdict(int)
    for busy_clinician, starts_at in booked.values_list("clinician_id", "starts_at"):
        day = local(starts_at).date()
        calls_per_day[(busy_clinician, day)] += 1
        # A call near midnight can be next to a slot on the neighbouring day.
        for neighbour in (day - datetime.timedelta(days=1), day, day + datetime.timedelta(days=1)):
            busy[(busy_clinician, neighbour)].append(starts_at)

    for starts in busy.values():
        starts.sort()

    hidden, engaged = set(), defaultdict(list)
    if calendar_owners := clinician_ids & schedule.calendar_owners:
        hidden, engaged = _own_calendars_busy(calendar_owners, now=now, start=busy_start, end=busy_end)

    free = defaultdict(list)
    day = first_day
    while day <= last_day:
        if day not in days_off[None]:
            for who, window_starts, window_ends in windows.get(day.weekday(), []):
                if day in days_off[who] or who in hidden:
                    continue
                if settings.daily_cap is not None and calls_per_day[(who, day)] >= settings.daily_cap:
                    continue
                taken = busy[(who, day)]
                for start in _wall_clock_starts(day, window_starts, window_ends, call, step):
                    if start < earliest or (at is not None and start != at):
                        continue
                    # The first booking that ends (with its buffer) after this start must begin after it ends.
                    nearest = bisect_right(taken, start - step)
                    if nearest < len(taken) and taken[nearest] < start + step:
                        continue
                    # Busy in their own calendar: the call and its buffer must end before, and start a buffer after.
                    if any(
                        start < ends_at + buffer and start + step > starts_at
                        for starts_at, ends_at in engaged[(who, day)]
                    ):
                        continue
                    if who not in free[start]:
                        free[start].append(who)
        day += datetime.timedelta(days=1)
    return [Slot(starts_at=start, clinician_ids=tuple(sorted(ids))) for start, ids in sorted(free.items())]


def _own_calendars_busy(clinician_ids, *, now, start, end):
    """What clinicians' own calendars say (consultations/calendars/), in one query.

    Returns the clinicians whose calendar has no good copy newer than CALENDAR_STALE_AFTER (their
    times are hidden, not offered blind) and their busy intervals by (clinician id, Pacific date).
    """
    no_time = Value(None, output_field=DateTimeField())
    out_of_date = (
        ExternalCalendar.objects.filter(clinician_id__in=clinician_ids)
        .out_of_date(now)
        .order_by()
        .values_list("clinician_id", no_time, no_time)
    )
    busy_times = (
        BusyTime.objects.filter(clinician_id__in=clinician_ids, starts_at__lt=end, ends_at__gt=start)
        .order_by()
        .values_list("clinician_id", "starts_at", "ends_at")
    )
    hidden = set()
    engaged = defaultdict(list)
    for who, starts_at, ends_at in busy_times.union(out_of_date, all=True):
        if starts_at is None:
            hidden.add(who)
            continue
        # Listed on every Pacific date it touches, and the day either side (a call near midnight).
        day = local(starts_at).date() - datetime.timedelta(days=1)
        while day <= local(ends_at).date() + datetime.timedelta(days=1):
            engaged[(who, day)].append((starts_at, ends_at))
            day += datetime.timedelta(days=1)
    return hidden, engaged


class WeeklySchedule(NamedTuple):
    """The practice's standing schedule, which only staff change."""

    hours: list  # (clinician id, weekday, starts at, ends at) of the active clinicians accepting new clients
    time_off: list  # (starts on, ends on, clinician id, or None for the whole practice)
    calendar_owners: frozenset  # the clinicians with an own calendar whose busy times count


def weekly_schedule():
    """The standing schedule, read from the database once per change rather than for every open-times check.

    Saving a clinician, their hours or time off, or adding or removing an own calendar, refreshes the
    site's content generation; a booking leaves it be. Read-only: requests share it.
    """

    def build():
        hours = ConsultationHours.objects.filter(clinician__active=True, clinician__accepting_new_clients=True)
        return WeeklySchedule(
            hours=list(hours.order_by("pk").values_list("clinician_id", "weekday", "starts_at", "ends_at")),
            time_off=list(TimeOff.objects.order_by("pk").values_list("starts_on", "ends_on", "clinician_id")),
            calendar_owners=frozenset(ExternalCalendar.objects.values_list("clinician_id", flat=True)),
        )

    return get_or_build("weekly-schedule", build, with_open_times=False)


def weekly_call_windows(*, clinician=None):
    """(weekday, starts at, ends at) of every window in which calls are taken: for the callback form's choices."""
    return [row[1:] for row in weekly_schedule().hours if clinician is None or row[0] == clinician.pk]


# How long the public list of open times may be reused; any booking change refreshes it at once anyway.
VISITOR_SLOTS_SECONDS = 60


def open_slots_for_visitors(*, clinician=None, now=None, at=None):
    """The open times the public pages list, computed once a minute at most rather than on every view.

    Every change that opens or closes a time refreshes it at once (the content generation); a
    booking itself always checks its time against the database, never against this list.
    ``at``: that one time's, kept apart (the booking form shows one time, and looks up only it).
    """
    now = now or timezone.now()

    def build():
        settings = ConsultationSettings.get_solo()
        return open_slots(clinician=clinician, now=now, settings=settings, at=at), settings.minimum_notice_hours

    name = f"open-slots:{clinician.pk if clinician else 'any'}"
    if at is not None:
        name += f":{slot_key(at)}"
    slots, notice_hours = get_or_build(name, build, timeout=VISITOR_SLOTS_SECONDS)
    earliest = now + datetime.timedelta(hours=notice_hours)
    return [slot for slot in slots if slot.starts_at >= earliest]


def visitor_slots_fresh_until(slots, *, now=None):
    """When the public list of open times next changes by the clock alone, as a Unix time.

    The first time falls inside the minimum notice then, or the list is computed again; every
    other change (a booking, new hours) comes with a new content generation.
    """
    now = now or timezone.now()
    until = now + datetime.timedelta(seconds=VISITOR_SLOTS_SECONDS)
    if slots:
        notice = datetime.timedelta(hours=ConsultationSettings.get_solo().minimum_notice_hours)
        until = min(until, slots[0].starts_at - notice)
    return until.timestamp()


def slots_by_day(slots):
    """Open slots grouped by their Pacific date, in order."""
    days = defaultdict(list)
    for slot in slots:
        days[slot.local_start.date()].append(slot)
    return [SlotDay(day=day, slots=day_slots) for day, day_slots in sorted(days.items())]


def slot_lookup(*, starts_at, clinician=None, now=None, exclude=None):
    """The open slot at exactly this time, or None when it is past, misaligned, taken or closed."""
    if starts_at is None:
        return None
    found = open_slots(clinician=clinician, now=now, at=starts_at, exclude=exclude)
    return found[0] if found else None


def visitor_slot_lookup(*, starts_at, clinician=None):
    """The slot at exactly this time in the public list (open_slots_for_visitors): for showing, never for booking."""
    if starts_at is None:
        return None
    found = open_slots_for_visitors(clinician=clinician, at=starts_at)
    return found[0] if found else None


def nearest_open_slots(*, around, clinician=None, now=None, count=4, exclude=None):
    """The open slots closest in time to the one someone wanted, earliest first."""
    slots = open_slots(clinician=clinician, now=now, exclude=exclude)
    if around is not None:
        slots = sorted(slots, key=lambda slot: abs(slot.starts_at - around))[:count]
    return sorted(slots[:count], key=lambda slot: slot.starts_at)


@dataclass(frozen=True)
class StripDay:
    """One day of the booking horizon in the day strip: how many times it has open."""

    day: datetime.date
    count: int

    @property
    def key(self):
        return self.day.isoformat()

    @property
    def weekday(self):
        return f"{self.day:%a}"

    @property
    def short_date(self):
        return f"{self.day:%b} {self.day.day}"

    @property
    def label(self):
        return format_day(self.day)


@dataclass(frozen=True)
class DayPicker:
    """The open times of one chosen day, and the strip of every day in the horizon to choose another."""

    strip: list
    day: datetime.date | None
    slots: list
    next_day: StripDay | None  # the first later day with a time, when the chosen one has none

    @property
    def label(self):
        return format_day(self.day) if self.day else ""

    @property
    def has_times(self):
        return any(strip_day.count for strip_day in self.strip)


def parse_day(value):
    """The date a ?day=YYYY-MM-DD parameter names, or None."""
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def day_picker(*, slots, wanted_day=None, now=None, horizon_days=None):
    """Open slots for a picker showing one day: ``wanted_day`` when in the horizon, else the first with times."""
    now = now or timezone.now()
    if horizon_days is None:
        horizon_days = ConsultationSettings.get_solo().horizon_days
    first_day = local(now).date()
    by_day = defaultdict(list)
    for slot in slots:
        by_day[slot.local_start.date()].append(slot)
    strip = [
        StripDay(day=day, count=len(by_day.get(day, ())))
        for day in (first_day + datetime.timedelta(days=n) for n in range(horizon_days))
    ]
    in_horizon = {strip_day.day for strip_day in strip}
    if wanted_day not in in_horizon:
        wanted_day = next((strip_day.day for strip_day in strip if strip_day.count), None)
    next_day = None
    if wanted_day is not None and not by_day.get(wanted_day):
        next_day = next((s for s in strip if s.day > wanted_day and s.count), None)
    return DayPicker(strip=strip, day=wanted_day, slots=by_day.get(wanted_day, []), next_day=next_day)
