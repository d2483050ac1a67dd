"""Busy times from clinicians' own calendars block consultation times; the reader never reaches the local network.

Calendars are served by an HTTP server on loopback (there is no internet here), which the tests
allow with CALENDAR_FETCH_ALLOW_LOOPBACK, the setting `make run` turns on.
"""

import datetime
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from consultations.booking.services import SlotUnavailable, consultation_book
from consultations.calendars.fetching import CalendarFetchError, calendar_fetch
from consultations.calendars.services import external_calendar_sync, external_calendars_sync
from consultations.models import BusyTime, Consultation, ConsultationSettings, ExternalCalendar, Notification
from consultations.scheduling import selectors
from consultations.timefmt import local
from tests.clinicians.factories import clinician_user, front_desk_user
from tests.consultations.factories import ConsultationFactory, pt
from tests.pages.factories import PageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("slot_lookup_agrees")]

FILES = Path(__file__).parent / "calendars"
SECRET = "private-4f9b3126e0ca63a5"


class CalendarServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), CalendarHandler)
        self.routes = {}  # path -> (status, headers, body)
        self.release = threading.Event()

    def url(self, path):
        return f"http://127.0.0.1:{self.server_port}{path}"


class CalendarHandler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the name http.server calls
        path = self.path.split("?", 1)[0]
        if path == "/never-answers":
            self.server.release.wait(timeout=30)
            return
        if path == "/ten-megabytes":
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar")
            self.end_headers()
            line = b"X-FILLER:" + b"x" * 1013 + b"\r\n"
            try:
                for _ in range(10 * 1024):
                    self.wfile.write(line)
            except OSError:
                pass  # the reader hung up once it had enough
            return
        status, headers, body = self.server.routes.get(path, (404, {}, b"not here"))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    calendar_server = CalendarServer()
    thread = threading.Thread(target=calendar_server.serve_forever, daemon=True)
    thread.start()
    calendar_server.routes = {
        f"/{SECRET}/google.ics": (200, {"Content-Type": "text/calendar"}, (FILES / "google.ics").read_bytes()),
        f"/{SECRET}/outlook.ics": (200, {"Content-Type": "text/calendar"}, (FILES / "outlook.ics").read_bytes()),
        "/not-a-calendar": (200, {"Content-Type": "text/html"}, b"<!doctype html><title>Sign in</title>"),
        "/to-loopback": (302, {"Location": f"http://127.0.0.1:{calendar_server.server_port}/{SECRET}/google.ics"}, b""),
        "/to-metadata": (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b""),
    }
    yield calendar_server
    calendar_server.release.set()
    calendar_server.shutdown()
    calendar_server.server_close()


@pytest.fixture(autouse=True)
def _sunday_evening(site_settings, settings):
    settings.CALENDAR_FETCH_ALLOW_LOOPBACK = True
    settings.CALENDAR_STALE_AFTER = datetime.timedelta(minutes=60)
    PageFactory(slug="privacy", title="Privacy")
    with time_machine.travel(pt(2026, 3, 1, 18, 0), tick=False) as traveller:
        yield traveller


def add_calendar(clinician, url, name="Sessions"):
    calendar = ExternalCalendar(clinician=clinician, name=name)
    calendar.address = url
    calendar.save()
    return calendar


def times_on(day, clinician):
    return [f"{local(slot.starts_at):%H:%M}" for slot in selectors.open_slots(clinician=clinician, on_date=day)]


MORNING = ["10:00", "10:15", "10:30", "10:45", "11:00", "11:15", "11:30", "11:45"]


def test_weekly_sessions_from_a_google_feed_block_their_times_across_daylight_saving(mari, server):
    assert times_on(datetime.date(2026, 3, 2), mari) == MORNING
    add_calendar(mari, server.url(f"/{SECRET}/google.ics"))
    call_command("sync_calendars")
    # Mondays 10:00 to 10:50 Pacific: the call at 10:45 would run into the session.
    assert times_on(datetime.date(2026, 3, 2), mari) == MORNING[4:]
    # After the clocks change on March 8 the session is still at 10:00 on the wall clock.
    assert times_on(datetime.date(2026, 3, 9), mari) == MORNING[4:]
    # One week's session was moved to 11:00.
    assert times_on(datetime.date(2026, 3, 16), mari) == MORNING[:4]
    assert times_on(datetime.date(2026, 3, 3), mari) == MORNING


def test_an_outlook_feed_blocks_its_meeting_and_all_day_event_but_not_free_or_cancelled_ones(mari, server):
    add_calendar(mari, server.url(f"/{SECRET}/outlook.ics"), name="Outlook")
    external_calendars_sync()
    assert times_on(datetime.date(2026, 3, 3), mari) == ["10:00", "10:15", *MORNING[4:]]
    assert times_on(datetime.date(2026, 3, 4), mari) == []  # all day, busy
    assert times_on(datetime.date(2026, 3, 5), mari) == MORNING  # marked free; a cancelled lunch
    assert times_on(datetime.date(2026, 3, 6), mari) == MORNING  # all day, marked free


