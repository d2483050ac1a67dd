"""The front desk starts the day: signs in, finds today's calls and marks one as called."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clinicians.models import Clinician
from consultations.models import Consultation
from tests.clinicians.factories import front_desk_user
from tests.consultations.factories import ConsultationFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-test-password"


def test_front_desk_marks_todays_call_as_called(sized_page, demo_content, staff_groups):
    front_desk_user(username="frontdesk")
    mari = Clinician.objects.get(slug="maricor-coquia")
    today = ConsultationFactory(clinician=mari, first_name="Avery", last_name="Today", starts_at=timezone.now())
    tomorrow = ConsultationFactory(
        clinician=mari,
        first_name="Blake",
        last_name="Tomorrow",
        starts_at=timezone.now() + datetime.timedelta(days=1, hours=1),
    )
    page = sized_page

    page.goto("/admin/")
    page.get_by_label("Username").fill("frontdesk")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    # The model's row in the admin index (the app's caption above it is a link named the same).
    page.locator("th[scope=row]").get_by_role("link", name="Consultations", exact=True).click()
    # The list's own "Today's calls" button opens the day view (tests/browser/test_day_view.py); the
    # list's "Today" filter still serves marking several calls at once.
    page.locator(".object-tools").get_by_role("link", name="Today's calls").click()
    expect(page).to_have_url(re.compile(r"/day/$"))
    page.goto("/admin/consultations/consultation/?when=today")

    expect(page.get_by_role("link", name="Avery Today")).to_be_visible()
    expect(page.get_by_role("link", name="Blake Tomorrow")).to_have_count(0)
    page.get_by_role("row", name="Avery Today").get_by_role("checkbox").check()
    page.get_by_role("combobox", name="Action").select_option(label="Mark selected as called")
    page.get_by_role("button", name="Run").click()

    expect(page.get_by_text("Marked 1 as “Called”.")).to_be_visible()
    today.refresh_from_db()
    tomorrow.refresh_from_db()
    assert today.status == Consultation.Status.CALLED
    assert tomorrow.status == Consultation.Status.CONFIRMED
