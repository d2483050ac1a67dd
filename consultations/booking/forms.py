"""The booking and callback forms a visitor fills in, validated on the server field by field."""

import datetime
import secrets

import phonenumbers
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout
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
        help_text="A US number, e.g. 206-201-0123.",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    voicemail_ok = forms.TypedChoiceField(
        label="May we leave a voicemail at this number if you don't pick up?",
        choices=[("yes", "Yes, you can leave a message"), ("no", "No, please don't leave a message")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Tell us whether we may leave a voicemail."},
    )
    # Optional: left empty, they are stored as "Not sure yet" and "Either", which the call then settles.
    service = forms.ChoiceField(
        label="What are you looking for?",
        choices=Consultation.Service.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    session_format = forms.ChoiceField(
        label="How would you like to meet?",
        choices=Consultation.Format.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    # Asked only of people who want online sessions (see clean); booking.js hides it for everyone else.
    state_of_residence = forms.ChoiceField(
        label="Which state do you live in?",
        choices=STATE_CHOICES,
        initial="WA",
        required=False,
        help_text="Only if you'd like to meet online: online sessions are for Washington residents.",
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
            "preferred_name": "Name you'd like us to use",
            "email": "Email",
            "note": "Anything you'd like us to know before the call?",
            "heard_about": "How did you hear about us?",
        }
        help_texts = {
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
            "email": {
                "required": "Enter your email address: your confirmation and private link come by email.",
                "invalid": "Enter an email address like name@example.com.",
            },
        }

    # Only what the call needs is asked up front; the rest is folded under "Tell us a little more (optional)".
    fieldsets = [
        ("About you", ["first_name", "last_name"]),
        ("How we reach you", ["phone", "email", "voicemail_ok"]),
    ]
    more_fields = ["preferred_name", "service", "session_format", "state_of_residence", "note", "heard_about"]
    email_help = "Your confirmation, a reminder and your private link to change the call come by email."

    def __init__(self, *args, practice=None, **kwargs):
        """``practice``: the site settings, whose phone number is offered to people who won't give an email."""
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = self._email_help(practice)
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
        self.helper.layout = Layout(*[Fieldset(legend, *self._layout_of(names)) for legend, names in self.fieldsets])

    @staticmethod
    def _layout_of(names):
        """First and last name share a row; every other field has its own."""
        if names[:2] == ["first_name", "last_name"]:
            return [Div("first_name", "last_name", css_class="booking-names"), *names[2:]]
        return names

    def _email_help(self, practice):
        if practice is None or not practice.phone:
            return self.email_help
        return format_html(
            '{} No email? Call us on <a href="{}">{}</a> instead.',
            self.email_help,
            practice.phone_href,
            practice.phone,
        )

    @property
    def more(self):
        """The optional questions, as bound fields for the fold."""
        return [self[name] for name in self.more_fields]

    @property
    def more_has_errors(self):
        """An error inside the fold opens it, so nobody has to hunt for what to fix."""
        return any(name in self.errors for name in self.more_fields)

    def clean_service(self):
        return self.cleaned_data.get("service") or Consultation.Service.NOT_SURE

    def clean_session_format(self):
        return self.cleaned_data.get("session_format") or Consultation.Format.EITHER

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        if phone and (reason := uncallable_reason(phone)):
            raise forms.ValidationError(reason)
        return phone

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("session_format") != Consultation.Format.ONLINE:
            cleaned["state_of_residence"] = ""  # only asked for online sessions: not kept otherwise
        elif "state_of_residence" in cleaned and not cleaned["state_of_residence"]:
            self.add_error("state_of_residence", "Choose the state you live in: online sessions are for Washington.")
        elif cleaned.get("state_of_residence") not in (None, "WA"):
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

    # No time is booked yet: the email says we have the request, with a link to see or cancel it.
    email_help = "We'll email you that we have your request, with a link to see or cancel it."

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
