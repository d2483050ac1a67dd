"""A clinician's private calendar subscription: their calls, without anything that identifies the client."""

import logging

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from consultations.booking.services import consultation_cancel, consultation_reschedule
from consultations.calendar import consultation_ics
from consultations.models import CalendarFeed, Consultation
from tests.clinicians.factories import clinician_user, front_desk_user
from tests.consultations.admin_pages import admin_url
from tests.consultations.factories import PERSONAL_DETAIL_PIECES, PERSONAL_DETAILS, ConsultationFactory, pt
from tests.pages.factories import PageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _sunday_evening(site_settings):
    PageFactory(slug="privacy", title="Privacy")
    with time_machine.travel(pt(2026, 3, 1, 18, 0), tick=False) as traveller:
        yield traveller


@pytest.fixture
def feed(mari):
    return CalendarFeed.objects.create(clinician=mari)


def feed_url(feed):
    return reverse("consultations:calendar_feed", kwargs={"token": feed.token})


def read_feed(client, feed):
    response = client.get(feed_url(feed))
    assert response.status_code == 200
    return response, Calendar.from_ical(response.content)


def test_feed_lists_the_clinicians_calls_as_valid_icalendar_in_pacific_time(client, mari, feed):
    mine = ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 0))
    ConsultationFactory(starts_at=pt(2026, 3, 2, 10, 0))  # a colleague's call
    response, calendar = read_feed(client, feed)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"].startswith("private")
    (event,) = calendar.events
    assert event["SUMMARY"] == f"Free consultation call — Ref. {mine.reference}"
    assert event.start == pt(2026, 3, 2, 10, 0)
    assert str(event.start.tzinfo) == "America/Los_Angeles"
    assert event["URL"].endswith(admin_url("change", mine))
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/Los_Angeles"]
    assert b"DTSTART;TZID=America/Los_Angeles:20260302T100000" in response.content


def test_feed_carries_nothing_that_identifies_the_client(client, mari, feed):
    ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 0), **PERSONAL_DETAILS)
    body = client.get(feed_url(feed)).content.decode()
    # Folded lines are unfolded first, so a value split across lines is still found.
    unfolded = body.replace("\r\n ", "")
    for detail in PERSONAL_DETAIL_PIECES:
        assert detail not in unfolded


def test_the_feed_and_the_clients_file_share_the_calls_identity(client, mari, feed):
    consultation = ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 0))
    _, calendar = read_feed(client, feed)
    (client_event,) = Calendar.from_ical(consultation_ics(consultation)).events
    (feed_event,) = calendar.events
    assert feed_event["UID"] == client_event["UID"]
    assert feed_event["SEQUENCE"] == client_event["SEQUENCE"]


def test_a_moved_call_shows_once_with_a_higher_sequence(client, mari, feed, _sunday_evening):
    consultation = ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 0))
    _, before = read_feed(client, feed)
    _sunday_evening.shift(3600)
    consultation_reschedule(
        consultation=consultation, starts_at=pt(2026, 3, 3, 11, 0), expected_starts_at=consultation.starts_at
    )
    _, after = read_feed(client, feed)
    (old,) = before.events
    (new,) = after.events
    assert new["UID"] == old["UID"]
    assert new["SEQUENCE"] > old["SEQUENCE"]
    assert new.start == pt(2026, 3, 3, 11, 0)


def test_a_cancelled_call_shows_as_cancelled_and_free(client, mari, feed, _sunday_evening):
    consultation = ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 0))
    _sunday_evening.shift(60)
    consultation_cancel(consultation=consultation)
    _, calendar = read_feed(client, feed)
    (event,) = calendar.events
    assert event["STATUS"] == "CANCELLED"
    assert event["TRANSP"] == "TRANSPARENT"


def test_an_unknown_address_is_a_404_and_the_log_never_holds_the_address(client, feed, caplog):
    with caplog.at_level(logging.INFO):
        assert client.get(reverse("consultations:calendar_feed", kwargs={"token": "not-a-feed"})).status_code == 404
        client.get(feed_url(feed))
    assert "not-a-feed" not in caplog.text
    assert feed.token not in caplog.text


def test_the_feed_needs_no_session_and_sets_no_cookie(feed):
    response = Client().get(feed_url(feed))
    assert response.status_code == 200
    assert not response.cookies


def test_an_address_asking_too_often_is_slowed_down(client, feed, settings):
    settings.CALENDAR_FEED_REQUESTS_PER_HOUR = 2
    assert [client.get(feed_url(feed)).status_code for _ in range(3)] == [200, 200, 429]


def test_a_clinician_makes_a_new_address_and_the_old_one_stops_working(client, mari, feed):
    client.force_login(clinician_user(mari))
    old_url = feed_url(feed)
    change = client.get(reverse("admin:clinicians_clinician_change", args=[mari.pk])).content.decode()
    assert old_url in change
    assert "no client names" in change
    renew = reverse("admin:clinicians_clinician_calendar_feed", args=[mari.pk])
    assert "stops working" in client.get(renew).content.decode()
    response = client.post(renew)
    assert response.status_code == 302
    feed.refresh_from_db()
    assert Client().get(old_url).status_code == 404
    assert Client().get(feed_url(feed)).status_code == 200
    assert feed_url(feed) in client.get(response["Location"]).content.decode()


def test_the_front_desk_makes_a_clinicians_first_address(client, mari):
    client.force_login(front_desk_user())
    change = client.get(reverse("admin:clinicians_clinician_change", args=[mari.pk])).content.decode()
    assert "Make a subscription address" in change
    client.post(reverse("admin:clinicians_clinician_calendar_feed", args=[mari.pk]))
    assert CalendarFeed.objects.get().clinician == mari


def test_a_clinician_cannot_touch_a_colleagues_address(client, mari):
    colleague = ConsultationFactory().clinician
    CalendarFeed.objects.create(clinician=colleague)
    client.force_login(clinician_user(mari))
    renew = reverse("admin:clinicians_clinician_calendar_feed", args=[colleague.pk])
    assert client.post(renew).status_code == 404
    assert client.get(renew).status_code == 404
    assert not CalendarFeed.objects.filter(clinician=mari).exists()


def test_calls_long_past_leave_the_feed(client, mari, feed):
    ConsultationFactory(clinician=mari, starts_at=pt(2026, 1, 5, 10, 0), status=Consultation.Status.COMPLETED)
    recent = ConsultationFactory(clinician=mari, starts_at=pt(2026, 2, 23, 10, 0), status=Consultation.Status.COMPLETED)
    _, calendar = read_feed(client, feed)
    assert [event["SUMMARY"] for event in calendar.events] == [f"Free consultation call — Ref. {recent.reference}"]
