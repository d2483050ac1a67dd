import datetime
import re

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import transaction
from django.template.loader import render_to_string
from django.test import Client

from consultations.booking.forms import BookingForm
from consultations.models import Consultation
from consultations.outbox.emails import notification_message
from consultations.scheduling.selectors import visitor_slot_lookup
from consultations.tokens import consultation_from_token
from tests.consultations.booking_pages import BOOK, CALLBACK, DETAILS, MONDAY_10, MONDAY_1015, form_token
from tests.consultations.factories import (
    ClinicianFactory,
    ConsultationFactory,
    ConsultationHoursFactory,
    ConsultationSettingsFactory,
    TimeOffFactory,
    booking_form_data,
    pt,
)
from tests.pages.factories import AnnouncementFactory, PageFactory
from tests.responses import assert_page
from thrive.cache import bump_content_generation
from thrive.chrome import site_chrome

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sunday_march_1")]


@pytest.fixture(autouse=True)
def _practice(site_settings):
    PageFactory(slug="privacy", title="Consumer health data privacy policy")


@pytest.fixture
def mari(mari):
    """Here she takes calls on Mondays only, 10 to 11 AM, so each test knows every open time."""
    mari.consultation_hours.exclude(weekday=0).delete()
    mari.consultation_hours.update(ends_at=datetime.time(11))
    return mari


def form_data(client, slot=MONDAY_10, **overrides):
    """What a person fills in, with the one-time token from a fresh form."""
    page = client.get(DETAILS, {"slot": slot})
    return booking_form_data(slot=slot, form_token=form_token(page), **overrides)


def book(client, **overrides):
    return client.post(DETAILS, form_data(client, **overrides))


# The slot page


def test_slot_page_shows_the_first_day_with_times_with_full_accessible_names(client, mari):
    response = client.get(BOOK)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h2 id="times-heading" class="slot-day__heading">Monday, March 2</h2>' in html
    link = re.search(
        rf'<a class="btn slot-option" href="/consultation/details/\?slot={MONDAY_1015}">(.*?)</a>', html, re.S
    )
    text = re.sub(r"<[^>]+>", "", link.group(1)).strip()
    assert text == "Monday, March 2, 10:15 AM Pacific Time"
    assert '<a class="skip-link" href="#times">Skip to the open times</a>' in html


def _strip(html):
    """The day strip as (text, link or None) for each day."""
    nav = html[html.index('<nav class="day-strip"') : html.index("</nav>", html.index('<nav class="day-strip"'))]
    days = []
    for item in re.findall(r"<li>(.*?)</li>", nav, re.S):
        link = re.search(r'href="([^"]+)"', item)
        days.append((re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item)).strip(), link.group(1) if link else None))
    return days


def test_the_day_strip_links_each_day_with_times_and_shows_the_others_as_unavailable(client, mari):
    ConsultationHoursFactory(clinician=mari, weekday=2, starts_at=datetime.time(10), ends_at=datetime.time(10, 30))
    strip = _strip(client.get(BOOK).content.decode())
    assert len(strip) == 21  # the booking horizon, from today
    assert strip[0] == ("Sun Mar 1 Sunday, March 1, no times", None)
    assert strip[1] == ("Mon Mar 2 Monday, March 2, 4 times", "?day=2026-03-02#times")
    assert strip[3] == ("Wed Mar 4 Wednesday, March 4, 2 times", "?day=2026-03-04#times")
    assert strip[2][1] is None


def test_a_chosen_day_shows_only_its_times(client, mari):
    ConsultationHoursFactory(clinician=mari, weekday=2, starts_at=datetime.time(10), ends_at=datetime.time(10, 30))
    html = client.get(BOOK, {"day": "2026-03-04"}).content.decode()
    assert "slot=20260304T1800Z" in html and "slot=20260304T1815Z" in html
    assert f"slot={MONDAY_10}" not in html
    assert 'aria-current="date"' in html


