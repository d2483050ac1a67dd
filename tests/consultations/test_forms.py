import pytest

from consultations.booking.forms import ONLINE_WASHINGTON_ONLY, BookingForm, CallbackForm

pytestmark = pytest.mark.django_db


def filled(**overrides):
    data = {
        "slot": "20260302T1800Z",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "phone": "(206) 201-0123",
        "voicemail_ok": "no",
        "service": "couples",
        "session_format": "in_person",
        "state_of_residence": "WA",
        "consent": "on",
        "form_token": "a-token",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_a_complete_form_is_valid_and_stores_the_phone_in_e164():
    form = BookingForm(filled())
    assert form.is_valid(), form.errors
    consultation = form.save(commit=False)
    assert str(consultation.phone) == "+12062010123"
    assert consultation.voicemail_ok is False
    assert form.cleaned_data["slot"].isoformat() == "2026-03-02T18:00:00+00:00"


@pytest.mark.parametrize("phone", ["12", "call me", "+44 20 7946 0000 000 000", ""])
def test_phone_must_be_a_number_we_can_call(phone):
    form = BookingForm(filled(phone=phone))
    assert not form.is_valid()
    assert "phone" in form.errors


def test_online_outside_washington_is_refused_on_the_format_field():
    form = BookingForm(filled(session_format="online", state_of_residence="ID"))
    assert not form.is_valid()
    assert form.errors["session_format"] == [ONLINE_WASHINGTON_ONLY]


@pytest.mark.parametrize("fmt", ["in_person", "either"])
def test_people_outside_washington_may_meet_in_person(fmt):
    assert BookingForm(filled(session_format=fmt, state_of_residence="ZZ")).is_valid()


def test_consent_is_required_and_links_to_the_privacy_policy():
    form = BookingForm(filled(consent=None))
    assert not form.is_valid()
    assert "consent" in form.errors
    assert 'href="/privacy/"' in str(form.fields["consent"].label)


def test_the_note_is_limited_to_500_characters_with_a_clear_message():
    form = BookingForm(filled(note="n" * 501))
    assert not form.is_valid()
    assert "500" in form.errors["note"][0]
    assert BookingForm(filled(note="n" * 500)).is_valid()


def test_unknown_choices_are_refused():
    form = BookingForm(filled(service="massage", state_of_residence="XX", voicemail_ok="maybe"))
    assert not form.is_valid()
    assert {"service", "state_of_residence", "voicemail_ok"} <= set(form.errors)


def test_honeypot_is_detected_but_not_an_error():
    form = BookingForm(filled(website="spam"))
    assert form.is_bot
    assert form.is_valid()


def test_error_summary_targets_the_first_radio_of_a_radio_group():
    form = BookingForm(filled(service=None, first_name=""))
    form.is_valid()
    targets = [target for target, _ in form.error_summary()]
    assert targets == ["id_first_name", "id_service_0"]


def test_a_fresh_form_carries_a_new_one_time_token():
    first, second = BookingForm(), BookingForm()
    assert first.initial["form_token"] != second.initial["form_token"]
    assert len(first.initial["form_token"]) >= 40


def test_callback_form_needs_no_time_and_keeps_preferences_in_words():
    form = CallbackForm(filled(slot=None, preferred_days=["tuesday"], preferred_times=["morning", "afternoon"]))
    assert form.is_valid(), form.errors
    request = form.save(commit=False)
    assert request.preferred_days == "Tuesday"
    assert request.preferred_times == "Morning (before noon), Afternoon (noon to 5 PM)"
