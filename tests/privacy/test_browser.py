"""The privacy journeys in a real Chromium: accessible (axe, WCAG 2.2 AA), usable at 320 px and by keyboard."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from consultations.models import Consultation, DataAccessCode, Notification, PrivacyRequest
from consultations.tokens import consultation_token
from tests.browser.axe import axe_violations
from tests.consultations.factories import ConsultationFactory, ConsultationSettingsFactory
from tests.thrive.factories import SiteSettingsFactory

from .conftest import chromium_path, required

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

NARROWEST = {"width": 320, "height": 640}


@pytest.fixture(autouse=True)
def _chromium():
    if not chromium_path() and not required():
        pytest.skip("Chromium not found: install it with `apt-get install chromium` (or set CHROMIUM_PATH)")


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_client_sees_and_then_deletes_their_data_by_keyboard(page):
    SiteSettingsFactory()
    ConsultationSettingsFactory()
    consultation = ConsultationFactory(
        first_name="Robin",
        email="robin.a.rather.long.address@example.com",
        starts_at=timezone.now() + datetime.timedelta(days=3),
    )
    Notification.objects.create(
        consultation=consultation,
        event="booked",
        recipient_role="client",
        to_email=consultation.email,
        status=Notification.Status.SENT,
        sent_at=timezone.now(),
        dedupe_key="browser-test",
    )
    page.set_viewport_size(NARROWEST)

    page.goto(f"/consultation/{consultation_token(consultation)}/my-data/")
    # First a one-time code, emailed to the address on file.
    assert page.get_by_role("heading", name="First, let's check it's you").is_visible()
    assert fits(page)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Email me a code").focus()
    page.keyboard.press("Enter")
    page.get_by_text("We've emailed a code").wait_for()
    code = DataAccessCode.objects.get(consultation=consultation).code
    page.get_by_label("The 6-digit code from the email").fill(code)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="What we hold about you").wait_for()
    assert page.get_by_text("Robin", exact=True).is_visible()
    assert (
        page.locator(".data-messages li").first.inner_text().startswith(f"New booking, to {consultation.email}: sent")
    )
    assert fits(page)
    assert axe_violations(page) == []

    page.get_by_role("link", name="Delete my data").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/delete/")
    assert page.get_by_text("Your call will be cancelled").is_visible()
    assert fits(page)
    assert axe_violations(page) == []

    page.get_by_role("button", name="Yes, delete my data now").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/data-erased/")
    assert page.get_by_role("heading", name="Your data is deleted").is_visible()
    assert axe_violations(page) == []
    consultation.refresh_from_db()
    assert consultation.erased_at is not None
    assert consultation.status == Consultation.Status.CANCELLED


def test_someone_without_a_link_sends_a_privacy_request(page):
    SiteSettingsFactory()
    page.set_viewport_size(NARROWEST)
    page.goto("/privacy/request/")
    assert fits(page)
    assert axe_violations(page) == []

    page.get_by_role("button", name="Send my request").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()  # waits for the page the POST brings back; is_visible() would not
    assert "Choose what you would like us to do." in summary.inner_text()
    assert axe_violations(page) == []

    page.get_by_label("Delete my data").check()
    page.get_by_label("Your full name").fill("Sam Lee")
    page.get_by_label("Email address").fill("sam@example.com")
    page.get_by_role("button", name="Send my request").click()
    page.wait_for_url("**/privacy/request/sent/**")
    assert page.get_by_role("heading", name="We have your request").is_visible()
    assert fits(page)
    assert axe_violations(page) == []
    assert PrivacyRequest.objects.get().kind == PrivacyRequest.Kind.DELETE