def test_an_empty_day_offers_the_next_available_one(client, mari):
    html = client.get(BOOK, {"day": "2026-03-03"}).content.decode()
    assert "There are no open times on this day." in html
    assert "slot=" not in html
    assert 'href="?day=2026-03-09#times">Next available: Monday, March 9</a>' in html


@pytest.mark.parametrize("day", ["2026-02-27", "2026-04-30", "not-a-day", "2026-13-01"])
def test_a_day_outside_the_horizon_or_garbage_shows_the_first_day_with_times(client, mari, day):
    html = client.get(BOOK, {"day": day}).content.decode()
    assert '<h2 id="times-heading" class="slot-day__heading">Monday, March 2</h2>' in html


def test_the_clinician_choice_sits_on_the_slot_page(client, mari):
    other = ClinicianFactory(full_name="Robin Park", slug="robin-park")
    ConsultationHoursFactory(clinician=other, weekday=1)
    html = client.get(BOOK, {"clinician": "robin-park"}).content.decode()
    assert '<option value="robin-park" selected>Robin Park</option>' in html
    assert '<option value="">Anyone: the first available</option>' in html
    assert 'href="?clinician=robin-park&amp;day=2026-03-03#times"' in html


def test_slot_page_for_one_clinician_links_with_their_slug(client, mari):
    other = ClinicianFactory()
    ConsultationHoursFactory(clinician=other, weekday=1)
    html = client.get(BOOK, {"clinician": "maricor-coquia"}).content.decode()
    assert f"?slot={MONDAY_10}&amp;clinician=maricor-coquia" in html
    assert ("Tue Mar 3 Tuesday, March 3, no times", None) in _strip(html)  # a day without her times is no link
    assert "You're seeing times with <strong>Maricor Coquia</strong>" in html


def test_unknown_clinician_falls_back_to_first_available(client, mari):
    response = client.get(BOOK, {"clinician": "nobody-here"})
    assert_page(response, says=["here are the first available times with any of our therapists", f'?slot={MONDAY_10}"'])


def test_slot_page_with_no_open_times_offers_a_callback_and_the_phone(client):
    html = client.get(BOOK).content.decode()
    assert "There are no open times" in html
    assert 'href="/consultation/callback/"' in html
    assert 'href="tel:+12064031148"' in html


def test_slot_page_renders_10_clinicians_over_21_days_in_7_queries(client, django_assert_num_queries):
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
    bump_content_generation()  # the open times are computed again, and the menu and announcement read again
    # Hours, time off, calendar busy times and bookings for the times; the clinicians; the menu; the announcement.
    with django_assert_num_queries(7):
        response = client.get(BOOK)
    assert response.status_code == 200
    assert sum(1 for day in response.context["picker"].strip if day.count) == 14  # 15 weekdays, less a holiday
    assert len(response.content) < 30_000  # one day's times, not three weeks of them


def test_slot_page_is_never_served_stale_after_a_booking(client, mari):
    assert f"slot={MONDAY_10}" in client.get(BOOK).content.decode()
    book(Client(REMOTE_ADDR="10.0.0.9"))
    assert f"slot={MONDAY_10}" not in client.get(BOOK).content.decode()


def test_repeat_views_of_the_slot_page_are_answered_from_the_page_cache(client, mari, django_assert_num_queries):
    ConsultationSettingsFactory()
    client.get(BOOK)

    with django_assert_num_queries(0):
        html = client.get(BOOK).content.decode()

    assert f"slot={MONDAY_10}" in html


def test_another_day_of_the_slot_page_reuses_the_computed_times(client, mari, django_assert_num_queries):
    ConsultationSettingsFactory()
    client.get(BOOK)

    # Only the clinicians for the choice: the times come from the cache.
    with django_assert_num_queries(1) as captured:
        html = client.get(BOOK, {"day": "2026-03-02"}).content.decode()

    assert f"slot={MONDAY_10}" in html
    assert not [q for q in captured.captured_queries if "consultations_consultationhours" in q["sql"]]


