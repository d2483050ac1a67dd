"""Parallel submissions for one time: the database lets exactly one through (PostgreSQL only)."""

import datetime
import threading

import pytest
import time_machine
from django.db import connection, connections
from django.test import Client

from consultations.booking.forms import new_form_token
from consultations.models import Consultation
from tests.consultations.factories import ClinicianFactory, ConsultationHoursFactory, booking_form_data, pt
from tests.pages.factories import PageFactory
from tests.thrive.factories import SiteSettingsFactory

# Real commits are needed for threads to see each other's bookings. The races use only what they create,
# so they don't depend on data from migrations that an earlier transactional test may have flushed.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

RACERS = 8


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the race needs PostgreSQL: SQLite serialises every write, so nothing can race")


def submission(n, slot, clinician_slug=""):
    return booking_form_data(
        slot=slot,
        clinician=clinician_slug,
        first_name=f"Racer{n}",
        last_name="Example",
        phone=f"206-201-01{n:02d}",
        email=f"racer{n}@example.com",
        voicemail_ok="no",
        form_token=new_form_token(),
    )


def race(data_for):
    """Send one submission per thread, all released at the same moment; returns (status, html) per racer."""
    barrier = threading.Barrier(RACERS)
    results = [None] * RACERS

    def run(n):
        client = Client(REMOTE_ADDR=f"10.1.0.{n}")
        try:
            barrier.wait(timeout=30)
            response = client.post("/consultation/details/", data_for(n))
            results[n] = (response.status_code, response.content.decode())
        except Exception as exc:  # noqa: BLE001 - a crash is what this test looks for
            results[n] = ("crash", repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def practice():
    SiteSettingsFactory()
    PageFactory(slug="privacy", title="Privacy")


def test_parallel_submissions_for_one_clinician_and_time_book_exactly_once(practice):
    mari = ClinicianFactory(slug="maricor-coquia")
    ConsultationHoursFactory(clinician=mari, weekday=0, starts_at=datetime.time(10), ends_at=datetime.time(11))
    with time_machine.travel(pt(2026, 3, 1, 8, 0), tick=False):
        results = race(lambda n: submission(n, "20260302T1800Z", "maricor-coquia"))

    assert [r for r in results if r[0] not in (200, 302)] == []
    assert sum(1 for status, _ in results if status == 302) == 1
    assert Consultation.objects.filter(starts_at=datetime.datetime(2026, 3, 2, 18, 0, tzinfo=datetime.UTC)).count() == 1
    for status, html in results:
        if status == 200:
            assert "That time was just taken" in html
            assert 'value="Example"' in html  # the form comes back filled in
            assert 'value="20260302T1815Z"' in html  # with the nearest open times


def test_parallel_first_available_submissions_fill_each_free_clinician_once(practice):
    clinicians = [ClinicianFactory() for _ in range(3)]
    for clinician in clinicians:
        ConsultationHoursFactory(clinician=clinician, weekday=0, starts_at=datetime.time(10), ends_at=datetime.time(11))
    with time_machine.travel(pt(2026, 3, 1, 8, 0), tick=False):
        results = race(lambda n: submission(n, "20260302T1800Z"))

    assert [r for r in results if r[0] not in (200, 302)] == []
    booked = Consultation.objects.filter(starts_at=datetime.datetime(2026, 3, 2, 18, 0, tzinfo=datetime.UTC))
    assert sum(1 for status, _ in results if status == 302) == 3
    assert sorted(booked.values_list("clinician_id", flat=True)) == sorted(c.pk for c in clinicians)
