"""The practice's figures over a period: counts only, computed by the database, never who it was.

Every figure here is an aggregate of consultations requested in the period (by ``created_at``). Erasure
blanks a client's details but keeps the row, so erased clients still count. The page and the CSV mask
small counts (``masked``); this module returns the true numbers, which tests compare with direct counts.
"""

import dataclasses
import datetime
import math

from django.db import connection
from django.db.models import Aggregate, Case, CharField, Count, DurationField, ExpressionWrapper, F, Q, Value, When
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, Lower, TruncWeek
from django.utils import timezone

from consultations.models import Consultation
from consultations.timefmt import PRACTICE_TZ

Status = Consultation.Status
BookedVia = Consultation.BookedVia

# The smallest count shown as a number: a group of fewer people could be singled out.
SMALLEST_SHOWN = 5


class Outcome:
    """What became of a call, in the order the page shows them."""

    COMPLETED = "completed"
    NOT_A_FIT = "not_a_fit"
    NO_ANSWER = "no_answer"
    CANCELLED_BY_CLIENT = "cancelled_by_client"
    CANCELLED_BY_PRACTICE = "cancelled_by_practice"
    UPCOMING = "upcoming"
    UNRECORDED = "unrecorded"

    LABELS = {
        COMPLETED: "Took place",
        NOT_A_FIT: "Not a fit",
        NO_ANSWER: "No answer",
        CANCELLED_BY_CLIENT: "Cancelled by the client",
        CANCELLED_BY_PRACTICE: "Cancelled by the practice",
        UPCOMING: "Still upcoming or waiting for a time",
        UNRECORDED: "Past, no outcome recorded",
    }

    @classmethod
    def expression(cls, now):
        """A database expression naming each call's outcome."""
        not_yet = Q(status__in=[Status.NEW, Status.CONFIRMED])
        return Case(
            When(status__in=[Status.COMPLETED, Status.CALLED], then=Value(cls.COMPLETED)),
            When(status=Status.NOT_A_FIT, then=Value(cls.NOT_A_FIT)),
            When(status=Status.NO_ANSWER, then=Value(cls.NO_ANSWER)),
            When(
                status=Status.CANCELLED,
                cancelled_by=Consultation.CancelledBy.PRACTICE,
                then=Value(cls.CANCELLED_BY_PRACTICE),
            ),
            When(status=Status.CANCELLED, then=Value(cls.CANCELLED_BY_CLIENT)),
            When(not_yet & (Q(starts_at__isnull=True) | Q(starts_at__gte=now)), then=Value(cls.UPCOMING)),
            default=Value(cls.UNRECORDED),
            output_field=CharField(),
        )


# "How they heard of us" is free text: each group is the words that place it there, first match wins.
HEARD_ABOUT_GROUPS = (
    ("Therapist directory", ("psychology today", "psychologytoday", "directory", "zencare", "therapyden", "open path")),
    ("Search engine", ("google", "bing", "duckduckgo", "search", "online", "internet", "web")),
    ("Friend or family", ("friend", "family", "word of mouth", "partner", "coworker", "colleague", "mom", "sister")),
    ("Doctor or other professional", ("doctor", "physician", "referr", "therapist", "counsel", "nurse", "clinic")),
    ("Social media", ("instagram", "facebook", "tiktok", "social", "reddit", "linkedin", "twitter")),
    ("Insurance", ("insurance", "insurer", "premera", "regence", "aetna", "cigna")),
    ("Walking by the office", ("walk", "sign", "drove", "passed", "neighbo")),
)
HEARD_ABOUT_OTHER = "Something else"
HEARD_ABOUT_UNSAID = "Didn't say"


def _heard_about_group():
    text = Lower("heard_about")
    whens = [When(heard_about="", then=Value(HEARD_ABOUT_UNSAID))]
    for label, words in HEARD_ABOUT_GROUPS:
        match = Q()
        for word in words:
            match |= Q(heard_lower__contains=word)
        whens.append(When(match, then=Value(label)))
    return text, Case(*whens, default=Value(HEARD_ABOUT_OTHER), output_field=CharField())


@dataclasses.dataclass(frozen=True)
class Period:
    """Whole days in Pacific Time, first and last included."""

    first_day: datetime.date
    last_day: datetime.date

    @property
    def bounds(self):
        start = datetime.datetime.combine(self.first_day, datetime.time(), tzinfo=PRACTICE_TZ)
        end = datetime.datetime.combine(self.last_day + datetime.timedelta(days=1), datetime.time(), tzinfo=PRACTICE_TZ)
        return start, end

    def weeks(self):
        """The Monday of every week the period touches."""
        monday = self.first_day - datetime.timedelta(days=self.first_day.weekday())
        while monday <= self.last_day:
            yield monday
            monday += datetime.timedelta(days=7)


@dataclasses.dataclass(frozen=True)
class Waits:
    count: int
    median: datetime.timedelta | None
    p90: datetime.timedelta | None


@dataclasses.dataclass(frozen=True)
class Insights:
    period: Period
    total: int
    weekly: list  # (monday, {BookedVia: count})
    outcomes: dict  # Outcome -> count
    booking_waits: Waits
    callback_waits: Waits
    heard_about: list  # (group, count), largest first
    clinicians: list  # (name, {Outcome: count}, taken)
    busiest: dict  # (iso weekday, hour) -> count

    @property
    def no_answer_rate(self):
        due = sum(self.outcomes[o] for o in (Outcome.COMPLETED, Outcome.NOT_A_FIT, Outcome.NO_ANSWER))
        return _rate(self.outcomes[Outcome.NO_ANSWER], due)

    @property
    def client_cancellation_rate(self):
        return _rate(self.outcomes[Outcome.CANCELLED_BY_CLIENT], self.total)