def test_the_cached_slot_page_drops_a_time_as_it_comes_inside_the_minimum_notice(client, mari):
    ConsultationSettingsFactory(minimum_notice_hours=3)
    with time_machine.travel(pt(2026, 3, 2, 6, 59), tick=False):
        assert f"slot={MONDAY_10}" in client.get(BOOK).content.decode()
    with time_machine.travel(pt(2026, 3, 2, 7, 1), tick=False):
        html = client.get(BOOK).content.decode()
    assert f"slot={MONDAY_10}" not in html
    assert f"slot={MONDAY_1015}" in html


def test_a_cancelled_call_opens_its_time_on_the_slot_page_at_once(client, mari):
    from consultations.booking.services import consultation_cancel

    call = ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 0))
    assert f"slot={MONDAY_10}" not in client.get(BOOK).content.decode()

    consultation_cancel(consultation=call)

    assert f"slot={MONDAY_10}" in client.get(BOOK).content.decode()


def test_new_consultation_hours_show_on_the_slot_page_at_once(client, mari):
    assert "slot=20260303T1800Z" not in client.get(BOOK, {"day": "2026-03-03"}).content.decode()

    ConsultationHoursFactory(clinician=mari, weekday=1, starts_at=datetime.time(10), ends_at=datetime.time(11))

    assert "slot=20260303T1800Z" in client.get(BOOK, {"day": "2026-03-03"}).content.decode()


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


def test_the_kept_booking_form_shows_each_request_its_own_time_and_clinician(client, mari):
    ten = client.get(DETAILS, {"slot": MONDAY_10}).content.decode()
    quarter_past = client.get(DETAILS, {"slot": MONDAY_1015, "clinician": "maricor-coquia"}).content.decode()
    assert '<strong class="chosen-slot__time">Monday, March 2, 10:00 AM Pacific Time</strong>.' in ten
    assert f'<input type="hidden" name="slot" value="{MONDAY_10}">' in ten
    assert 'href="/consultation/?day=2026-03-02#times"' in ten
    assert 'name="clinician"' not in ten
    assert "10:15 AM Pacific Time</strong> with Maricor Coquia." in quarter_past
    assert f'<input type="hidden" name="slot" value="{MONDAY_1015}">' in quarter_past
    assert 'href="/consultation/?day=2026-03-02&amp;clinician=maricor-coquia#times"' in quarter_past
    assert '<input type="hidden" name="clinician" value="maricor-coquia">' in quarter_past
    assert MONDAY_10 not in quarter_past and "Maricor" not in ten


def test_the_kept_booking_form_is_the_page_its_template_renders_for_this_visitor(client, mari, rf):
    kept = client.get(DETAILS, {"slot": MONDAY_10, "clinician": "maricor-coquia"})
    form = BookingForm(
        initial={"slot": MONDAY_10, "clinician": "maricor-coquia", "form_token": form_token(kept)},
        practice=site_chrome()["settings"],
    )
    chosen = visitor_slot_lookup(starts_at=pt(2026, 3, 2, 10, 0), clinician=mari)
    rendered = render_to_string(
        "consultations/details.html", {"form": form, "chosen": chosen, "clinician": mari}, rf.get(DETAILS)
    )
    assert _masked(kept.content.decode()) == _masked(rendered)


def test_each_visitor_gets_their_own_csrf_and_form_tokens_on_the_kept_booking_form(mari):
    ada, bea = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    ada_page, bea_page = ada.get(DETAILS, {"slot": MONDAY_10}), bea.get(DETAILS, {"slot": MONDAY_10})
    csrf = [
        re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
        for page in (ada_page, bea_page)
    ]
    assert csrf[0] != csrf[1]
    assert form_token(ada_page) != form_token(bea_page)
    # A token works only with the cookie of the visitor it was made for.
    data = booking_form_data(slot=MONDAY_10, form_token=form_token(bea_page), csrfmiddlewaretoken=csrf[0])
    assert bea.post(DETAILS, data).status_code == 403
    assert bea.post(DETAILS, data | {"csrfmiddlewaretoken": csrf[1]}).status_code == 302


