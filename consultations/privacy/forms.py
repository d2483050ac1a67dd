"""The public privacy request form, for people without a booking link."""

from django import forms
from phonenumber_field.formfields import PhoneNumberField

from consultations.models import PrivacyRequest
from thrive.forms import VisitorForm


class PrivacyRequestForm(VisitorForm, forms.ModelForm):
    """Ask to see or delete your data, or withdraw consent; the front desk checks it's you, then answers."""

    phone = PhoneNumberField(
        region="US",
        required=False,
        label="Phone number",
        help_text="The number you gave us, if you booked a call. A US number, e.g. 206-555-0123.",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    class Meta:
        model = PrivacyRequest
        fields = ["kind", "full_name", "email", "phone", "details"]
        labels = {
            "kind": "What would you like us to do?",
            "full_name": "Your full name",
            "email": "Email address",
            "details": "Anything that helps us find your records",
        }
        help_texts = {
            "full_name": "The name you gave us.",
            "email": "The address you gave us, if any. We'll answer you here.",
            "details": "For example, roughly when you booked a call. At most 500 characters. Please don't "
            "include health details.",
        }
        widgets = {
            "kind": forms.RadioSelect,
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "details": forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
        }
        error_messages = {
            "kind": {"required": "Choose what you would like us to do."},
            "full_name": {"required": "Enter your full name, so we can find your records."},
            "email": {"invalid": "Enter an email address like name@example.com, or leave it empty."},
            "details": {"max_length": "Keep this to 500 characters or fewer (it has %(show_value)d)."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = PrivacyRequest.Kind.choices
        self.fields["phone"].error_messages["invalid"] = "Enter a phone number like 206-555-0123, or leave it empty."
        for name in ("full_name", "email", "phone", "details"):
            self.fields[name].widget.attrs["class"] = "form-control"

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("email") and not cleaned.get("phone") and "email" not in self.errors:
            self.add_error(
                "email", "Give us an email address or a phone number, so we can check it's you and answer you."
            )
        return cleaned


class PrivateLinkRequestForm(VisitorForm):
    """Ask for a fresh link to your booking, sent to the email address you booked with."""

    email = forms.EmailField(
        label="Email address",
        help_text="The address you gave when you booked. If we have a booking for it, we'll email its link there.",
        error_messages={
            "required": "Enter the email address you booked with.",
            "invalid": "Enter an email address like name@example.com.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "class": "form-control"}),
    )


class AccessCodeForm(forms.Form):
    """The one-time code emailed to the client before they see, download or delete their data."""

    code = forms.RegexField(
        regex=r"^\s*\d(\s*\d){5}\s*$",
        label="The 6-digit code from the email",
        error_messages={
            "required": "Enter the 6-digit code from the email we sent you.",
            "invalid": "Enter the 6 digits from the email we sent you, like 123456.",
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "form-control", "maxlength": 12}
        ),
    )
    after = forms.CharField(required=False, widget=forms.HiddenInput)
