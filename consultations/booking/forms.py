"""The booking and callback forms a visitor fills in, validated on the server field by field."""

import datetime
import secrets

import phonenumbers
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.urls import reverse
from django.utils.html import format_html
from localflavor.us.us_states import US_STATES
from phonenumber_field.formfields import PhoneNumberField

from consultations.models import Consultation
from consultations.scheduling.selectors import parse_slot_key
from thrive.forms import VisitorForm

OUTSIDE_US = "ZZ"
STATE_CHOICES = [
    ("WA", "Washington"),
    *[(code, str(name)) for code, name in US_STATES if code != "WA"],
    (OUTSIDE_US, "I live outside the US"),
]

ONLINE_WASHINGTON_ONLY = (
    "Online sessions are only for people who live in Washington, because our therapists are licensed "
    "in Washington State. You're welcome to choose “In person in Seattle” instead, or call us to talk it over."
)

DAY_CHOICES = [
    ("monday", "Monday"),
    ("tuesday", "Tuesday"),
    ("wednesday", "Wednesday"),
    ("thursday", "Thursday"),
    ("friday", "Friday"),
    ("saturday", "Saturday"),
    ("sunday", "Sunday"),
]
PART_OF_DAY_CHOICES = [
    ("morning", "Morning (before noon)"),
    ("afternoon", "Afternoon (noon to 5 PM)"),
    ("evening", "Evening (after 5 PM)"),
]
# Where each part of the day starts and ends, to offer only those in which the practice takes calls.
PART_OF_DAY_BOUNDS = {
    "morning": (datetime.time(0), datetime.time(12)),
    "afternoon": (datetime.time(12), datetime.time(17)),
    "evening": (datetime.time(17), datetime.time.max),
}


def callback_choices(windows):
    """The days (by weekday number) and parts of the day in which the practice takes calls."""
    days = [choice for number, choice in enumerate(DAY_CHOICES) if any(w[0] == number for w in windows)]
    parts = [
        (key, label)
        for key, label in PART_OF_DAY_CHOICES
        if any(start < PART_OF_DAY_BOUNDS[key][1] and end > PART_OF_DAY_BOUNDS[key][0] for _, start, end in windows)
    ]
    return days, parts


# How each field is named in the error summary at the top of the form.
SUMMARY_NAMES = {
    "slot": "Time",
    "first_name": "First name",
    "last_name": "Last name",
    "preferred_name": "Name to use",
    "phone": "Phone number",
    "email": "Email",
    "voicemail_ok": "Voicemail",
    "service": "What you're looking for",
    "session_format": "How you'd like to meet",
    "state_of_residence": "State",
    "note": "Note",
    "heard_about": "How you heard about us",
    "consent": "Privacy policy",
    "preferred_days": "Days",
    "preferred_times": "Time of day",
}


FICTIONAL_NUMBER = "Numbers from 555-0100 to 555-0199 are kept for films and examples. Enter the number we should call."
PREMIUM_RATE_NUMBER = "We can't call premium-rate numbers. Enter another number we can call."


def uncallable_reason(number):
    """Why we can't call this number: North America's fictional range (555-0100 to 555-0199), or premium rate."""
    if phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.PREMIUM_RATE:
        return PREMIUM_RATE_NUMBER
    if number.country_code == 1:
        national = f"{number.national_number:010d}"
        if national[3:6] == "555" and 100 <= int(national[6:]) <= 199:
            return FICTIONAL_NUMBER
    return None


def new_form_token():
    return secrets.token_urlsafe(32)