def test_a_change_to_the_practice_shows_at_once_on_the_kept_booking_form(client, mari, site_settings):
    assert site_settings.phone in client.get(DETAILS, {"slot": MONDAY_10}).content.decode()
    site_settings.phone = "206-201-0999"
    site_settings.save()
    assert "206-201-0999" in client.get(DETAILS, {"slot": MONDAY_10}).content.decode()


def test_a_booking_is_saved_and_redirects_to_its_confirmation(client, mari):
    response = book(client)
    consultation = Consultation.objects.get()
    assert response.status_code == 302
    assert consultation_from_token(response["Location"].split("/")[-2]) == consultation
    assert consultation.clinician == mari
    assert consultation.starts_at == pt(2026, 3, 2, 10, 0)
    assert str(consultation.phone) == "+12062010123"
    assert consultation.consented_at is not None
    assert consultation.consent_policy_version
    page = client.get(response["Location"]).content.decode()
    assert "Your free consultation is booked" in page
    assert "Monday, March 2, 10:00 AM Pacific Time" in page
    assert "Maricor Coquia" in page
    assert consultation.reference in page
    # The link can be forwarded or synced: the page shows only the number's last digits.
    assert "ending in <strong>23</strong>" in page
    assert "201-0123" not in page
    assert "calendar.ics" in page


def test_the_same_form_sent_twice_shows_the_same_confirmation(client, mari):
    data = form_data(client)
    first = client.post(DETAILS, data)
    second = client.post(DETAILS, data)
    assert first["Location"] == second["Location"]
    assert Consultation.objects.count() == 1


def test_errors_are_listed_at_the_top_linking_to_each_field(client, mari):
    response = book(client, first_name="", phone="not a phone", voicemail_ok=None, consent=None)
    html = response.content.decode()
    assert response.status_code == 200
    assert not Consultation.objects.exists()
    summary = re.search(
        r'<div id="error-summary" class="error-summary" role="alert" tabindex="-1".*?</div>', html, re.S
    )
    assert summary, "the error summary is missing"
    links = re.findall(r'<a href="#([^"]+)">', summary.group(0))
    assert links == ["id_first_name", "id_phone", "id_voicemail_ok_0", "id_consent"]
    for target in links:
        assert f'id="{target}"' in html
    # What was typed is kept, and each field says what's wrong.
    assert 'value="Lovelace"' in html
    assert "Enter your first name." in html


def test_online_sessions_are_refused_outside_washington_with_a_reason(client, mari):
    html = book(client, session_format="online", state_of_residence="OR").content.decode()
    assert not Consultation.objects.exists()
    assert '<details class="booking-more" open>' in html  # the fold opens on its error
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
    assert_page(response, says=["We've received your request"])
    assert not Consultation.objects.exists()


@pytest.mark.parametrize(
    "slot",
    ["20260302T1807Z", "20260223T1800Z", "20260302T2300Z", "garbage-value!", "20260302T1800Z'--"],
    ids=["misaligned", "past", "outside-hours", "garbage", "injection"],
)
def test_tampered_or_closed_slots_are_refused_with_the_nearest_open_times(client, mari, slot):
    response = book(client, slot=slot)
    offered = f'name="slot" id="slot-{MONDAY_10}" value="{MONDAY_10}"'
    assert_page(response, says=['id="error-summary"', offered, 'value="Lovelace"'])
    assert not Consultation.objects.exists()


def test_a_slot_taken_meanwhile_shows_the_form_again_with_just_taken(client, mari):
    data = form_data(client)
    ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 0))
    response = client.post(DETAILS, data)
    assert_page(response, says=["That time was just taken", f'value="{MONDAY_1015}"', 'value="Lovelace"'])
    assert Consultation.objects.count() == 1


def test_details_without_a_slot_go_back_to_the_slot_page(client):
    assert client.get(DETAILS)["Location"] == BOOK


# Callback requests


def test_callback_request_is_saved_with_days_and_parts_of_day(client, mari):
    ConsultationHoursFactory(clinician=mari, weekday=4, starts_at=datetime.time(16), ends_at=datetime.time(18))
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
    assert request.preferred_times == "Evening (after 5 PM)"
    assert "We'll call you to find a time" in client.get(response["Location"]).content.decode()


