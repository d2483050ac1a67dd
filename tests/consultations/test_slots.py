import datetime

import pytest
import time_machine

from consultations.models import Consultation, ConsultationSettings
from consultations.scheduling import selectors
from tests.consultations.factories import (
    ClinicianFactory,
    ConsultationFactory,
    ConsultationHoursFactory,
    TimeOffFactory,
    pt,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("slot_lookup_agrees")]


def utc(*args):
    return datetime.datetime(*args, tzinfo=datetime.UTC)


def starts(slots):
    return [slot.starts_at for slot in slots]


@pytest.fixture
def clinician():
    return ClinicianFactory()


def test_monday_hours_give_15_minute_slots_in_pacific_time(clinician, sunday_march_1):
    ConsultationHoursFactory(clinician=clinician, weekday=0, starts_at=datetime.time(10), ends_at=datetime.time(11))
    slots = selectors.open_slots()
    first_monday = [s for s in slots if s.local_start.date() == datetime.date(2026, 3, 2)]
    assert [s.time_label for s in first_monday] == ["10:00 AM", "10:15 AM", "10:30 AM", "10:45 AM"]
    assert first_monday[0].starts_at == utc(2026, 3, 2, 18, 0)
    assert first_monday[0].clinician_ids == (clinician.pk,)
    assert first_monday[1].label == "Monday, March 2, 10:15 AM Pacific Time"


def test_same_wall_clock_hours_hold_across_the_march_2026_change(clinician, sunday_march_1):
    ConsultationHoursFactory(clinician=clinician, weekday=0, starts_at=datetime.time(10), ends_at=datetime.time(10, 15))
    # Before March 8 Pacific is UTC-8; after it, UTC-7: 10 AM stays 10 AM on the wall.
    assert starts(selectors.open_slots()) == [utc(2026, 3, 2, 18), utc(2026, 3, 9, 17), utc(2026, 3, 16, 17)]


def test_the_skipped_hour_on_march_8_2026_offers_no_times(clinician, sunday_march_1):
    ConsultationHoursFactory(clinician=clinician, weekday=6, starts_at=datetime.time(1), ends_at=datetime.time(4))
    on_the_day = [s for s in selectors.open_slots() if s.local_start.date() == datetime.date(2026, 3, 8)]
    assert [s.time_label for s in on_the_day] == [
        "1:00 AM", "1:15 AM", "1:30 AM", "1:45 AM", "3:00 AM", "3:15 AM", "3:30 AM", "3:45 AM",
    ]  # fmt: skip
    # 1:45 AM PST is followed by 3:00 AM PDT: the calls are back to back in real time.
    assert on_the_day[3].starts_at == utc(2026, 3, 8, 9, 45)
    assert on_the_day[4].starts_at == utc(2026, 3, 8, 10, 0)


def test_the_repeated_hour_on_november_1_2026_is_offered_once(clinician):
    ConsultationHoursFactory(clinician=clinician, weekday=6, starts_at=datetime.time(0), ends_at=datetime.time(3))
    with time_machine.travel(pt(2026, 10, 25, 8, 0), tick=False):
        on_the_day = [s for s in selectors.open_slots() if s.local_start.date() == datetime.date(2026, 11, 1)]
    assert len(on_the_day) == 12
    assert len({s.starts_at for s in on_the_day}) == 12
    labels = [s.time_label for s in on_the_day]
    assert labels.count("1:30 AM") == 1
    assert on_the_day[4].starts_at == utc(2026, 11, 1, 8, 0)  # 1:00 AM PDT, its first occurrence
    assert on_the_day[8].starts_at == utc(2026, 11, 1, 10, 0)  # 2:00 AM PST


