import datetime

import pytest
import time_machine

from tests.clinicians.factories import front_desk_user
from tests.consultations.factories import ClinicianFactory, ConsultationHoursFactory, pt
from tests.pages.factories import PageFactory


@pytest.fixture
def sunday_march_1():
    """8 AM Pacific on Sunday, March 1, 2026: the eve of a Monday of calls, a week before the clocks change."""
    with time_machine.travel(pt(2026, 3, 1, 8, 0), tick=False):
        yield


@pytest.fixture
def monday_morning(site_settings):
    """7 AM Pacific on Monday, March 2, 2026, with the privacy page the admin's forms link to."""
    PageFactory(slug="privacy", title="Privacy")
    with time_machine.travel(pt(2026, 3, 2, 7, 0), tick=False):
        yield


@pytest.fixture
def desk(client):
    """A client signed in as the front desk."""
    client.force_login(front_desk_user())
    return client


@pytest.fixture
def colleague(db):
    """Another clinician, taking calls in the same Monday hours as Mari (10 AM to noon Pacific)."""
    clinician = ClinicianFactory(full_name="Sam Colleague")
    ConsultationHoursFactory(clinician=clinician, weekday=0, starts_at=datetime.time(10), ends_at=datetime.time(12))
    return clinician