def test_the_callback_form_offers_only_the_days_and_parts_of_day_the_practice_takes_calls(client, mari):
    # Mari takes calls on Mondays, 10 to 11 AM.
    form = client.get(CALLBACK).context["form"]
    assert [key for key, _ in form.fields["preferred_days"].choices] == ["monday"]
    assert [key for key, _ in form.fields["preferred_times"].choices] == ["morning"]
    data = form_data(client) | {"form_token": form.initial["form_token"], "preferred_times": ["evening"]}
    data.pop("slot")
    refused = client.post(CALLBACK, data)
    assert refused.status_code == 200
    assert not Consultation.objects.exists()


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
    cancelled_page = client.get(location).content.decode()
    assert "This call is cancelled" in cancelled_page
    assert "We'll call" not in cancelled_page.replace("&#x27;", "'")
    cancelled_at = consultation.cancelled_at
    assert client.post(location + "cancel/")["Location"] == location
    consultation.refresh_from_db()
    assert consultation.cancelled_at == cancelled_at
    assert f"slot={MONDAY_10}" in client.get(BOOK).content.decode()
    assert client.get(location + "reschedule/")["Location"] == location


def test_reschedule_moves_the_call_and_a_used_link_shows_the_current_state(client, mari):
    location = book(client)["Location"]
    page = client.get(location + "reschedule/").content.decode()
    assert f"?slot={MONDAY_1015}#chosen" in page  # choosing a time is a plain link
    assert f"?slot={MONDAY_10}" not in page  # the current time is no choice
    assert "Move my call" not in page  # nothing to move until a time is chosen
    page = client.get(location + "reschedule/", {"slot": MONDAY_1015}).content.decode()
    assert f'value="{MONDAY_10}"' in page  # as the "current" guard
    assert f'<input type="hidden" name="slot" value="{MONDAY_1015}">' in page
    assert page.index("Move my call to this time") < page.index('id="times"')  # the button beside the choice
    response = client.post(location + "reschedule/", {"slot": MONDAY_1015, "current": MONDAY_10})
    assert response["Location"] == location
    assert Consultation.objects.get().starts_at == pt(2026, 3, 2, 10, 15)
    # The same form sent again (back button, double click) doesn't move the call a second time.
    again = client.post(location + "reschedule/", {"slot": "20260302T1830Z", "current": MONDAY_10})
    assert again["Location"] == location
    assert Consultation.objects.get().starts_at == pt(2026, 3, 2, 10, 15)
    assert "already changed" in client.get(location).content.decode()


def test_reschedule_shows_one_day_at_a_time_by_plain_links(client, mari):
    mari.consultation_hours.create(weekday=2, starts_at=datetime.time(10), ends_at=datetime.time(11))
    location = book(client)["Location"]
    page = client.get(location + "reschedule/").content.decode()
    assert '<h2 id="times-heading" class="slot-day__heading">Monday, March 2</h2>' in page
    assert 'href="?day=2026-03-04#times"' in page
    wednesday = client.get(location + "reschedule/", {"day": "2026-03-04"}).content.decode()
    assert '<h2 id="times-heading" class="slot-day__heading">Wednesday, March 4</h2>' in wednesday
    assert "?slot=20260304T1800Z#chosen" in wednesday
    assert "?slot=20260302T1815Z" not in wednesday


def test_a_chosen_time_taken_meanwhile_says_so_on_its_day(client, mari):
    location = book(client)["Location"]
    ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 30))
    page = client.get(location + "reschedule/", {"slot": "20260302T1830Z"}).content.decode()
    assert "That time isn&#x27;t open any more" in page
    assert "Move my call" not in page
    assert '<h2 id="times-heading" class="slot-day__heading">Monday, March 2</h2>' in page


def test_reschedule_to_a_taken_time_keeps_the_old_one(client, mari):
    location = book(client)["Location"]
    ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 30))
    response = client.post(location + "reschedule/", {"slot": "20260302T1830Z", "current": MONDAY_10})
    assert_page(response, says=["That time was just taken"])
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
    assert_page(response, 403, says=["Please try that again"])
    assert not Consultation.objects.exists()


