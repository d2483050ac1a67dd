import datetime
import re

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from consultations.models import Consultation
from consultations.tokens import consultation_from_token
from tests.consultations.factories import (
    ClinicianFactory,
    ConsultationFactory,
    ConsultationHoursFactory,
    ConsultationSettingsFactory,
    TimeOffFactory,
    pt,
)
from tests.pages.factories import PageFactory

pytestmark = pytest.mark.django_db

BOOK = "/consultation/"
DETAILS = "/consultation/details/"
CALLBACK = "/consultation/callback/"
MONDAY_10 = "20260302T1800Z"  # Monday, March 2, 2026, 10:00 AM Pacific
MONDAY_1015 = "20260302T1815Z"


@pytest.fixture(autouse=True)
def _practice(site_settings):
    PageFactory(slug="privacy", title="Consumer health data privacy policy")


@pytest.fixture(autouse=True)
def _sunday_march_1():
    with time_machine.travel(pt(2026, 3, 1, 8, 0), tick=False):
        yield


@pytest.fixture
def mari(mari):
    """Here she takes calls on Mondays only, 10 to 11 AM, so each test knows every open time."""
    mari.consultation_hours.exclude(weekday=0).delete()
    mari.consultation_hours.update(ends_at=datetime.time(11))
    return mari


