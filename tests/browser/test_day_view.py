"""The day view as staff use it: the front desk at a desk, a clinician on a phone, two people at once."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clinicians.models import Clinician
from consultations.models import Consultation, Notification
from tests.browser.axe import axe_violations
from tests.browser.conftest import DESKTOP, PHONE
from tests.clinicians.factories import ClinicianFactory, clinician_user, front_desk_user
from tests.consultations.factories import ConsultationFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-test-password"
Status = Consultation.Status


def sign_in(page, username):
    page.goto("/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def soon(minutes):
    """A time later today (the live server runs on the real clock)."""
    return timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(minutes=minutes)


def card(page, name):
    return page.locator("li.day-card").filter(has=page.get_by_role("link", name=name))


def no_sideways_scrolling(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_front_desk_works_the_day_from_the_day_view(page, demo_content, staff_groups):
    page.set_viewport_size(DESKTOP)
    front_desk_user(username="frontdesk")
    mari = Clinician.objects.get(slug="maricor-coquia")
    call = ConsultationFactory(
        clinician=mari, first_name="Avery", last_name="Today", starts_at=soon(1), phone="+12065550123"
    )
    ConsultationFactory(
        clinician=mari, first_name="Casey", last_name="Cancelled", starts_at=soon(2), status="cancelled"
    )
    request = ConsultationFactory(
        clinician=None, starts_at=None, status=Status.NEW, first_name="Robin", last_name="Callback"
    )

    sign_in(page, "frontdesk")
    page.get_by_role("link", name="Today's calls").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Calls on")
    avery = card(page, "Avery Today")
    expect(avery.get_by_role("link", name="206-555-0123")).to_have_attribute("href", "tel:+12065550123")
    assert not axe_violations(page)
    assert no_sideways_scrolling(page)

    # One click marks the call, and the row says so.
    avery.get_by_role("button", name="Called").click()
    expect(card(page, "Avery Today").get_by_role("status")).to_have_text("Marked “Called”.")
    call.refresh_from_db()
    assert call.status == Status.CALLED

    # The cancelled call is hidden behind a count until asked for.
    expect(page.get_by_role("link", name="Casey Cancelled")).to_have_count(0)
    expect(page.get_by_text("1 cancelled call hidden.")).to_be_visible()
    page.get_by_role("link", name="Show cancelled").click()
    expect(page.get_by_role("link", name="Casey Cancelled")).to_be_visible()

    # Printed, the page is a call sheet: the calls without anything to click.
    page.emulate_media(media="print")
    expect(card(page, "Avery Today").locator("button")).to_have_count(3)
    for button in card(page, "Avery Today").locator("button").all():
        expect(button).to_be_hidden()
    expect(page.get_by_role("link", name="Next day")).to_be_hidden()
    expect(page.get_by_role("link", name="206-555-0123")).to_be_visible()
    page.emulate_media(media="screen")

    # A callback request is offered a real open time; the client's confirmation goes to the outbox.
    robin = card(page, "Robin Callback")
    robin.get_by_label("Offer a time").select_option(index=1)
    robin.get_by_role("button", name="Book this time and tell them").click()
    expect(page.get_by_text("Robin’s call is booked with")).to_be_visible()
    request.refresh_from_db()
    assert request.starts_at is not None and request.status == Status.CONFIRMED
    assert Notification.objects.filter(
        consultation=request, recipient_role=Notification.Role.CLIENT, event=Notification.Event.PRACTICE_MOVED
    ).exists()
    assert not axe_violations(page)

    # The consultation list shows the phone (to tap) and the reference without scrolling sideways.
    page.get_by_role("link", name="Consultations", exact=True).first.click()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="Avery Today"))
    expect(row.get_by_role("link", name="206-555-0123")).to_be_in_viewport()
    expect(row.get_by_text(call.reference)).to_be_in_viewport()
    assert no_sideways_scrolling(page)


def test_a_clinician_on_a_phone_sees_only_their_own_calls(page, demo_content, staff_groups):
    page.set_viewport_size(PHONE)
    mari = Clinician.objects.get(slug="maricor-coquia")
    clinician_user(mari, username="mari")
    colleague = ClinicianFactory(full_name="Other Colleague")
    ConsultationFactory(clinician=mari, first_name="Avery", last_name="Mine", starts_at=soon(1), phone="+12065550123")
    ConsultationFactory(clinician=colleague, first_name="Blake", last_name="Theirs", starts_at=soon(1))

    sign_in(page, "mari")
    page.get_by_role("link", name="Today's calls").click()
    mine = card(page, "Avery Mine")
    phone = mine.get_by_role("link", name="206-555-0123")
    expect(phone).to_be_in_viewport()
    box = phone.bounding_box()
    assert box["height"] >= 44
    expect(page.get_by_role("link", name="Blake Theirs")).to_have_count(0)
    assert no_sideways_scrolling(page)
    assert not axe_violations(page)

    mine.get_by_role("button", name="Called").click()
    expect(card(page, "Avery Mine").get_by_role("status")).to_have_text("Marked “Called”.")

    # Neither by address nor by date does a colleague's call show.
    for query in (f"?clinician={colleague.pk}", f"?date={timezone.localdate():%Y-%m-%d}&clinician={colleague.pk}"):
        page.goto(f"/admin/consultations/consultation/day/{query}")
        expect(page.get_by_role("link", name="Blake Theirs")).to_have_count(0)


def test_two_people_marking_one_call_at_once_leave_one_change(browser, live_server, demo_content, staff_groups):
    front_desk_user(username="desk1")
    front_desk_user(username="desk2")
    mari = Clinician.objects.get(slug="maricor-coquia")
    call = ConsultationFactory(clinician=mari, first_name="Avery", last_name="Today", starts_at=soon(1))
    pages = []
    for username in ("desk1", "desk2"):
        context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
        page = context.new_page()
        page.set_default_timeout(10_000)
        sign_in(page, username)
        page.goto("/admin/consultations/consultation/day/")
        pages.append(page)
    first, second = pages

    card(first, "Avery Today").get_by_role("button", name="No answer").click()
    expect(card(first, "Avery Today").get_by_role("status")).to_have_text("Marked “No answer”.")
    card(second, "Avery Today").get_by_role("button", name="Called").click()
    expect(card(second, "Avery Today").get_by_role("status")).to_contain_text(
        "someone else marked this call “No answer”"
    )
    call.refresh_from_db()
    assert call.status == Status.NO_ANSWER
    for page in pages:
        page.context.close()


def test_the_front_desk_books_a_phone_caller_by_picking_an_open_time(page, demo_content, staff_groups):
    page.set_viewport_size(DESKTOP)
    front_desk_user(username="frontdesk")
    sign_in(page, "frontdesk")
    page.get_by_role("link", name="Today's calls").click()
    page.get_by_role("link", name="Book a caller").click()
    page.get_by_label("Time").select_option(index=1)
    expect(page.get_by_label("State of residence")).to_have_value("WA")
    page.get_by_label("First name").fill("Pat")
    page.get_by_label("Last name").fill("Phoned")
    page.get_by_label("Phone").fill("206-555-0177")
    page.get_by_label("The caller agreed to the privacy policy").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was added successfully")).to_be_visible()
    booked = Consultation.objects.get(first_name="Pat")
    assert booked.starts_at is not None and booked.status == Status.CONFIRMED
    assert booked.state_of_residence == "WA"