def test_behind_a_trusted_proxy_the_limit_follows_the_forwarded_address(mari, settings):
    from django.test import RequestFactory

    from thrive.net import client_address

    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert client_address(request) == "203.0.113.7"  # the hop our proxy added, not what the client wrote
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request) == "10.0.0.1"


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


# Nothing given away: a booking attempt answers the same whether or not the details have a call


def _masked(text):
    """A page with the one-time values and the details typed (which differ between attempts by design) masked."""
    text = re.sub(r'name="(csrfmiddlewaretoken|form_token)" value="[^"]+"', "ONE-TIME", text)
    text = re.sub(r"ending in (?:<strong>)?\d\d", "ending in TYPED", text)
    return re.sub(r"201[-)]?01\d\d|(?:ada|bea)@example\.com", "TYPED", text)


def _normalised(text, consultation, token):
    """A page or message with what differs between any two bookings (reference, link, names of the day) masked."""
    text = _masked(text.replace(token, "TOKEN").replace(consultation.reference, "REF"))
    return (
        re.sub(r"\b(?:Monday|Tuesday), March [23], \d+:\d\d [AP]M", "WHEN", text).replace(":00", "").replace(":30", "")
    )


def _attempt(slot, **overrides):
    """A stranger's booking attempt, undone afterwards: what the browser is shown and what the email says."""
    with transaction.atomic():
        client = Client(REMOTE_ADDR="198.51.100.20")
        response = book(client, slot=slot, **overrides)
        shown = [response.status_code, response.get("Location", "")]
        made = Consultation.objects.order_by("-pk").first()
        if response.status_code == 302:
            token = response["Location"].split("/")[2]
            page = client.get(response["Location"])
            shown += [page.status_code, _normalised(page.content.decode(), made, token)]
            shown[1] = "MANAGE"
            message = notification_message(made.notifications.get(recipient_role="client"))
            letter = [_normalised(message.body, made, token), _normalised(message.alternatives[0][0], made, token)]
        else:
            shown.append(_masked(response.content.decode()))
            letter = None
        transaction.set_rollback(True)
    cache.clear()
    return shown, letter


@pytest.mark.parametrize("slot", [MONDAY_10, "20260223T1800Z"], ids=["open-time", "past-time"])
@pytest.mark.parametrize("known", ["phone", "email", "both"])
def test_a_stranger_is_answered_the_same_whether_or_not_the_details_have_a_call(mari, slot, known):
    victim = {"phone": "206-201-0123", "email": "ada@example.com"}
    ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 45), phone="+12062010123", email=victim["email"])
    stranger = {"phone": "206-201-0177", "email": "probe@example.com"}
    typed = {**stranger, **({key: victim[key] for key in victim} if known == "both" else {known: victim[known]})}
    shown, letter = _attempt(slot, **typed)
    # The same attempt for details that have no call: only the details change.
    shown_no_call, letter_no_call = _attempt(
        slot, **{key: value.replace("0123", "0124").replace("ada@", "bea@") for key, value in typed.items()}
    )
    assert shown == shown_no_call
    assert shown[0] == (302 if slot == MONDAY_10 else 200)
    if known == "phone":
        # The confirmation goes to the stranger's own address: it must not tell them either.
        assert letter == letter_no_call
    elif letter is not None:
        # It goes to the address the first call was booked with: its owner hears of both calls.
        assert "You now have two free consultations" in letter[0]
        assert "two free consultations" not in letter_no_call[0]


def test_the_browser_that_booked_is_recognised_even_when_a_stranger_booked_earlier_with_its_details(client, mari):
    own = book(client, slot=MONDAY_1015)
    ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 0), phone="+12062010123")  # earlier, not ours
    again = book(client, slot="20260302T1830Z")
    assert again.status_code == 409
    assert own["Location"] + "reschedule/" in again.content.decode()