def form_data(client, slot=MONDAY_10, **overrides):
    """What a person fills in, with the one-time token from a fresh form."""
    page = client.get(DETAILS, {"slot": slot})
    data = {
        "slot": slot,
        "first_name": "Ada",
        "last_name": "Lovelace",
        "phone": "206-555-0123",
        "email": "ada@example.com",
        "voicemail_ok": "yes",
        "service": "individual",
        "session_format": "online",
        "state_of_residence": "WA",
        "note": "",
        "consent": "on",
        "form_token": page.context["form"].initial["form_token"],
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def book(client, **overrides):
    return client.post(DETAILS, form_data(client, **overrides))


# The slot page


def test_slot_page_lists_times_by_day_with_full_accessible_names(client, mari):
    response = client.get(BOOK)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h2 id="day-2026-03-02" class="slot-day__heading">Monday, March 2</h2>' in html
    link = re.search(
        rf'<a class="btn slot-option" href="/consultation/details/\?slot={MONDAY_1015}">(.*?)</a>', html, re.S
    )
    text = re.sub(r"<[^>]+>", "", link.group(1)).strip()
    assert text == "Monday, March 2, 10:15 AM Pacific Time"


def test_slot_page_for_one_clinician_links_with_their_slug(client, mari):
    other = ClinicianFactory()
    ConsultationHoursFactory(clinician=other, weekday=1)
    html = client.get(BOOK, {"clinician": "maricor-coquia"}).content.decode()
    assert f"?slot={MONDAY_10}&amp;clinician=maricor-coquia" in html
    assert "Tuesday, March 3" not in html
    assert "You're seeing times with <strong>Maricor Coquia</strong>" in html


def test_unknown_clinician_falls_back_to_first_available(client, mari):
    response = client.get(BOOK, {"clinician": "nobody-here"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "here are the first available times with any of our therapists" in html
    assert f'?slot={MONDAY_10}"' in html


def test_slot_page_with_no_open_times_offers_a_callback_and_the_phone(client):
    html = client.get(BOOK).content.decode()
    assert "There are no open times" in html
    assert 'href="/consultation/callback/"' in html
    assert 'href="tel:+12064031148"' in html


def test_slot_page_renders_10_clinicians_over_21_days_in_at_most_6_queries(client, django_assert_max_num_queries):
    for n in range(10):
        clinician = ClinicianFactory()
        for weekday in range(5):
            ConsultationHoursFactory(
                clinician=clinician, weekday=weekday, starts_at=datetime.time(9), ends_at=datetime.time(12)
            )
            ConsultationHoursFactory(
                clinician=clinician, weekday=weekday, starts_at=datetime.time(13), ends_at=datetime.time(17)
            )
        ConsultationFactory(clinician=clinician, starts_at=pt(2026, 3, 3 + n % 5, 9, 0))
        TimeOffFactory(
            clinician=clinician, starts_on=datetime.date(2026, 3, 10 + n), ends_on=datetime.date(2026, 3, 10 + n)
        )
    TimeOffFactory(clinician=None, starts_on=datetime.date(2026, 3, 20), ends_on=datetime.date(2026, 3, 20))
    client.get(BOOK)  # the site's header and footer come from the cache after the first page
    with django_assert_max_num_queries(6):
        response = client.get(BOOK)
    assert response.status_code == 200
    assert len(response.context["days"]) == 14  # 15 weekdays in 21 days, less the practice holiday


def test_slot_page_is_never_served_stale_after_a_booking(client, mari):
    assert f"slot={MONDAY_10}" in client.get(BOOK).content.decode()
    book(Client(REMOTE_ADDR="10.0.0.9"))
    assert f"slot={MONDAY_10}" not in client.get(BOOK).content.decode()


def test_repeat_views_of_the_slot_page_reuse_the_computed_times(client, mari, django_assert_max_num_queries):
    ConsultationSettingsFactory()
    client.get(BOOK)

    with django_assert_max_num_queries(1) as captured:
        html = client.get(BOOK).content.decode()

    assert f"slot={MONDAY_10}" in html
    assert not [q for q in captured.captured_queries if "consultations_consultationhours" in q["sql"]]


def test_a_cancelled_call_opens_its_time_on_the_slot_page_at_once(client, mari):
    from consultations.booking.services import consultation_cancel

    call = ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 0))
    assert f"slot={MONDAY_10}" not in client.get(BOOK).content.decode()

    consultation_cancel(consultation=call)

    assert f"slot={MONDAY_10}" in client.get(BOOK).content.decode()


def test_new_consultation_hours_show_on_the_slot_page_at_once(client, mari):
    assert "slot=20260303T1800Z" not in client.get(BOOK).content.decode()

    ConsultationHoursFactory(clinician=mari, weekday=1, starts_at=datetime.time(10), ends_at=datetime.time(11))

    assert "slot=20260303T1800Z" in client.get(BOOK).content.decode()


def test_the_notice_period_applies_to_reused_times(client, mari):
    ConsultationSettingsFactory()
    with time_machine.travel(pt(2026, 3, 2, 6, 59, 30), tick=False):
        assert f"slot={MONDAY_10}" in client.get(BOOK).content.decode()

    # Forty seconds later the list is reused, but 10:00 is now less than three hours away.
    with time_machine.travel(pt(2026, 3, 2, 7, 0, 10), tick=False):
        html = client.get(BOOK).content.decode()

    assert f"slot={MONDAY_10}" not in html
    assert f"slot={MONDAY_1015}" in html


# The booking form


def test_booking_form_shows_the_chosen_time_crisis_notice_and_privacy_link(client, mari):
    html = client.get(DETAILS, {"slot": MONDAY_10}).content.decode()
    assert "Monday, March 2, 10:00 AM Pacific Time" in html
    assert "call or text 988" in html.lower()
    assert html.index("crisis-notice") < html.index('<form class="booking-form"')
    assert 'href="/privacy/"' in html
    assert "csrfmiddlewaretoken" in html
    assert "Please don't include health details" in html
    assert '<meta name="robots" content="noindex">' in html


def test_a_booking_is_saved_and_redirects_to_its_confirmation(client, mari):
    response = book(client)
    consultation = Consultation.objects.get()
    assert response.status_code == 302
    assert consultation_from_token(response["Location"].split("/")[-2]) == consultation
    assert consultation.clinician == mari
    assert consultation.starts_at == pt(2026, 3, 2, 10, 0)
    assert str(consultation.phone) == "+12065550123"
    assert consultation.consented_at is not None
    assert consultation.consent_policy_version
    page = client.get(response["Location"]).content.decode()
    assert "Your free consultation is booked" in page
    assert "Monday, March 2, 10:00 AM Pacific Time" in page
    assert "Maricor Coquia" in page
    assert consultation.reference in page
    # The link can be forwarded or synced: the page shows only the number's last digits.
    assert "ending in <strong>23</strong>" in page
    assert "555-0123" not in page
    assert "calendar.ics" in page


def test_the_same_form_sent_twice_shows_the_same_confirmation(client, mari):
    data = form_data(client)
    first = client.post(DETAILS, data)
    second = client.post(DETAILS, data)
    assert first["Location"] == second["Location"]
    assert Consultation.objects.count() == 1


def test_errors_are_listed_at_the_top_linking_to_each_field(client, mari):
    response = book(client, first_name="", phone="not a phone", service=None, consent=None)
    html = response.content.decode()
    assert response.status_code == 200
    assert not Consultation.objects.exists()
    summary = re.search(
        r'<div id="error-summary" class="error-summary" role="alert" tabindex="-1".*?</div>', html, re.S
    )
    assert summary, "the error summary is missing"
    links = re.findall(r'<a href="#([^"]+)">', summary.group(0))
    assert links == ["id_first_name", "id_phone", "id_service_0", "id_consent"]
    for target in links:
        assert f'id="{target}"' in html
    # What was typed is kept, and each field says what's wrong.
    assert 'value="Lovelace"' in html
    assert "Enter your first name." in html


def test_online_sessions_are_refused_outside_washington_with_a_reason(client, mari):
    html = book(client, state_of_residence="OR").content.decode()
    assert not Consultation.objects.exists()
    assert "Online sessions are only for people who live in Washington" in html
    assert "In person in Seattle" in html
    assert book(client, state_of_residence="OR", session_format="in_person").status_code == 302


@pytest.mark.parametrize(
    ("field", "value"),
    [("note", "x" * 501), ("first_name", "A" * 61), ("heard_about", "y" * 201), ("email", "a" * 250 + "@example.com")],
)
def test_over_long_input_is_refused_not_truncated(client, mari, field, value):
    response = book(client, **{field: value})
    assert response.status_code == 200
    assert not Consultation.objects.exists()
    assert f"#id_{field}" in response.content.decode()


def test_user_text_is_escaped_on_the_confirmation(client, mari):
    response = book(client, first_name="<script>alert(1)</script>", preferred_name="")
    html = client.get(response["Location"]).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_honeypot_silently_discards_bots(client, mari):
    response = book(client, website="http://spam.example")
    assert response.status_code == 200
    assert "We've received your request" in response.content.decode()
    assert not Consultation.objects.exists()


def test_bookings_are_rate_limited_per_address_with_a_friendly_page(mari):
    ConsultationHoursFactory(clinician=mari, weekday=1, starts_at=datetime.time(9), ends_at=datetime.time(17))
    cache.clear()
    client = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(5):
        assert book(client, phone=f"206-555-01{n:02d}", email="", slot=f"20260303T{17 + n}00Z").status_code == 302
    response = book(client, phone="206-555-0150", email="", slot="20260303T2300Z")
    assert response.status_code == 429
    assert 'href="tel:+12064031148"' in response.content.decode()
    assert Consultation.objects.count() == 5
    # Someone else on another connection can still book.
    assert book(Client(REMOTE_ADDR="198.51.100.4"), phone="206-555-0160", email="").status_code == 302


@pytest.mark.parametrize(
    "slot",
    ["20260302T1807Z", "20260223T1800Z", "20260302T2300Z", "garbage-value!", "20260302T1800Z'--"],
    ids=["misaligned", "past", "outside-hours", "garbage", "injection"],
)
def test_tampered_or_closed_slots_are_refused_with_the_nearest_open_times(client, mari, slot):
    response = book(client, slot=slot)
    html = response.content.decode()
    assert response.status_code == 200
    assert not Consultation.objects.exists()
    assert 'id="error-summary"' in html
    assert f'name="slot" id="slot-{MONDAY_10}" value="{MONDAY_10}"' in html
    assert 'value="Lovelace"' in html


def test_a_slot_taken_meanwhile_shows_the_form_again_with_just_taken(client, mari):
    data = form_data(client)
    ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 0))
    response = client.post(DETAILS, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "That time was just taken" in html
    assert f'value="{MONDAY_1015}"' in html
    assert 'value="Lovelace"' in html
    assert Consultation.objects.count() == 1


def test_someone_with_an_upcoming_call_is_offered_to_reschedule_it(client, mari):
    first = book(client)
    again = book(client, slot=MONDAY_1015, email="")
    html = again.content.decode()
    assert again.status_code == 409
    assert "You already have a call coming up" in html
    assert first["Location"] + "reschedule/" in html
    # A stranger who only knows the phone number gets no link to someone else's booking.
    stranger = book(Client(REMOTE_ADDR="198.51.100.9"), slot=MONDAY_1015, email="")
    assert stranger.status_code == 409
    assert first["Location"] not in stranger.content.decode()


def test_details_without_a_slot_go_back_to_the_slot_page(client):
    assert client.get(DETAILS)["Location"] == BOOK


# Callback requests


def test_callback_request_is_saved_with_days_and_parts_of_day(client, mari):
    page = client.get(CALLBACK, {"clinician": "maricor-coquia"})
    data = form_data(client)
    data.pop("slot")
    data |= {
        "form_token": page.context["form"].initial["form_token"],
        "clinician": "maricor-coquia",
        "preferred_days": ["monday", "friday"],
        "preferred_times": ["evening"],
    }
    response = client.post(CALLBACK, data)
    request = Consultation.objects.get()
    assert response.status_code == 302
    assert request.starts_at is None
    assert request.clinician == mari
    assert request.preferred_days == "Monday, Friday"
    assert request.preferred_times == "Early evening (5 PM to 7 PM)"
    assert "We'll call you to find a time" in client.get(response["Location"]).content.decode()


def test_callback_form_has_the_crisis_notice_and_reports_errors(client):
    html = client.post(CALLBACK, {"form_token": "x"}).content.decode()
    assert 'id="error-summary"' in html
    assert "crisis-notice" in html
    assert not Consultation.objects.exists()


# The private page


def test_a_tampered_token_finds_nothing(client, mari):
    location = book(client)["Location"]
    token = location.strip("/").split("/")[-1]
    assert client.get(f"/consultation/{token[:-2]}xx/").status_code == 404
    consultation = Consultation.objects.get()
    assert client.get(f"/consultation/{consultation.pk}/").status_code == 404


def test_calendar_file_is_in_pacific_time(client, mari):
    location = book(client)["Location"]
    response = client.get(location + "calendar.ics")
    body = response.content.decode()
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert "DTSTART;TZID=America/Los_Angeles:20260302T100000" in body
    assert "BEGIN:VTIMEZONE" in body


def test_cancel_asks_first_then_frees_the_time_and_a_second_use_changes_nothing(client, mari):
    location = book(client)["Location"]
    assert "Yes, cancel the call" in client.get(location + "cancel/").content.decode()
    response = client.post(location + "cancel/")
    assert response["Location"] == location
    consultation = Consultation.objects.get()
    assert consultation.status == Consultation.Status.CANCELLED
    assert "This call is cancelled" in client.get(location).content.decode()
    cancelled_at = consultation.cancelled_at
    assert client.post(location + "cancel/")["Location"] == location
    consultation.refresh_from_db()
    assert consultation.cancelled_at == cancelled_at
    assert f"slot={MONDAY_10}" in client.get(BOOK).content.decode()
    assert client.get(location + "reschedule/")["Location"] == location


def test_reschedule_moves_the_call_and_a_used_link_shows_the_current_state(client, mari):
    location = book(client)["Location"]
    page = client.get(location + "reschedule/").content.decode()
    assert f'value="{MONDAY_10}"' in page  # as the "current" guard, not as a choice
    assert f'id="slot-{MONDAY_10}"' not in page
    response = client.post(location + "reschedule/", {"slot": MONDAY_1015, "current": MONDAY_10})
    assert response["Location"] == location
    assert Consultation.objects.get().starts_at == pt(2026, 3, 2, 10, 15)
    # The same form sent again (back button, double click) doesn't move the call a second time.
    again = client.post(location + "reschedule/", {"slot": "20260302T1830Z", "current": MONDAY_10})
    assert again["Location"] == location
    assert Consultation.objects.get().starts_at == pt(2026, 3, 2, 10, 15)
    assert "already changed" in client.get(location).content.decode()


def test_reschedule_to_a_taken_time_keeps_the_old_one(client, mari):
    location = book(client)["Location"]
    ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 30))
    response = client.post(location + "reschedule/", {"slot": "20260302T1830Z", "current": MONDAY_10})
    assert response.status_code == 200
    assert "That time was just taken" in response.content.decode()
    assert Consultation.objects.get(pk=Consultation.objects.order_by("pk").first().pk).starts_at == pt(2026, 3, 2, 10)