def test_the_buffer_keeps_a_gap_around_a_session(mari, server):
    consultation_settings = ConsultationSettings.get_solo()
    consultation_settings.buffer_minutes = 15
    consultation_settings.save()
    add_calendar(mari, server.url(f"/{SECRET}/outlook.ics"))
    external_calendars_sync()
    # Busy 10:30 to 11:00; a call every 30 minutes (15 and a 15-minute gap): 11:00 is too soon after.
    assert times_on(datetime.date(2026, 3, 3), mari) == ["10:00", "11:30"]


def test_a_changed_calendar_opens_its_times_again(mari, server):
    add_calendar(mari, server.url(f"/{SECRET}/google.ics"))
    external_calendars_sync()
    assert "10:00" not in times_on(datetime.date(2026, 3, 2), mari)
    server.routes[f"/{SECRET}/google.ics"] = (200, {}, b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n")
    external_calendars_sync()
    assert times_on(datetime.date(2026, 3, 2), mari) == MORNING
    assert ExternalCalendar.objects.get().event_count == 0


def test_the_public_slot_page_drops_a_busy_time_at_once(client, mari, server):
    assert "slot=20260302T1800Z" in client.get(reverse("consultations:book")).content.decode()
    add_calendar(mari, server.url(f"/{SECRET}/google.ics"))
    external_calendars_sync()
    assert "slot=20260302T1800Z" not in client.get(reverse("consultations:book")).content.decode()


def test_a_booking_at_a_busy_time_is_refused(mari, server):
    add_calendar(mari, server.url(f"/{SECRET}/google.ics"))
    external_calendars_sync()
    unsaved = ConsultationFactory.build(clinician=None, starts_at=None)
    with pytest.raises(SlotUnavailable):
        consultation_book(consultation=unsaved, starts_at=pt(2026, 3, 2, 10, 30))
    assert not Consultation.objects.exists()


def test_a_failing_calendar_keeps_its_last_copy_then_hides_the_times_and_tells_the_front_desk_once(
    mari, server, _sunday_evening
):
    calendar = add_calendar(mari, server.url(f"/{SECRET}/google.ics"))
    external_calendars_sync()
    server.routes[f"/{SECRET}/google.ics"] = (500, {}, b"oops")
    _sunday_evening.shift(datetime.timedelta(minutes=30))
    external_calendars_sync()
    calendar.refresh_from_db()
    assert calendar.last_error == "The calendar's server answered 500 Internal Server Error."
    assert times_on(datetime.date(2026, 3, 2), mari) == MORNING[4:]  # the last good copy still holds
    assert not Notification.objects.exists()

    _sunday_evening.shift(datetime.timedelta(minutes=31))
    external_calendars_sync()
    assert times_on(datetime.date(2026, 3, 3), mari) == []  # hidden, not offered blind
    _sunday_evening.shift(datetime.timedelta(minutes=5))
    external_calendars_sync()
    (alert,) = Notification.objects.all()
    assert alert.event == Notification.Event.CALENDAR_FAILING
    assert alert.recipient_role == Notification.Role.FRONT_DESK

    server.routes[f"/{SECRET}/google.ics"] = (200, {}, (FILES / "google.ics").read_bytes())
    external_calendars_sync()
    assert times_on(datetime.date(2026, 3, 3), mari) == MORNING
    calendar.refresh_from_db()
    assert (calendar.last_error, calendar.failing_since, calendar.outage_reported_at) == ("", None, None)


def test_a_calendar_never_read_hides_the_clinicians_times(mari, server):
    assert times_on(datetime.date(2026, 3, 2), mari) == MORNING  # the weekly schedule is cached now
    add_calendar(mari, server.url("/not-a-calendar"))
    assert times_on(datetime.date(2026, 3, 2), mari) == []  # the new calendar counts at once, before any read
    assert external_calendars_sync()
    assert times_on(datetime.date(2026, 3, 2), mari) == []


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("/not-a-calendar", "does not give a calendar"),
        ("/ten-megabytes", "larger than 5 MB"),
        ("/never-answers", "did not answer in time"),
        ("/to-loopback", "private or local network (127.0.0.1)"),
        ("/to-metadata", "private or local network (169.254.169.254)"),
    ],
)
def test_a_bad_calendar_is_refused_with_a_clear_reason(mari, server, settings, path, error):
    settings.CALENDAR_FETCH_TIMEOUT_SECONDS = 0.5
    calendar = add_calendar(mari, server.url(path))
    assert error in external_calendar_sync(calendar=calendar)
    calendar.refresh_from_db()
    assert error in calendar.last_error
    assert not BusyTime.objects.exists()


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("http://calendar.example/basic.ics", "https://"),
        ("https://127.0.0.1/basic.ics", "private or local network (127.0.0.1)"),
        ("https://localhost/basic.ics", "private or local network"),
        ("https://10.0.0.7/basic.ics", "private or local network (10.0.0.7)"),
        ("https://[::1]/basic.ics", "private or local network (::1)"),
        ("https://169.254.169.254/latest/meta-data/", "private or local network (169.254.169.254)"),
        ("https://[::ffff:127.0.0.1]/basic.ics", "private or local network"),
        ("file:///etc/passwd", "https://"),
    ],
)
def test_addresses_on_this_machine_or_private_networks_are_refused_without_a_connection(settings, url, error):
    settings.CALENDAR_FETCH_ALLOW_LOOPBACK = False
    with pytest.raises(CalendarFetchError, match=None) as refused:
        calendar_fetch(url)
    assert error in str(refused.value)


