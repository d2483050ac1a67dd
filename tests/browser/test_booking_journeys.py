"""Someone ready to talk books the free call, fixes a mistake, and later moves or cancels it from the email."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from consultations.models import Consultation
from consultations.tokens import consultation_from_token
from tests.browser.axe import axe_violations
from tests.clinicians.factories import ClinicianFactory

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "sam.rivera@example.com"


def choose_first_open_time(page):
    """On the open-times page, pick the earliest time offered and return its accessible name."""
    first = page.get_by_role("main").locator(".slot-day").first.get_by_role("link").first
    expect(first).to_be_visible()
    name = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your details for the call")
    return name


def fill_details(page, *, phone="206-201-0142", consent=True):
    """The slim form: four fields typed, two ticked; the optional questions stay folded."""
    page.get_by_label("First name").fill("Sam")
    page.get_by_label("Last name").fill("Rivera")
    page.get_by_label("Phone number").fill(phone)
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Yes, you can leave a message").check()
    expect(page.get_by_text("Tell us a little more (optional)")).to_be_visible()
    expect(page.get_by_label("Which state do you live in?")).to_be_hidden()
    if consent:
        page.get_by_label("I agree to the").check()


def book(page):
    page.get_by_role("button", name="Book my call").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your free consultation is booked")


def manage_path_from_email():
    """The private link in the confirmation email, as a path on this site."""
    confirmations = [message for message in mail.outbox if message.to == [EMAIL]]
    assert len(confirmations) == 1, [message.subject for message in mail.outbox]
    link = re.search(r"https?://\S+/consultation/[^/\s]+/", confirmations[0].body)
    assert link, confirmations[0].body
    return urlsplit(link.group(0)).path


def test_visitor_books_the_first_available_time(sized_page, demo_content):
    page = sized_page
    page.goto("/")
    # Home, the form, then the confirmation: a time is chosen on the home page itself.
    next_times = page.get_by_role("region", name="The next open times for a free call")
    first = next_times.get_by_role("link").first
    chosen = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your details for the call")
    fill_details(page)
    book(page)

    consultation = Consultation.objects.get()
    assert consultation.first_name == "Sam"
    assert consultation.clinician.slug == "maricor-coquia"
    expect(page.get_by_text(consultation.reference, exact=True)).to_be_visible()
    when = page.get_by_role("definition").first
    assert chosen.split(",")[-1].replace("Pacific Time", "").strip() in when.inner_text()
    # Both links name this booking (each is signed when it is made, so the strings may differ).
    paths = (manage_path_from_email(), urlsplit(page.url).path)
    linked = [consultation_from_token(path.split("/")[2]) for path in paths]
    assert linked == [consultation, consultation]


def test_visitor_filters_clinicians_opens_a_profile_and_books_with_them(sized_page, demo_content):
    ClinicianFactory(full_name="Jo Individual", slug="jo-individual", offers_couples=False)
    page = sized_page
    page.goto("/clinicians/")
    expect(page.get_by_role("heading", level=3, name=re.compile("Jo Individual"))).to_be_visible()

    page.get_by_label("Therapy for").select_option(label="Couples therapy")
    page.get_by_role("button", name="Show clinicians").click()

    expect(page.get_by_text("1 clinician matches your choices")).to_be_visible()
    expect(page.get_by_role("heading", level=3, name=re.compile("Jo Individual"))).to_have_count(0)
    page.get_by_role("link", name=re.compile("Maricor Coquia")).first.click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Maricor Coquia")
    page.get_by_role("link", name="Book a free 15-minute consultation with Maricor").click()
    expect(page.get_by_text("You're seeing times with Maricor Coquia")).to_be_visible()

    choose_first_open_time(page)
    expect(page.get_by_text("With Maricor Coquia.")).to_be_visible()
    fill_details(page)
    book(page)
    expect(page.get_by_role("definition").filter(has_text="Maricor Coquia")).to_be_visible()
    assert Consultation.objects.get().clinician.slug == "maricor-coquia"


def test_visitor_fixes_a_wrong_phone_number_and_missing_consent(sized_page, demo_content):
    page = sized_page
    page.goto("/consultation/")
    choose_first_open_time(page)
    fill_details(page, phone="12345", consent=False)
    page.get_by_role("button", name="Book my call").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("Please check 2 things")
    expect(summary.get_by_role("link", name="Enter a phone number we can call, like 206-201-0123.")).to_be_visible()
    expect(summary.get_by_role("link", name=re.compile("Please agree to the privacy policy"))).to_be_visible()
    # What was typed is kept, and each field says what is wrong with it.
    expect(page.get_by_label("First name")).to_have_value("Sam")
    expect(page.get_by_label("Phone number")).to_have_accessible_description(re.compile("Enter a phone number"))
    assert axe_violations(page) == []

    summary.get_by_role("link", name=re.compile("Enter a phone number")).click()
    expect(page.get_by_label("Phone number")).to_be_focused()
    page.get_by_label("Phone number").fill("(206) 201-0142")
    page.get_by_label("I agree to the").check()
    book(page)
    assert str(Consultation.objects.get().phone) == "+12062010142"


def test_visitor_reschedules_and_then_cancels_from_the_emailed_link(sized_page, demo_content, context):
    page = sized_page
    page.goto("/consultation/")
    choose_first_open_time(page)
    fill_details(page)
    book(page)
    manage_path = manage_path_from_email()
    first_time = Consultation.objects.get().starts_at

    # Later, in a fresh browser session, from the email.
    context.clear_cookies()
    page.goto(manage_path)
    assert axe_violations(page) == []
    page.get_by_role("link", name="Change the time").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the time of your call")
    assert axe_violations(page) == []
    # One day at a time, as on the booking page: choosing a time brings the button that moves the call beside it.
    new_time = page.locator("#times .slot-option").nth(1)
    new_time_label = new_time.inner_text()
    new_time.click()
    move = page.get_by_role("button", name="Move my call to this time")
    expect(move).to_be_in_viewport()
    expect(page.locator("#chosen")).to_contain_text(new_time_label.split(",")[-1].strip())
    assert axe_violations(page) == []
    page.get_by_role("button", name="Move my call to this time").click()
    expect(page.get_by_text("Your call has been moved to its new time.")).to_be_visible()
    moved = Consultation.objects.get()
    assert moved.starts_at != first_time
    expect(page.get_by_role("definition").first).to_contain_text(new_time_label.split(",")[-1].strip())

    page.get_by_role("link", name="Cancel the call").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel your call?")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Yes, cancel the call").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("This call is cancelled")
    assert Consultation.objects.get().status == Consultation.Status.CANCELLED