def test_after_the_call_starts_the_page_offers_no_changes(client, mari):
    location = book(client)["Location"]
    with time_machine.travel(pt(2026, 3, 2, 10, 1), tick=False):
        html = client.get(location).content.decode()
        assert "Cancel the call" not in html
        assert client.post(location + "cancel/")["Location"] == location
    assert Consultation.objects.get().status == Consultation.Status.CONFIRMED


def test_csrf_failure_shows_a_page_in_the_site_design(mari):
    client = Client(enforce_csrf_checks=True)
    response = client.post(DETAILS, {"slot": MONDAY_10}, HTTP_REFERER="http://testserver/consultation/")
    assert response.status_code == 403
    assert "Please try that again" in response.content.decode()
    assert not Consultation.objects.exists()


def test_behind_a_trusted_proxy_the_limit_follows_the_forwarded_address(mari, settings):
    from django.test import RequestFactory

    from thrive.net import client_address

    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert client_address(request) == "203.0.113.7"  # the hop our proxy added, not what the client wrote
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request) == "10.0.0.1"


def test_forwarded_addresses_are_ignored_without_a_trusted_proxy(mari):
    ConsultationHoursFactory(clinician=mari, weekday=1, starts_at=datetime.time(9), ends_at=datetime.time(17))
    for n in range(5):
        # A client can write anything in X-Forwarded-For; with no proxy of ours it must not dodge the limit.
        client = Client(REMOTE_ADDR="203.0.113.8", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        assert book(client, phone=f"206-555-01{n:02d}", email="", slot=f"20260303T{17 + n}00Z").status_code == 302
    refused = book(Client(REMOTE_ADDR="203.0.113.8", HTTP_X_FORWARDED_FOR="192.0.2.1"), phone="206-555-0170")
    assert refused.status_code == 429


def test_private_pages_are_kept_out_of_shared_caches(client, mari):
    location = book(client)["Location"]
    for url in (location, location + "cancel/", location + "reschedule/", location + "calendar.ics", BOOK):
        assert "private" in client.get(url)["Cache-Control"], url


def test_rescheduling_with_no_other_open_times_says_to_call(client, mari):
    location = book(client, slot="20260302T1845Z")
    for minute in (0, 15, 30):
        ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, minute))
    for week in (9, 16):
        for minute in (0, 15, 30, 45):
            ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, week, 10, minute))
    html = client.get(location["Location"] + "reschedule/").content.decode()
    assert "There are no other open times right now" in html
    assert "Your current time is still booked" in html