def test_the_browser_that_booked_is_offered_to_move_its_call(client, mari):
    first = book(client)
    again = book(client, slot=MONDAY_1015, email="ada.other@example.com")
    html = again.content.decode()
    assert again.status_code == 409
    assert "You already have a call coming up" in html
    assert first["Location"] + "reschedule/" in html
    assert Consultation.objects.count() == 1


def test_recognising_the_browser_compares_bookings_not_link_strings(client, mari):
    book(client)
    # The link signed again a moment later differs as a string but names the same booking.
    with time_machine.travel(pt(2026, 3, 1, 8, 5), tick=False):
        again = book(client, slot=MONDAY_1015)
    assert again.status_code == 409
    assert "/reschedule/" in again.content.decode()
    assert Consultation.objects.count() == 1


def test_a_visitor_s_booking_writes_no_session_its_browser_keeps_a_signed_cookie(client, mari, settings):
    settings.SESSION_COOKIE_SECURE = True
    response = book(client)
    assert response.status_code == 302
    assert "sessionid" not in response.cookies
    assert not Session.objects.exists()
    cookie = response.cookies["bookings"]
    assert (cookie["httponly"], cookie["secure"], cookie["samesite"]) == (True, True, "Lax")
    assert cookie["max-age"] == settings.SESSION_COOKIE_AGE


def test_a_bookings_cookie_not_signed_by_the_site_is_not_recognised(client, mari):
    book(client, email="ada@example.com")
    first = Consultation.objects.get()
    stranger = Client(REMOTE_ADDR="198.51.100.9")
    stranger.cookies["bookings"] = str(first.pk)  # typed in, or copied with its signature cut off
    response = book(stranger, slot=MONDAY_1015)
    assert response.status_code == 302
    assert Consultation.objects.filter(possible_duplicate_of=first).exists()


def test_a_stranger_with_the_same_phone_books_and_both_calls_are_flagged(client, mari):
    book(client, email="ada@example.com")
    stranger = Client(REMOTE_ADDR="198.51.100.9")
    response = book(stranger, slot=MONDAY_1015, email="other@example.com")
    assert response.status_code == 302
    first, second = Consultation.objects.order_by("starts_at")
    assert (first.possible_duplicate_of, second.possible_duplicate_of) == (second, first)


def test_the_second_confirmation_mentions_the_first_call_only_to_its_own_email(client, mari):
    book(client, email="ada@example.com")
    book(Client(REMOTE_ADDR="198.51.100.9"), slot=MONDAY_1015, email="ADA@example.com")
    book(Client(REMOTE_ADDR="198.51.100.10"), slot="20260302T1830Z", email="someone.else@example.com")
    same_email, other_email = Consultation.objects.order_by("starts_at")[1:]
    told = notification_message(same_email.notifications.get(recipient_role="client"))
    first_time = "Monday, March 2, 2026 at 10:00 AM Pacific Time"
    assert f"You now have two free consultations with us: this one and {first_time}." in told.body
    not_told = notification_message(other_email.notifications.get(recipient_role="client"))
    assert "two free consultations" not in not_told.body
    desk = notification_message(same_email.notifications.get(recipient_role="front_desk"))
    assert f"Possible duplicate of: {same_email.possible_duplicate_of.reference}" in desk.body


# Limits: every booking and callback POST counts, per address and per phone number


@pytest.fixture
def _all_week(mari):
    ConsultationHoursFactory(clinician=mari, weekday=1, starts_at=datetime.time(9), ends_at=datetime.time(17))
    cache.clear()


def test_every_post_counts_and_the_limit_keeps_what_was_typed(mari, _all_week):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(10):
        # Failed attempts count as much as bookings.
        assert book(client, phone=f"206-201-02{n:02d}", consent=None).status_code == 200
    response = book(client, phone="206-201-0150", last_name="Byron")
    html = response.content.decode()
    assert response.status_code == 429
    assert 'id="limit-reached"' in html
    assert 'href="tel:+12064031148"' in html
    assert 'value="Byron"' in html and 'value="206-201-0150"' in html
    assert not Consultation.objects.exists()
    # Someone else on another connection can still book.
    assert book(Client(REMOTE_ADDR="198.51.100.4"), phone="206-201-0160").status_code == 302