def test_same_wall_clock_hours_hold_across_the_november_2026_change(clinician):
    ConsultationHoursFactory(clinician=clinician, weekday=0, starts_at=datetime.time(10), ends_at=datetime.time(10, 15))
    with time_machine.travel(pt(2026, 10, 25, 8, 0), tick=False):
        assert starts(selectors.open_slots())[:2] == [utc(2026, 10, 26, 17), utc(2026, 11, 2, 18)]
        assert selectors.open_slots()[1].label == "Monday, November 2, 10:00 AM Pacific Time"


def test_minimum_notice_hides_times_too_soon(clinician):
    ConsultationHoursFactory(clinician=clinician, weekday=0, starts_at=datetime.time(10), ends_at=datetime.time(11))
    with time_machine.travel(pt(2026, 3, 2, 7, 20), tick=False):  # notice of 3 hours: from 10:20
        today = [s for s in selectors.open_slots() if s.local_start.date() == datetime.date(2026, 3, 2)]
    assert [s.time_label for s in today] == ["10:30 AM", "10:45 AM"]


def consultation_settings(**fields):
    """Change the practice's booking rules, saved as the admin saves them."""
    settings = ConsultationSettings.get_solo()
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.save()


def monday_mornings(clinician):
    ConsultationHoursFactory(clinician=clinician, weekday=0, starts_at=datetime.time(10), ends_at=datetime.time(12))


def test_horizon_limits_how_far_ahead_times_are_offered(clinician, sunday_march_1):
    ConsultationHoursFactory(clinician=clinician, weekday=0, starts_at=datetime.time(10), ends_at=datetime.time(10, 15))
    consultation_settings(horizon_days=8)
    assert starts(selectors.open_slots()) == [utc(2026, 3, 2, 18)]


def test_booked_calls_are_taken_out_and_cancelled_ones_free_the_time(clinician, sunday_march_1):
    ConsultationHoursFactory(clinician=clinician, weekday=0, starts_at=datetime.time(10), ends_at=datetime.time(10, 30))
    booked = ConsultationFactory(clinician=clinician, starts_at=pt(2026, 3, 2, 10, 0))
    monday = datetime.date(2026, 3, 2)
    assert [s.time_label for s in selectors.open_slots(on_date=monday)] == ["10:15 AM"]
    booked.status = Consultation.Status.CANCELLED
    booked.save()
    assert [s.time_label for s in selectors.open_slots(on_date=monday)] == ["10:00 AM", "10:15 AM"]


def test_buffer_spaces_calls_and_keeps_a_gap_around_booked_ones(clinician, sunday_march_1):
    consultation_settings(buffer_minutes=15)
    monday_mornings(clinician)
    monday = datetime.date(2026, 3, 2)
    assert [s.time_label for s in selectors.open_slots(on_date=monday)] == [
        "10:00 AM",
        "10:30 AM",
        "11:00 AM",
        "11:30 AM",
    ]
    # A call booked by staff at 10:45 needs the 15 minutes either side kept free.
    ConsultationFactory(clinician=clinician, starts_at=pt(2026, 3, 2, 10, 45))
    assert [s.time_label for s in selectors.open_slots(on_date=monday)] == ["10:00 AM", "11:30 AM"]


def test_daily_cap_closes_a_day_once_reached(clinician, sunday_march_1):
    consultation_settings(daily_cap=2)
    monday_mornings(clinician)
    monday = datetime.date(2026, 3, 2)
    ConsultationFactory(clinician=clinician, starts_at=pt(2026, 3, 2, 10, 0))
    assert len(selectors.open_slots(on_date=monday)) == 7
    ConsultationFactory(clinician=clinician, starts_at=pt(2026, 3, 2, 11, 0))
    assert selectors.open_slots(on_date=monday) == []
    assert selectors.slot_lookup(starts_at=pt(2026, 3, 2, 10, 30)) is None  # counts the whole day, not its neighbours


