import datetime

import pytest
from django.core.cache import cache
from django.test.utils import override_settings

from tests.clinicians.factories import ClinicianFactory
from tests.consultations.factories import ConsultationHoursFactory
from tests.html_checker import vnu  # noqa: F401 - the Nu HTML Checker fixture, for every test module
from tests.thrive.factories import SiteSettingsFactory
from thrive.cache import page_cache_clear


@pytest.fixture(autouse=True, scope="session")
def _plain_static_files():
    """Serve static files by their plain names: tests don't run collectstatic to build the hashed manifest."""
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        yield


@pytest.fixture(autouse=True, scope="session")
def _staff_two_factor_off():
    """Staff need an authenticator code in production; tests that check it turn it on with `settings`."""
    with override_settings(REQUIRE_STAFF_2FA=False):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache, so cached pages never leak between tests (nor this process's copies)."""
    cache.clear()
    page_cache_clear()
    yield
    cache.clear()
    page_cache_clear()


@pytest.fixture(autouse=True)
def _celery_inline():
    """Tasks run inline, as without REDIS_URL, so no test leaves messages on a shared queue.

    Tests with a real worker (tests/consultations/test_celery_integration.py) switch this off.
    """
    from thrive.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def site_settings(db):
    return SiteSettingsFactory()


@pytest.fixture
def mari(db):
    """The practice's clinician, taking calls 10 AM to noon Pacific on weekdays."""
    clinician = ClinicianFactory(full_name="Maricor Coquia", slug="maricor-coquia")
    for weekday in range(5):
        ConsultationHoursFactory(
            clinician=clinician, weekday=weekday, starts_at=datetime.time(10), ends_at=datetime.time(12)
        )
    return clinician