def test_one_phone_number_is_limited_across_addresses(mari, _all_week):
    for n in range(5):
        client = Client(REMOTE_ADDR=f"198.51.100.{n + 1}")
        assert client.post(CALLBACK, {"phone": "206-201-0199", "first_name": "Ada"}).status_code == 200
    limited = book(Client(REMOTE_ADDR="192.0.2.50"), phone="(206) 201-0199")
    assert limited.status_code == 429
    assert not Consultation.objects.exists()


def test_an_ipv6_64_counts_as_one_address(mari, _all_week):
    for n in range(10):
        client = Client(REMOTE_ADDR=f"2001:db8:1:2::{n + 1:x}")
        assert book(client, phone=f"206-201-02{n:02d}", consent=None).status_code == 200
    assert book(Client(REMOTE_ADDR="2001:db8:1:2:ffff::1"), phone="206-201-0150").status_code == 429
    assert book(Client(REMOTE_ADDR="2001:db8:1:3::1"), phone="206-201-0151").status_code == 302


def test_forwarded_addresses_are_ignored_without_a_trusted_proxy(mari, _all_week):
    for n in range(10):
        # A client can write anything in X-Forwarded-For; with no proxy of ours it must not dodge the limit.
        client = Client(REMOTE_ADDR="203.0.113.8", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        assert book(client, phone=f"206-201-02{n:02d}", consent=None).status_code == 200
    refused = book(Client(REMOTE_ADDR="203.0.113.8", HTTP_X_FORWARDED_FOR="192.0.2.1"), phone="206-201-0170")
    assert refused.status_code == 429


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        ("206-555-0100", "kept for films and examples"),
        ("(206) 555-0199", "kept for films and examples"),
        ("900-555-1234", "premium-rate"),
    ],
)
def test_fictional_and_premium_rate_numbers_are_refused_at_the_field(client, mari, phone, message):
    response = book(client, phone=phone)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Consultation.objects.exists()


# The home page's next open times (a template tag, as `pages` may not import booking)


def test_the_home_page_offers_the_next_open_times_straight_to_the_form(client, mari):
    PageFactory(slug="home", title="Welcome")
    html = client.get("/").content.decode()
    times = re.findall(r'<a class="btn slot-option" href="/consultation/details/\?slot=(\w+)">([^<]+)</a>', html)
    assert times == [
        (MONDAY_10, "Mon, Mar 2, 10:00 AM"),
        (MONDAY_1015, "Mon, Mar 2, 10:15 AM"),
        ("20260302T1830Z", "Mon, Mar 2, 10:30 AM"),
        ("20260302T1845Z", "Mon, Mar 2, 10:45 AM"),
    ]
    assert '<a href="/consultation/">More times</a>' in html
    # Choosing one goes straight to the form, with that time.
    form = client.get(f"/consultation/details/?slot={MONDAY_10}").content.decode()
    assert f'<input type="hidden" name="slot" value="{MONDAY_10}">' in form


def test_the_home_page_shows_a_booked_time_gone_at_once(client, mari):
    PageFactory(slug="home", title="Welcome")
    assert f"slot={MONDAY_10}" in client.get("/").content.decode()
    book(Client(REMOTE_ADDR="10.0.0.9"))
    assert f"slot={MONDAY_10}" not in client.get("/").content.decode()


# The page around the booking steps


def test_booking_steps_show_the_crisis_notice_once_and_no_announcement(client, mari):
    AnnouncementFactory(message="Our office is closed on Friday.")
    PageFactory(slug="home", title="Welcome")
    assert "Our office is closed on Friday." in client.get("/").content.decode()
    location = book(client)["Location"]
    for url in (
        BOOK,
        f"{DETAILS}?slot={MONDAY_1015}",
        CALLBACK,
        location,
        location + "cancel/",
        location + "reschedule/",
        location + f"reschedule/?slot={MONDAY_1015}",
    ):
        html = client.get(url).content.decode()
        assert html.count('class="crisis-notice"') == 1, url
        assert "Our office is closed on Friday." not in html, url