def _rate(part, whole):
    """A share as a whole percent, or None when it would reveal a count too small to show."""
    if not whole or 0 < part < SMALLEST_SHOWN:
        return None
    return round(100 * part / whole)


def masked(count):
    """A count as the page and the CSV show it: a group smaller than five is not singled out."""
    return "fewer than 5" if 0 < count < SMALLEST_SHOWN else count


class PercentileDisc(Aggregate):
    """PostgreSQL's nearest-rank percentile of an ordered set: PERCENTILE_DISC(0.9) WITHIN GROUP (ORDER BY ...)."""

    function = "PERCENTILE_DISC"
    template = "%(function)s(%(share)s) WITHIN GROUP (ORDER BY %(expressions)s)%(filter)s"

    def __init__(self, expression, share, **extra):
        super().__init__(expression, share=float(share), **extra)


def _percentile(sorted_values, share):
    """The nearest-rank percentile of a sorted list, as PERCENTILE_DISC gives it."""
    return sorted_values[max(0, math.ceil(share * len(sorted_values)) - 1)]


def _waits(requested):
    """How long people waited for their call: after booking a time, and after asking to be called back.

    One query either way: PostgreSQL computes the percentiles itself; SQLite (``make run``) sends
    the waits over and Python ranks them.
    """
    scheduled = requested.filter(starts_at__isnull=False).annotate(
        wait=ExpressionWrapper(F("starts_at") - F("created_at"), output_field=DurationField())
    )
    kinds = {"booking": ~Q(booked_via=BookedVia.CALLBACK), "callback": Q(booked_via=BookedVia.CALLBACK)}
    if connection.vendor == "postgresql":
        figures = scheduled.aggregate(
            **{
                f"{kind}_{name}": aggregate
                for kind, match in kinds.items()
                for name, aggregate in (
                    ("count", Count("id", filter=match)),
                    ("median", PercentileDisc("wait", 0.5, filter=match, output_field=DurationField())),
                    ("p90", PercentileDisc("wait", 0.9, filter=match, output_field=DurationField())),
                )
            }
        )
    else:
        rows = sorted(scheduled.values_list("booked_via", "wait"), key=lambda row: row[1])
        figures = {}
        for kind, callback in (("booking", False), ("callback", True)):
            waits = [wait for via, wait in rows if (via == BookedVia.CALLBACK) == callback]
            figures |= {
                f"{kind}_count": len(waits),
                f"{kind}_median": _percentile(waits, 0.5) if waits else None,
                f"{kind}_p90": _percentile(waits, 0.9) if waits else None,
            }
    result = {}
    for kind in kinds:
        count = figures[f"{kind}_count"]
        shown = count >= SMALLEST_SHOWN
        result[kind] = Waits(
            count=count,
            median=figures[f"{kind}_median"] if shown else None,
            p90=figures[f"{kind}_p90"] if shown else None,
        )
    return result


def practice_insights(*, period, now=None):
    """Everything the insights page shows for ``period``, in six queries whatever the volume."""
    now = now or timezone.now()
    start, end = period.bounds
    requested = Consultation.objects.filter(created_at__gte=start, created_at__lt=end)
    outcome = Outcome.expression(now)

    weekly_rows = (
        requested.annotate(week=TruncWeek("created_at", tzinfo=PRACTICE_TZ))
        .values("week", "booked_via")
        .annotate(n=Count("id"))
    )
    by_week = {monday: dict.fromkeys(BookedVia, 0) for monday in period.weeks()}
    for row in weekly_rows:
        week = row["week"]
        monday = week.astimezone(PRACTICE_TZ).date() if isinstance(week, datetime.datetime) else week
        by_week.setdefault(monday, dict.fromkeys(BookedVia, 0))[row["booked_via"]] = row["n"]

    outcomes = dict.fromkeys(Outcome.LABELS, 0)
    for row in requested.annotate(outcome=outcome).values("outcome").annotate(n=Count("id")):
        outcomes[row["outcome"]] = row["n"]

    heard_lower, heard_group = _heard_about_group()
    heard = (
        requested.annotate(heard_lower=heard_lower)
        .annotate(group=heard_group)
        .values("group")
        .annotate(n=Count("id"))
        .order_by("-n", "group")
    )

    per_clinician = {}
    rows = (
        requested.filter(clinician__isnull=False)
        .annotate(outcome=outcome)
        .values("clinician__full_name", "outcome")
        .annotate(n=Count("id"))
        .order_by("clinician__full_name")
    )
    for row in rows:
        counts = per_clinician.setdefault(row["clinician__full_name"], dict.fromkeys(Outcome.LABELS, 0))
        counts[row["outcome"]] = row["n"]
    taken = (Outcome.COMPLETED, Outcome.NOT_A_FIT)

    busiest = {}
    slots = (
        requested.filter(starts_at__isnull=False)
        .exclude(status=Status.CANCELLED)
        .annotate(
            weekday=ExtractIsoWeekDay("starts_at", tzinfo=PRACTICE_TZ),
            hour=ExtractHour("starts_at", tzinfo=PRACTICE_TZ),
        )
        .values("weekday", "hour")
        .annotate(n=Count("id"))
    )
    for row in slots:
        busiest[row["weekday"], row["hour"]] = row["n"]

    waits = _waits(requested)
    return Insights(
        period=period,
        total=sum(outcomes.values()),
        weekly=sorted(by_week.items()),
        outcomes=outcomes,
        booking_waits=waits["booking"],
        callback_waits=waits["callback"],
        heard_about=[(row["group"], row["n"]) for row in heard],
        clinicians=[(name, counts, sum(counts[o] for o in taken)) for name, counts in sorted(per_clinician.items())],
        busiest=busiest,
    )