def test_loopback_is_refused_unless_allowed(server, settings):
    settings.CALENDAR_FETCH_ALLOW_LOOPBACK = False
    with pytest.raises(CalendarFetchError, match="private or local network"):
        calendar_fetch(server.url(f"/{SECRET}/google.ics"))
    settings.CALENDAR_FETCH_ALLOW_LOOPBACK = True
    assert calendar_fetch(server.url(f"/{SECRET}/google.ics")).startswith(b"BEGIN:VCALENDAR")


def test_the_address_is_encrypted_at_rest_and_never_logged(mari, server, caplog):
    url = server.url(f"/{SECRET}/google.ics")
    calendar = add_calendar(mari, url)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM consultations_externalcalendar WHERE id = %s", [calendar.pk])
        row = cursor.fetchone()
    assert SECRET not in repr(row)
    assert SECRET.encode() not in b"".join(bytes(value) for value in row if isinstance(value, bytes | memoryview))
    assert ExternalCalendar.objects.get().address == url
    with caplog.at_level(logging.DEBUG):
        external_calendars_sync()
        server.routes[f"/{SECRET}/google.ics"] = (500, {}, b"oops")
        external_calendars_sync()
    assert caplog.records
    assert SECRET not in caplog.text


def test_the_admin_adds_a_calendar_reads_it_and_never_shows_the_address_again(client, mari, server):
    client.force_login(clinician_user(mari))
    url = server.url(f"/{SECRET}/google.ics")
    response = client.post(
        reverse("admin:consultations_externalcalendar_add"),
        {"clinician": mari.pk, "name": "Google", "address": url},
        follow=True,
    )
    page = response.content.decode()
    assert "Google: read, 3 busy times ahead." in page
    calendar = ExternalCalendar.objects.get()
    assert calendar.event_count == 3
    change = client.get(reverse("admin:consultations_externalcalendar_change", args=[calendar.pk])).content.decode()
    assert SECRET not in change
    assert "127.0.0.1" in change  # enough to recognise it
    # Saving without a new address keeps the old one.
    client.post(
        reverse("admin:consultations_externalcalendar_change", args=[calendar.pk]),
        {"clinician": mari.pk, "name": "Google sessions", "address": ""},
    )
    calendar.refresh_from_db()
    assert (calendar.name, calendar.address) == ("Google sessions", url)


def test_check_now_shows_the_error_in_the_admin(client, mari, server):
    client.force_login(front_desk_user())
    calendar = add_calendar(mari, server.url("/to-metadata"))
    response = client.post(
        reverse("admin:consultations_externalcalendar_changelist"),
        {"action": "check_now", "_selected_action": [calendar.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "private or local network (169.254.169.254)" in page
    listing = client.get(reverse("admin:consultations_externalcalendar_changelist")).content.decode()
    assert "hidden" in listing


def test_an_http_address_is_refused_at_the_field(client, mari, settings):
    settings.CALENDAR_FETCH_ALLOW_LOOPBACK = False
    client.force_login(front_desk_user())
    response = client.post(
        reverse("admin:consultations_externalcalendar_add"),
        {"clinician": mari.pk, "name": "Google", "address": "http://calendar.example/basic.ics"},
    )
    assert "starts with https://" in response.content.decode()
    assert not ExternalCalendar.objects.exists()


def test_a_clinician_sees_only_their_own_calendars(client, mari, server):
    colleague = ConsultationFactory().clinician
    add_calendar(colleague, server.url("/elsewhere.ics"), name="Colleague's calendar")
    client.force_login(clinician_user(mari))
    listing = client.get(reverse("admin:consultations_externalcalendar_changelist")).content.decode()
    assert "Colleague's calendar" not in listing
