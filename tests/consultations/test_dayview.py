"""The admin's day view: a day's calls by clinician, one-click statuses, callback requests offered a time."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultations.models import Consultation, Notification
from tests.clinicians.factories import clinician_user
from tests.consultations.admin_pages import admin_url
from tests.consultations.factories import (
    ClinicianFactory,
    ConsultationFactory,
    ConsultationHoursFactory,
    ConsultationSettingsFactory,
    pt,
)
from tests.html_checker import html_errors
from thrive.phones import phone_written

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("monday_morning")]

Status = Consultation.Status


def test_phone_is_written_as_people_write_it():
    call = Consultation(phone="+12065550123")
    assert phone_written(call.phone) == "206-555-0123"
    assert phone_written(Consultation(phone="+442079460958").phone).startswith("+44 ")


def test_todays_calls_are_listed_in_time_order_with_what_the_desk_needs(desk, mari):
    later = ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 11, 0), first_name="Blake", last_name="Later")
    first = ConsultationFactory(
        clinician=mari,
        starts_at=pt(2026, 3, 2, 10, 0),
        first_name="Avery",
        last_name="First",
        preferred_name="Ave",
        phone="+12065550123",
        voicemail_ok=True,
        note="Evenings are easier.",
    )
    tomorrow = ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 3, 10, 0))
    html = desk.get(admin_url("day")).content.decode()
    assert html.index(first.reference) < html.index(later.reference)
    assert tomorrow.reference not in html
    for text in (
        "Calls on Monday, March 2",
        "Maricor Coquia",
        "10:00 AM",
        "goes by Ave",
        'href="tel:+12065550123">206-555-0123</a>',
        "voicemail OK",
        "Evenings are easier.",
        "Individual therapy",
        "Confirmed",
        admin_url("change", first),
    ):
        assert text in html, text


def test_another_day_is_one_link_or_a_date_away(desk, mari):
    call = ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 4, 10, 0))
    html = desk.get(admin_url("day"), {"date": "2026-03-04"}).content.decode()
    assert call.reference in html
    assert "date=2026-03-03" in html and "date=2026-03-05" in html
    assert f'href="{admin_url("day")}"' in html  # today
    assert desk.get(admin_url("day"), {"date": "not-a-date"}).status_code == 200


def test_cancelled_calls_are_hidden_with_a_count_until_asked_for(desk, mari):
    ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 0))
    cancelled = ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 0), status=Status.CANCELLED)
    html = desk.get(admin_url("day")).content.decode()
    assert cancelled.reference not in html
    assert "1 cancelled call hidden." in html
    html = desk.get(admin_url("day"), {"cancelled": "shown"}).content.decode()
    assert cancelled.reference in html
    assert "Hide cancelled" in html


def test_one_click_marks_a_call_from_the_status_its_row_showed(desk, mari):
    call = ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 0))
    response = desk.post(
        admin_url("status", call), {"status": "called", "expected_status": "confirmed", "next": admin_url("day")}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{admin_url('day')}#call-{call.pk}"
    call.refresh_from_db()
    assert call.status == Status.CALLED
    html = desk.get(admin_url("day")).content.decode()
    assert "Marked “Called”." in html
    # From "called", the row offers what may follow, and no longer "called".
    assert 'name="status" value="completed"' in html
    assert 'name="status" value="called"' not in html


def test_two_people_marking_one_call_leave_one_change_and_a_message(desk, mari):
    call = ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 0))
    desk.post(admin_url("status", call), {"status": "no_answer", "expected_status": "confirmed"})
    response = desk.post(admin_url("status", call), {"status": "called", "expected_status": "confirmed"}, follow=True)
    call.refresh_from_db()
    assert call.status == Status.NO_ANSWER
    assert "someone else marked this call “No answer”" in response.content.decode()


def test_a_status_click_needs_a_post_and_a_known_status(desk, mari):
    call = ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 0))
    assert desk.get(admin_url("status", call)).status_code == 405
    assert (
        desk.post(admin_url("status", call), {"status": "cancelled", "expected_status": "confirmed"}).status_code == 400
    )
    call.refresh_from_db()
    assert call.status == Status.CONFIRMED


def test_an_outside_next_address_is_not_followed(desk, mari):
    call = ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 0))
    response = desk.post(
        admin_url("status", call), {"status": "called", "expected_status": "confirmed", "next": "https://evil.example/"}
    )
    assert response["Location"].startswith(admin_url("day"))


def test_a_clinician_sees_and_marks_only_their_own_calls(client, mari, colleague):
    own = ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 0))
    theirs = ConsultationFactory(clinician=colleague, starts_at=pt(2026, 3, 2, 10, 0))
    client.force_login(clinician_user(mari))
    for params in ({}, {"clinician": colleague.pk}, {"date": "2026-03-02", "clinician": colleague.pk}):
        html = client.get(admin_url("day"), params).content.decode()
        assert theirs.reference not in html
        assert colleague.full_name not in html
    assert own.reference in client.get(admin_url("day")).content.decode()
    assert (
        client.post(admin_url("status", theirs), {"status": "called", "expected_status": "confirmed"}).status_code
        == 404
    )
    theirs.refresh_from_db()
    assert theirs.status == Status.CONFIRMED


def test_the_clinician_filter_limits_the_front_desk_to_one_clinician(desk, mari, colleague):
    own = ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 0))
    theirs = ConsultationFactory(clinician=colleague, starts_at=pt(2026, 3, 2, 10, 0))
    html = desk.get(admin_url("day"), {"clinician": mari.pk}).content.decode()
    assert own.reference in html
    assert theirs.reference not in html
    assert "Show every clinician’s calls" in html


def test_callback_requests_are_offered_open_times_that_suit_them(desk, mari):
    request = ConsultationFactory(
        clinician=None,
        starts_at=None,
        status=Status.NEW,
        preferred_days="Wednesday",
        preferred_times="Morning (9 AM to noon)",
    )
    html = desk.get(admin_url("day")).content.decode()
    assert "Callback requests waiting for a time (1)" in html
    assert "Prefers:</strong> Wednesday; Morning" in html
    assert "Wednesday, March 4, 10:00 AM" in html
    assert "Tuesday, March 3" not in html  # not a day they asked for
    assert request.reference in html


def test_a_callback_request_without_matching_times_is_offered_every_open_time(desk, mari):
    ConsultationFactory(clinician=None, starts_at=None, status=Status.NEW, preferred_days="Saturday")
    html = desk.get(admin_url("day")).content.decode()
    assert "none of the open times match their preferences" in html
    assert "Tuesday, March 3, 10:00 AM" in html


def test_offering_a_time_books_the_request_and_tells_the_client(desk, mari):
    request = ConsultationFactory(clinician=None, starts_at=None, status=Status.NEW, email="sam@example.com")
    response = desk.post(admin_url("offer", request), {"slot": "20260304T1800Z", "next": admin_url("day")}, follow=True)
    request.refresh_from_db()
    assert request.starts_at == pt(2026, 3, 4, 10, 0)
    assert request.clinician == mari
    assert request.status == Status.CONFIRMED
    assert Notification.objects.filter(
        consultation=request, recipient_role=Notification.Role.CLIENT, event=Notification.Event.PRACTICE_MOVED
    ).exists()
    assert "We’ve emailed them the confirmation." in response.content.decode()


def test_offering_a_time_that_is_not_open_changes_nothing(desk, mari):
    ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 4, 10, 0))
    request = ConsultationFactory(clinician=None, starts_at=None, status=Status.NEW)
    response = desk.post(admin_url("offer", request), {"slot": "20260304T1800Z"}, follow=True)
    request.refresh_from_db()
    assert request.starts_at is None
    assert "was not given a time" in response.content.decode()


def test_offering_a_time_twice_books_it_once(desk, mari):
    request = ConsultationFactory(clinician=None, starts_at=None, status=Status.NEW)
    desk.post(admin_url("offer", request), {"slot": "20260304T1800Z"})
    response = desk.post(admin_url("offer", request), {"slot": "20260304T1830Z"}, follow=True)
    request.refresh_from_db()
    assert request.starts_at == pt(2026, 3, 4, 10, 0)
    assert "was not given a time" in response.content.decode()


def _queries_for_a_day_of(desk, count, clinicians):
    for number in range(count):
        clinician = clinicians[number % len(clinicians)]
        ConsultationFactory(
            clinician=clinician,
            starts_at=pt(2026, 3, 2, 9, 0) + (number // len(clinicians)) * (pt(2026, 3, 2, 9, 15) - pt(2026, 3, 2, 9)),
            status=Status.CANCELLED if number % 7 == 0 else Status.CONFIRMED,
        )
    ConsultationFactory(clinician=None, starts_at=None, status=Status.NEW)
    ConsultationSettingsFactory()
    with CaptureQueriesContext(connection) as queries:
        response = desk.get(admin_url("day"), {"date": "2026-03-02", "cancelled": "shown"})
    assert response.status_code == 200
    return len(queries)


# The day view's query budget: the session and the user with their permissions (4), the day's calls,
# the waiting callback requests, the open times offered to them (hours, time off, bookings, clinicians'
# own calendars; the settings come from the cache), and the session's idle clock saved in its savepoint (3).
DAY_VIEW_QUERIES = 13


def test_a_day_of_forty_calls_renders_in_a_fixed_number_of_queries(desk, mari):
    clinicians = [mari, *(ClinicianFactory() for _ in range(3))]
    for clinician in clinicians[1:]:
        ConsultationHoursFactory(clinician=clinician, weekday=2)
    assert _queries_for_a_day_of(desk, 40, clinicians) == DAY_VIEW_QUERIES


def test_a_day_of_three_calls_costs_the_same_queries(desk, mari):
    assert _queries_for_a_day_of(desk, 3, [mari]) == DAY_VIEW_QUERIES


def test_the_day_view_is_valid_html(desk, mari, vnu, tmp_path):
    ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 0), note="Mornings <please>.")
    ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 0), status=Status.CANCELLED)
    ConsultationFactory(clinician=None, starts_at=None, status=Status.NEW, preferred_days="Monday")
    call = ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 11, 0))
    desk.post(admin_url("status", call), {"status": "called", "expected_status": "confirmed"})
    (tmp_path / "day.html").write_bytes(desk.get(admin_url("day"), {"cancelled": "shown"}).content)
    (tmp_path / "empty-day.html").write_bytes(desk.get(admin_url("day"), {"date": "2026-03-08"}).content)
    assert html_errors(vnu, tmp_path) == []


def test_the_consultation_list_links_the_phone_to_call(desk, mari):
    ConsultationFactory(clinician=mari, phone="+12065550123")
    html = desk.get(admin_url("changelist")).content.decode()
    assert '<a href="tel:+12065550123">206-555-0123</a>' in html


def test_booking_a_caller_offers_open_times_by_day_and_washington_first(desk, mari):
    html = desk.get(admin_url("add")).content.decode()
    assert '<optgroup label="Tuesday, March 3">' in html
    assert '<option value="20260303T1800Z">Tuesday, March 3, 10:00 AM</option>' in html
    assert '<option value="WA" selected>Washington</option>' in html
