"""Issue 11's journeys on a 375 x 667 phone: home, form, booked; and moving a call with the button in view.

Each journey runs three ways: with a pointer, with JavaScript off, and with the keyboard alone.
"""

import datetime

import pytest
from playwright.sync_api import expect

from consultations.models import Consultation
from consultations.scheduling.selectors import open_slots
from consultations.tokens import consultation_token
from tests.browser.axe import axe_violations
from tests.browser.test_keyboard_journey import Keyboard
from tests.consultations.factories import ConsultationFactory

pytestmark = pytest.mark.django_db(transaction=True)

SMALL_PHONE = {"width": 375, "height": 667}
WAYS = ["pointer", "no-javascript", "keyboard"]

# The four fields a person types; voicemail and consent are ticked, not typed.
TYPED = {"First name": "Sam", "Last name": "Rivera", "Phone number": "206-201-0142", "Email": "sam@example.com"}


@pytest.fixture
def phone_page(browser, live_server, request):
    """A fresh 375 x 667 browser tab, with JavaScript off for the "no-javascript" way."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport=SMALL_PHONE,
        locale="en-US",
        java_script_enabled=request.param != "no-javascript",
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield request.param, page
    context.close()


class Visitor:
    """Does each step with a pointer or with the keyboard, and records the screens seen."""

    def __init__(self, way, page):
        self.page = page
        self.keys = Keyboard(page) if way == "keyboard" else None
        self.typed = 0

    def open(self, locator):
        """Follow a link or press a button that loads the next page."""
        if self.keys:
            self.keys.tab_to(locator, limit=120)
            self.keys.follow()
        else:
            with self.page.expect_navigation():
                locator.click()

    def type_into(self, label, text):
        field = self.page.get_by_label(label)
        if self.keys:
            self.keys.tab_to(field)
            self.keys.type(text)
        else:
            field.fill(text)
        self.typed += 1

    def tick(self, locator):
        if self.keys:
            self.keys.tab_to(locator)
            self.keys.press("Space")
        else:
            locator.check()
        expect(locator).to_be_checked()


def document_bottom(locator):
    return locator.evaluate("element => element.getBoundingClientRect().bottom + window.scrollY")


@pytest.mark.parametrize("phone_page", WAYS, indirect=True)
def test_booking_from_the_home_page_takes_two_screens_and_four_typed_fields(phone_page, demo_content):
    way, page = phone_page
    visitor = Visitor(way, page)
    screens = []

    page.goto("/")
    screens.append(page.url)
    header_and_banner = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('.site-header, .announcement')]"
        ".map((element) => element.getBoundingClientRect().bottom))"
    )
    assert header_and_banner <= SMALL_PHONE["height"] / 4
    next_times = page.get_by_role("region", name="The next open times for a free call")
    visitor.open(next_times.get_by_role("link").first)

    screens.append(page.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your details for the call")
    expect(page.locator(".chosen-slot")).to_contain_text("Pacific Time")
    submit = page.get_by_role("button", name="Book my call")
    # The button is within the form's second screen on a small phone.
    assert document_bottom(submit) <= 2 * SMALL_PHONE["height"]
    for label, text in TYPED.items():
        visitor.type_into(label, text)
    visitor.tick(page.get_by_label("Yes, you can leave a message"))
    visitor.tick(page.get_by_label("I agree to the"))
    visitor.open(submit)

    expect(page.get_by_role("heading", level=1)).to_have_text("Your free consultation is booked")
    assert len(screens) == 2, screens
    assert visitor.typed <= 5
    booked = Consultation.objects.get()
    assert (booked.first_name, booked.email, str(booked.phone)) == ("Sam", "sam@example.com", "+12062010142")
    assert (booked.service, booked.session_format, booked.state_of_residence) == ("not_sure", "either", "")


@pytest.mark.parametrize("phone_page", WAYS, indirect=True)
def test_moving_a_call_keeps_the_move_button_in_view_after_choosing(phone_page, demo_content):
    way, page = phone_page
    visitor = Visitor(way, page)
    first = open_slots()[0]
    consultation = ConsultationFactory(clinician_id=first.clinician_ids[0], starts_at=first.starts_at)

    page.goto(f"/consultation/{consultation_token(consultation)}/reschedule/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the time of your call")
    new_time = page.locator("#times .slot-option").nth(1)
    label = new_time.inner_text()
    visitor.open(new_time)

    move = page.get_by_role("button", name="Move my call to this time")
    expect(move).to_be_in_viewport()
    expect(page.locator("#chosen")).to_contain_text(label.split(",")[-1].replace("Pacific Time", "").strip())
    visitor.open(move)

    expect(page.get_by_text("Your call has been moved to its new time.")).to_be_visible()
    consultation.refresh_from_db()
    assert consultation.starts_at != first.starts_at


def test_the_state_is_asked_once_online_is_chosen(browser, live_server, demo_content):
    slot = open_slots()[0]
    for javascript in (True, False):
        context = browser.new_context(base_url=live_server.url, viewport=SMALL_PHONE, java_script_enabled=javascript)
        page = context.new_page()
        page.goto(f"/consultation/details/?slot={slot.key}")
        fold = page.locator("summary", has_text="Tell us a little more (optional)")
        fold.click()
        state = page.get_by_label("Which state do you live in?")
        if javascript:
            expect(state).to_be_hidden()
            page.get_by_label("Online", exact=True).check()
            expect(state).to_be_visible()
        else:
            expect(state).to_be_visible()  # the server asks for it only when the format is online
        context.close()


def test_every_new_booking_state_passes_axe(page, demo_content, browser, live_server):
    """The day strip, an empty day, the slim form with errors, the limit reached, a second booking, the picker."""
    page.set_viewport_size(SMALL_PHONE)
    violations = []
    slots = open_slots()

    page.goto("/consultation/")
    expect(page.locator(".day-strip")).to_be_visible()
    violations += axe_violations(page)
    page.goto(f"/consultation/?day={_day_without_times(slots)}")
    expect(page.get_by_text("There are no open times on this day.")).to_be_visible()
    violations += axe_violations(page)

    page.goto(f"/consultation/details/?slot={slots[0].key}")
    violations += axe_violations(page)
    page.get_by_label("Phone number").fill("206-201-0142")
    page.locator("summary", has_text="Tell us a little more (optional)").click()
    page.get_by_label("Online", exact=True).check()
    page.get_by_label("Which state do you live in?").select_option("OR")
    page.get_by_role("button", name="Book my call").click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("details.booking-more")).to_have_attribute("open", "")
    violations += axe_violations(page)

    for _ in range(6):  # the same phone number, again and again: the limit stops it and keeps what was typed
        with page.expect_navigation():
            page.get_by_role("button", name="Book my call").click()
    expect(page.get_by_role("heading", name="Please call us instead")).to_be_visible()
    expect(page.get_by_label("Phone number")).to_have_value("206-201-0142")
    violations += axe_violations(page)

    # Someone else books a second call with details that already have one: the answer is the usual one.
    ConsultationFactory(clinician_id=slots[0].clinician_ids[0], starts_at=slots[0].starts_at, phone="+12062010177")
    stranger = browser.new_context(base_url=live_server.url, viewport=SMALL_PHONE).new_page()
    book_in(stranger, slots[1], phone="206-201-0177")
    expect(stranger.get_by_role("heading", level=1)).to_have_text("Your free consultation is booked")
    assert Consultation.objects.filter(possible_duplicate_of__isnull=False).exists()
    violations += axe_violations(stranger)

    # A browser that booked a call tries again with the same details: it is offered its own call to move.
    returning = browser.new_context(base_url=live_server.url, viewport=SMALL_PHONE).new_page()
    book_in(returning, slots[2], phone="206-201-0188", email="back@example.com")
    book_in(returning, slots[3], phone="206-201-0188", email="back@example.com")
    expect(returning.get_by_role("heading", level=1)).to_have_text("You already have a call coming up")
    violations += axe_violations(returning)

    booked = Consultation.objects.filter(possible_duplicate_of__isnull=False).first()
    stranger.goto(f"/consultation/{consultation_token(booked)}/reschedule/?slot={slots[4].key}")
    expect(stranger.get_by_role("button", name="Move my call to this time")).to_be_visible()
    violations += axe_violations(stranger)

    assert not violations, "\n".join(violations)


def book_in(page, slot, **typed):
    """Book a time on the slim form in this tab, with the usual details but for those given."""
    page.goto(f"/consultation/details/?slot={slot.key}")
    values = TYPED | {
        "Phone number": typed.get("phone", TYPED["Phone number"]),
        "Email": typed.get("email", TYPED["Email"]),
    }
    for label, text in values.items():
        page.get_by_label(label).fill(text)
    page.get_by_label("Yes, you can leave a message").check()
    page.get_by_label("I agree to the").check()
    page.get_by_role("button", name="Book my call").click()


def _day_without_times(slots):
    """A day in the booking horizon with no open time (a weekend, under the practice's hours)."""
    days = {slot.local_start.date() for slot in slots}
    later = (min(days) + datetime.timedelta(days=n) for n in range(1, 14))
    return next(day for day in later if day not in days).isoformat()


@pytest.mark.parametrize("viewport", [SMALL_PHONE, {"width": 1280, "height": 800}])
def test_the_first_open_time_is_at_most_six_tab_presses_from_the_top(page, demo_content, viewport):
    page.set_viewport_size(viewport)
    page.goto("/consultation/")
    keys = Keyboard(page)
    first_time = page.locator("#times .slot-option").first
    presses = 0
    for _ in range(6):
        keys.press("Tab")
        presses += 1
        if page.evaluate("document.activeElement.textContent.trim() === 'Skip to the open times'"):
            keys.press("Enter")  # the skip link takes the focus to the day's times
        if first_time.evaluate("element => element === document.activeElement"):
            break
    expect(first_time).to_be_focused()
    assert presses <= 6
