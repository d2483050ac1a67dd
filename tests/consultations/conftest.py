import datetime

import pytest
import time_machine

from consultations.scheduling import selectors
from consultations.timefmt import local
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


# Minutes either side of each listed time at which a single-time check must agree with the list.
NEARBY_MINUTES = (-30, -15, -5, 0, 5, 15, 30)


@pytest.fixture
def slot_lookup_agrees(monkeypatch):
    """Every list of open times a test reads is also checked one time at a time.

    A booking checks its one time with ``open_slots(at=…)``, which reads only what could close
    that time; it must agree with the whole list on each listed time and on the times near them.
    """
    whole = selectors.open_slots

    def checked(**kwargs):
        slots = whole(**kwargs)
        if kwargs.get("at") is None:
            listed = {slot.starts_at: slot for slot in slots}
            on_date = kwargs.get("on_date")
            near = {slot.starts_at + datetime.timedelta(minutes=m) for slot in slots for m in NEARBY_MINUTES}
            for moment in near:
                if on_date is None or local(moment).date() == on_date:
                    one = whole(**{**kwargs, "on_date": None, "at": moment})
                    assert one == ([listed[moment]] if moment in listed else []), moment
        return slots

    monkeypatch.setattr(selectors, "open_slots", checked)