def test_clinician_time_off_and_practice_holidays_close_whole_days(clinician, sunday_march_1):
    other = ClinicianFactory()
    for person in (clinician, other):
        ConsultationHoursFactory(
            clinician=person, weekday=0, starts_at=datetime.time(10), ends_at=datetime.time(10, 15)
        )
    TimeOffFactory(clinician=clinician, starts_on=datetime.date(2026, 3, 1), ends_on=datetime.date(2026, 3, 3))
    TimeOffFactory(clinician=None, starts_on=datetime.date(2026, 3, 16), ends_on=datetime.date(2026, 3, 16))
    slots = {s.starts_at: s.clinician_ids for s in selectors.open_slots()}
    assert slots == {
        utc(2026, 3, 2, 18): (other.pk,),
        utc(2026, 3, 9, 17): tuple(sorted((clinician.pk, other.pk))),
    }


def test_only_active_clinicians_accepting_new_clients_are_offered(sunday_march_1):
    away = ClinicianFactory(accepting_new_clients=False)
    gone = ClinicianFactory(active=False)
    for person in (away, gone):
        ConsultationHoursFactory(clinician=person, weekday=0)
    assert selectors.open_slots() == []


def test_one_clinician_can_be_chosen(clinician, sunday_march_1):
    other = ClinicianFactory()
    ConsultationHoursFactory(clinician=clinician, weekday=0, starts_at=datetime.time(10), ends_at=datetime.time(10, 15))
    ConsultationHoursFactory(clinician=other, weekday=1, starts_at=datetime.time(10), ends_at=datetime.time(10, 15))
    assert {s.local_start.weekday() for s in selectors.open_slots(clinician=other)} == {1}


def test_slot_lookup_refuses_past_misaligned_and_taken_times(clinician, sunday_march_1):
    ConsultationHoursFactory(clinician=clinician, weekday=0, starts_at=datetime.time(10), ends_at=datetime.time(11))
    assert selectors.slot_lookup(starts_at=pt(2026, 3, 2, 10, 15)) is not None
    assert selectors.slot_lookup(starts_at=pt(2026, 3, 2, 10, 7)) is None  # misaligned
    assert selectors.slot_lookup(starts_at=pt(2026, 3, 2, 11, 0)) is None  # after the window
    assert selectors.slot_lookup(starts_at=pt(2026, 2, 23, 10, 0)) is None  # past
    ConsultationFactory(clinician=clinician, starts_at=pt(2026, 3, 2, 10, 15))
    assert selectors.slot_lookup(starts_at=pt(2026, 3, 2, 10, 15)) is None


def test_nearest_open_slots_are_the_closest_in_time(clinician, sunday_march_1):
    monday_mornings(clinician)
    nearest = selectors.nearest_open_slots(around=pt(2026, 3, 9, 11, 0), count=3)
    assert [s.label for s in nearest] == [
        "Monday, March 9, 10:45 AM Pacific Time",
        "Monday, March 9, 11:00 AM Pacific Time",
        "Monday, March 9, 11:15 AM Pacific Time",
    ]


def test_slot_keys_round_trip_and_refuse_anything_else():
    moment = utc(2026, 3, 3, 23, 15)
    assert selectors.slot_key(moment) == "20260303T2315Z"
    assert selectors.parse_slot_key("20260303T2315Z") == moment
    for bad in ("", "2026-03-03", "20260303T2315", "20261303T2315Z", "20260303T2315Z'--", None, "x" * 14):
        assert selectors.parse_slot_key(bad) is None


def test_slots_are_grouped_by_pacific_day(clinician, sunday_march_1):
    # 4:45 PM Pacific is already the next day in UTC; it still belongs to Monday.
    ConsultationHoursFactory(clinician=clinician, weekday=0, starts_at=datetime.time(16, 45), ends_at=datetime.time(17))
    days = selectors.slots_by_day(selectors.open_slots())
    assert [day.label for day in days] == ["Monday, March 2", "Monday, March 9", "Monday, March 16"]
    assert days[0].slots[0].time_label == "4:45 PM"
