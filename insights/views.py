"""The insights page in the admin: the practice's figures over a period, as charts, tables and a CSV."""

import csv

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from consultations.models import Consultation
from consultations.timefmt import PRACTICE_TZ
from insights.charts import horizontal_chart, weekly_chart
from insights.forms import PeriodForm
from insights.selectors import HEARD_ABOUT_UNSAID, Outcome, masked, practice_insights
from thrive.spreadsheets import csv_safe

# Who may see the whole practice's figures: the front desk. A clinician sees only their own calls elsewhere.
PERMISSION = "consultations.view_all_consultations"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKLY_SERIES = [(value, label) for value, label in Consultation.BookedVia.choices]


def wait_label(duration):
    """A wait as people say it: '3 days 4 hours', '5 hours', 'under an hour'."""
    if duration is None:
        return "too few to show"
    hours = int(duration.total_seconds() // 3600)
    days, hours = divmod(hours, 24)
    parts = [f"{days} day{'s' * (days != 1)}"] if days else []
    if hours:
        parts.append(f"{hours} hour{'s' * (hours != 1)}")
    return " ".join(parts) or "under an hour"


def hour_label(hour):
    return f"{(hour - 1) % 12 + 1} {'AM' if hour < 12 else 'PM'}"


def _heat_map(busiest):
    """Rows of (hour label, [(count shown, shade 0-4)] Monday to Sunday) for the hours that had calls."""
    if not busiest:
        return []
    hours = range(min(hour for _, hour in busiest), max(hour for _, hour in busiest) + 1)
    top = max(busiest.values())
    return [
        (
            hour_label(hour),
            [
                (masked(count := busiest.get((weekday, hour), 0)), 0 if not count else 1 + (3 * count) // top)
                for weekday in range(1, 8)
            ],
        )
        for hour in hours
    ]


def _figures(insights):
    """Every figure on the page, as (section, label, value) rows: the CSV is exactly these."""
    rows = [("Requests in the period", "All", masked(insights.total))]
    for monday, counts in insights.weekly:
        for value, label in WEEKLY_SERIES:
            rows.append((f"Week of {monday:%Y-%m-%d}", label, masked(counts[value])))
    rows += [("What became of the calls", Outcome.LABELS[key], masked(n)) for key, n in insights.outcomes.items()]
    rows += [
        ("Rates", "No answer (% of calls due)", insights.no_answer_rate),
        ("Rates", "Cancelled by the client (% of requests)", insights.client_cancellation_rate),
        ("Wait from booking to the call", "Median", wait_label(insights.booking_waits.median)),
        ("Wait from booking to the call", "90th percentile", wait_label(insights.booking_waits.p90)),
        ("Wait from a callback request to the call", "Median", wait_label(insights.callback_waits.median)),
        ("Wait from a callback request to the call", "90th percentile", wait_label(insights.callback_waits.p90)),
    ]
    rows += [("How they heard of us", group, masked(n)) for group, n in insights.heard_about]
    for name, counts, taken in insights.clinicians:
        rows.append((f"Clinician: {name}", "Calls taken", masked(taken)))
        rows += [(f"Clinician: {name}", Outcome.LABELS[key], masked(n)) for key, n in counts.items()]
    for (weekday, hour), n in sorted(insights.busiest.items()):
        rows.append(("Calls by weekday and hour (Pacific)", f"{WEEKDAYS[weekday - 1]} {hour_label(hour)}", masked(n)))
    return rows


def _csv(insights):
    period = insights.period
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="thrive-insights-{period.first_day:%Y-%m-%d}-to-{period.last_day:%Y-%m-%d}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(["Figure", "Of", "Value"])
    for row in _figures(insights):
        writer.writerow([csv_safe("" if value is None else value) for value in row])
    return response


def insights_page(request):
    """GET only; ``?format=csv`` downloads the same figures. Wrapped by ``admin.site.admin_view`` in the URLs."""
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    form = PeriodForm(request.GET or None)
    period = form.period_ending(timezone.localdate(timezone=PRACTICE_TZ))
    insights = practice_insights(period=period)
    if request.GET.get("format") == "csv":
        return _csv(insights)
    query = request.GET.copy()
    query["format"] = "csv"
    context = {
        **admin.site.each_context(request),
        "title": "Insights",
        "form": form,
        "insights": insights,
        "csv_query": query.urlencode(),
        "total": masked(insights.total),
        "weekly": weekly_chart(insights.weekly, WEEKLY_SERIES),
        "weekly_series": WEEKLY_SERIES,
        "weekly_rows": [
            (monday, [masked(counts[value]) for value, _ in WEEKLY_SERIES]) for monday, counts in insights.weekly
        ],
        "outcomes": horizontal_chart([(Outcome.LABELS[key], n) for key, n in insights.outcomes.items()]),
        "heard_about": horizontal_chart(insights.heard_about[:8]),
        "heard_about_unsaid": HEARD_ABOUT_UNSAID,
        "clinicians": horizontal_chart([(name, taken) for name, _, taken in insights.clinicians]),
        "clinician_outcomes": [
            (name, [masked(counts[key]) for key in Outcome.LABELS]) for name, counts, _ in insights.clinicians
        ],
        "outcome_labels": list(Outcome.LABELS.values()),
        "waits": [
            (label, masked(waits.count), wait_label(waits.median), wait_label(waits.p90))
            for label, waits in (
                ("From booking to the call", insights.booking_waits),
                ("From a callback request to the call", insights.callback_waits),
            )
        ],
        "heat_map": _heat_map(insights.busiest),
        "weekdays": WEEKDAYS,
    }
    return TemplateResponse(request, "insights/insights.html", context)