class ConsultationRequestForm(VisitorForm, forms.ModelForm):
    """What we need to call someone back: shared by the booking and the callback forms."""

    summary_names = SUMMARY_NAMES

    phone = PhoneNumberField(
        region="US",
        label="Phone number",
        help_text="The number we'll call. A US number, e.g. 206-201-0123.",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    voicemail_ok = forms.TypedChoiceField(
        label="May we leave a voicemail at this number if you don't pick up?",
        choices=[("yes", "Yes, you can leave a message"), ("no", "No, please don't leave a message")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Tell us whether we may leave a voicemail."},
    )
    service = forms.ChoiceField(
        label="What are you looking for?",
        choices=Consultation.Service.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what you're looking for, or “Not sure yet”."},
    )
    session_format = forms.ChoiceField(
        label="How would you like to meet?",
        choices=Consultation.Format.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how you'd like to meet, or “Either”."},
    )
    state_of_residence = forms.ChoiceField(
        label="Which state do you live in?",
        choices=STATE_CHOICES,
        initial="WA",
        help_text="Online sessions are for Washington residents.",
    )
    consent = forms.BooleanField(
        required=True,
        error_messages={"required": "Please agree to the privacy policy so we can keep your details to call you."},
    )
    form_token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    class Meta:
        model = Consultation
        fields = list(Consultation.CLIENT_FIELDS)
        labels = {
            "first_name": "First name",
            "last_name": "Last name",
            "preferred_name": "Name you'd like us to use (optional)",
            "email": "Email (optional)",
            "note": "Anything you'd like us to know before the call? (optional)",
            "heard_about": "How did you hear about us? (optional)",
        }
        help_texts = {
            "email": "We'll send your confirmation and a reminder here. Without an email, you won't get a "
            "confirmation, so please note your time and reference code.",
            "note": "At most 500 characters. Please don't include health details here; "
            "you can talk about anything you like on the call.",
        }
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "preferred_name": forms.TextInput(attrs={"autocomplete": "nickname"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "first_name": {"required": "Enter your first name."},
            "last_name": {"required": "Enter your last name."},
            "email": {"invalid": "Enter an email address like name@example.com, or leave it empty."},
        }

    fieldsets = [
        ("About you", ["first_name", "last_name", "preferred_name"]),
        ("How we reach you", ["phone", "voicemail_ok", "email"]),
        ("What you're looking for", ["service", "session_format", "state_of_residence"]),
        ("Anything else", ["note", "heard_about"]),
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].error_messages["required"] = "Enter the phone number we should call."
        self.fields["phone"].error_messages["invalid"] = "Enter a phone number we can call, like 206-201-0123."
        self.fields["consent"].label = format_html(
            'I agree to the <a href="{}">consumer health data privacy policy</a>: Thrive keeps these details '
            "only to arrange and hold this call.",
            reverse("pages:page_detail", kwargs={"slug": "privacy"}),
        )
        for field in self.fields.values():
            if getattr(field, "max_length", None):
                field.error_messages["max_length"] = (
                    "Please shorten this to %(limit_value)d characters or fewer (it has %(show_value)d)."
                )
            if "invalid_choice" in field.error_messages:
                field.error_messages["invalid_choice"] = "Choose one of the options given."
        self.fields["state_of_residence"].error_messages["invalid_choice"] = "Choose your state from the list."
        if not self.is_bound:
            self.initial.setdefault("form_token", new_form_token())
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(*[Fieldset(legend, *names) for legend, names in self.fieldsets])

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        if phone and (reason := uncallable_reason(phone)):
            raise forms.ValidationError(reason)
        return phone

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("session_format") == Consultation.Format.ONLINE and cleaned.get("state_of_residence") not in (
            None,
            "WA",
        ):
            self.add_error("session_format", ONLINE_WASHINGTON_ONLY)
        return cleaned


class BookingForm(ConsultationRequestForm):
    """Book a time: the request plus the chosen slot (and clinician, when one was chosen)."""

    slot = forms.CharField(max_length=14, error_messages={"required": "Choose a time for your call."})
    clinician = forms.SlugField(required=False, max_length=120)

    def clean_slot(self):
        starts_at = parse_slot_key(self.cleaned_data["slot"])
        if starts_at is None:
            raise forms.ValidationError("That time isn't one we offer. Choose one of the open times.")
        return starts_at


class CallbackForm(ConsultationRequestForm):
    """None of the open times work: when would suit for a call back."""

    preferred_days = forms.MultipleChoiceField(
        label="Which days suit you? (optional)",
        choices=DAY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    preferred_times = forms.MultipleChoiceField(
        label="What time of day suits you? (optional)",
        choices=PART_OF_DAY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    clinician = forms.SlugField(required=False, max_length=120)

    fieldsets = [
        ("When to call you", ["preferred_days", "preferred_times"]),
        *ConsultationRequestForm.fieldsets,
    ]

    class Meta(ConsultationRequestForm.Meta):
        pass

    def __init__(self, *args, windows=None, **kwargs):
        super().__init__(*args, **kwargs)
        # No time is booked yet: the email says we have the request, with a link to see or cancel it.
        self.fields["email"].help_text = "We'll email you that we have your request, with a link to see or cancel it."
        if windows:  # Offer only the days and parts of the day the practice takes calls.
            days, parts = callback_choices(windows)
            self.fields["preferred_days"].choices = days
            self.fields["preferred_times"].choices = parts

    def save(self, commit=True):
        consultation = super().save(commit=False)
        # Stored as words the front desk reads, e.g. "Monday, Friday" and "Morning (9 AM to noon)".
        days, times = dict(DAY_CHOICES), dict(PART_OF_DAY_CHOICES)
        consultation.preferred_days = ", ".join(days[key] for key in self.cleaned_data.get("preferred_days") or [])
        consultation.preferred_times = ", ".join(times[key] for key in self.cleaned_data.get("preferred_times") or [])
        if commit:
            consultation.save()
        return consultation


class RescheduleForm(forms.Form):
    """Pick a new time for an existing call; `current` guards against using the same link twice."""

    slot = forms.CharField(max_length=14, error_messages={"required": "Choose a new time for your call."})
    current = forms.CharField(max_length=14)

    def clean_slot(self):
        starts_at = parse_slot_key(self.cleaned_data["slot"])
        if starts_at is None:
            raise forms.ValidationError("That time isn't one we offer. Choose one of the open times.")
        return starts_at
