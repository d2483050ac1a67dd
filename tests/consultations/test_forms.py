import pytest

from consultations.booking.forms import ONLINE_WASHINGTON_ONLY, BookingForm, CallbackForm
from consultations.models import Consultation
from tests.consultations.factories import booking_form_data

pytestmark = pytest.mark.django_db


def filled(**overrides):
    return booking_form_data(
        **{"slot": "20260302T1800Z", "phone": "(206) 201-0123", "voicemail_ok": "no", "form_token": "a-token"}
        | overrides
    )


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
    form = BookingForm(filled(voicemail_ok=None, first_name=""))
    form.is_valid()
    targets = [target for target, _ in form.error_summary()]
    assert targets == ["id_first_name", "id_voicemail_ok_0"]


def test_only_what_the_call_needs_is_required():
    form = BookingForm(filled())
    assert form.is_valid(), form.errors
    consultation = form.save(commit=False)
    assert consultation.service == Consultation.Service.NOT_SURE
    assert consultation.session_format == Consultation.Format.EITHER
    assert consultation.state_of_residence == ""
    required = {name for name, field in BookingForm().fields.items() if field.required}
    assert required == {"first_name", "last_name", "phone", "email", "voicemail_ok", "consent", "slot", "form_token"}


def test_email_is_required_and_says_why_and_offers_the_phone_instead(site_settings):
    form = BookingForm(filled(email=""), practice=site_settings)
    assert not form.is_valid()
    assert "confirmation" in form.errors["email"][0]
    help_text = str(form.fields["email"].help_text)
    assert "confirmation, a reminder and your private link" in help_text
    assert f'<a href="{site_settings.phone_href}">{site_settings.phone}</a>' in help_text


def test_without_a_practice_phone_the_email_hint_invents_none(site_settings):
    site_settings.phone = ""
    help_text = str(BookingForm(practice=site_settings).fields["email"].help_text)
    assert "Call us" not in help_text
    assert "tel:" not in help_text


def test_the_state_is_asked_only_for_online_sessions():
    in_person = BookingForm(filled(session_format="in_person", state_of_residence="OR"))
    assert in_person.is_valid(), in_person.errors
    assert in_person.cleaned_data["state_of_residence"] == ""
    online = BookingForm(filled(session_format="online", state_of_residence=""))
    assert not online.is_valid()
    assert "state_of_residence" in online.errors
    assert online.more_has_errors  # the fold opens on it
    online_wa = BookingForm(filled(session_format="online", state_of_residence="WA"))
    assert online_wa.is_valid(), online_wa.errors
    assert online_wa.save(commit=False).state_of_residence == "WA"


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


@pytest.mark.parametrize("field", ["first_name", "last_name", "preferred_name", "heard_about"])
@pytest.mark.parametrize(
    "typed",
    [
        "Sam\r\nBcc: someone@example.com",  # a line break, which only a script can send from a one-line field
        "Sam\u2028Lee",  # Unicode's own line separator
        "Sam\tLee",
        "Sam \u202eeeL",  # a right-to-left override, which shows "Sam Lee" while holding "Sam eeL"
    ],
)
def test_one_line_answers_refuse_line_breaks_and_hidden_characters(field, typed):
    form = BookingForm(filled(**{field: typed}))
    assert not form.is_valid()
    assert form.errors[field] == ["Please type this on one line, without special characters."]


def test_the_note_keeps_its_line_breaks_but_not_hidden_characters():
    assert BookingForm(filled(note="Mornings are best.\r\nThank you")).is_valid()
    form = BookingForm(filled(note="Mornings \u202eare best"))
    assert not form.is_valid()
    assert form.errors["note"] == ["Please remove the special characters from this text."]


@pytest.mark.parametrize("name", ["Zoë", "Siobhán O'Brien-Ní Dhuibhir", "محمد", "李小龙", "Nguyễn", "👩‍👩‍👧 Sam"])
def test_names_in_any_script_are_accepted(name):
    form = BookingForm(filled(first_name=name, preferred_name=name))
    assert form.is_valid(), form.errors
