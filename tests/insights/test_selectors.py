"""The insights figures, each checked against a direct count of the generated consultations."""

import collections
import datetime
import math
import statistics

import pytest

from consultations.models import Consultation
from consultations.privacy.services import consultation_erase_personal_data
from consultations.timefmt import PRACTICE_TZ
from insights.selectors import Outcome, Period, masked, practice_insights
from tests.insights.conftest import NOW, generate_year

TWELVE_MONTHS = Period(datetime.date(2025, 11, 28), datetime.date(2026, 11, 27))


def outcome_of(consultation):
    status = consultation.status
    if status in ("completed", "called"):
        return Outcome.COMPLETED
    if status == "cancelled":
        return Outcome.CANCELLED_BY_PRACTICE if consultation.cancelled_by == "practice" else Outcome.CANCELLED_BY_CLIENT
    if status in ("not_a_fit", "no_answer"):
        return status
    return Outcome.UPCOMING if consultation.starts_at is None or consultation.starts_at >= NOW else Outcome.UNRECORDED


def in_period(consultations, period):
    start, end = period.bounds
    return [c for c in consultations if start <= c.created_at < end]


def test_outcomes_and_total_match_a_direct_count(year):
    insights = practice_insights(period=TWELVE_MONTHS, now=NOW)

    expected = collections.Counter(outcome_of(c) for c in in_period(year, TWELVE_MONTHS))
    assert insights.outcomes == {key: expected.get(key, 0) for key in Outcome.LABELS}
    assert insights.total == len(in_period(year, TWELVE_MONTHS)) > 200


def test_weekly_counts_split_by_how_calls_were_booked(year):
    insights = practice_insights(period=TWELVE_MONTHS, now=NOW)

    expected = collections.Counter()
    for c in in_period(year, TWELVE_MONTHS):
        day = c.created_at.astimezone(PRACTICE_TZ).date()
        expected[day - datetime.timedelta(days=day.weekday()), c.booked_via] += 1
    got = {(monday, via): n for monday, counts in insights.weekly for via, n in counts.items() if n}
    assert got == dict(expected)
    assert [monday.weekday() for monday, _ in insights.weekly] == [0] * len(insights.weekly)


def test_a_shorter_period_counts_only_its_own_requests(year):
    four_weeks = Period(datetime.date(2026, 10, 31), datetime.date(2026, 11, 27))

    insights = practice_insights(period=four_weeks, now=NOW)

    assert insights.total == len(in_period(year, four_weeks))
    assert len(insights.weekly) == 5  # four weeks from a Saturday touch five Mondays' weeks


def test_waits_are_the_median_and_90th_percentile(year):
    insights = practice_insights(period=TWELVE_MONTHS, now=NOW)

    waits = sorted(
        c.starts_at - c.created_at
        for c in in_period(year, TWELVE_MONTHS)
        if c.starts_at and c.booked_via != Consultation.BookedVia.CALLBACK
    )
    assert insights.booking_waits.count == len(waits)
    assert insights.booking_waits.median in (statistics.median_low(waits), statistics.median_high(waits))
    assert insights.booking_waits.p90 == waits[math.ceil(0.9 * len(waits)) - 1]  # the nearest rank
    assert insights.booking_waits.median < insights.booking_waits.p90


def test_heard_about_is_grouped(year):
    insights = practice_insights(period=TWELVE_MONTHS, now=NOW)

    said = collections.Counter(c.heard_about for c in in_period(year, TWELVE_MONTHS))
    groups = dict(insights.heard_about)
    assert groups["Search engine"] == said["Google"]
    assert groups["Friend or family"] == said["a friend"]
    assert groups["Therapist directory"] == said["Psychology Today"]
    assert groups["Doctor or other professional"] == said["my doctor"]
    assert groups["Social media"] == said["Instagram"]
    assert groups["Walking by the office"] == said["saw the sign on Ballard Ave"]
    assert groups["Didn't say"] == said[""]
    assert groups["Something else"] == said["?"]
    assert [n for _, n in insights.heard_about] == sorted(groups.values(), reverse=True)


def test_per_clinician_outcomes_and_busiest_hours(year):
    insights = practice_insights(period=TWELVE_MONTHS, now=NOW)

    rows = in_period(year, TWELVE_MONTHS)
    for name, counts, taken in insights.clinicians:
        theirs = [c for c in rows if c.clinician.full_name == name]
        assert sum(counts.values()) == len(theirs)
        assert taken == sum(outcome_of(c) in (Outcome.COMPLETED, Outcome.NOT_A_FIT) for c in theirs)
    busiest = collections.Counter(
        (c.starts_at.astimezone(PRACTICE_TZ).isoweekday(), c.starts_at.astimezone(PRACTICE_TZ).hour)
        for c in rows
        if c.starts_at and c.status != "cancelled"
    )
    assert insights.busiest == dict(busiest)


def test_erased_clients_still_count(year):
    before = practice_insights(period=TWELVE_MONTHS, now=NOW)

    for consultation in year[:10]:
        consultation_erase_personal_data(consultation=consultation, reason="request")

    after = practice_insights(period=TWELVE_MONTHS, now=NOW)
    assert after.total == before.total
    assert after.outcomes == before.outcomes


@pytest.mark.parametrize("count", [40, 160])
def test_the_figures_take_a_fixed_number_of_queries(db, frozen_now, django_assert_num_queries, count):
    generate_year(count)

    with django_assert_num_queries(6):
        practice_insights(period=TWELVE_MONTHS, now=NOW)


@pytest.mark.parametrize(("count", "shown"), [(0, 0), (1, "fewer than 5"), (4, "fewer than 5"), (5, 5), (120, 120)])
def test_small_counts_are_masked(count, shown):
    assert masked(count) == shown
