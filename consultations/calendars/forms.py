"""The form for a clinician's own calendar: its secret address is taken in, and never shown again."""

from urllib.parse import urlsplit, urlunsplit

from django import forms
from django.conf import settings

from consultations.models import ExternalCalendar

ADDRESS_HELP = (
    "The calendar's secret address in iCal format. Google Calendar: Settings › your calendar › "
    "“Secret address in iCal format”. Outlook: Settings › Calendar › Shared calendars › Publish a calendar › "
    "“ICS” link. Apple iCloud: share the calendar as a public calendar and copy its link. "
    "It starts with https:// (or webcal://). Once saved it is stored encrypted and never shown again."
)


class ExternalCalendarForm(forms.ModelForm):
    address = forms.CharField(
        max_length=2000,
        required=False,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "size": 60}),
        help_text=ADDRESS_HELP,
    )

    class Meta:
        model = ExternalCalendar
        fields = ["clinician", "name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["address"].label = "New address"
            self.fields["address"].help_text = (
                f"Saved: {self.instance.address_hint}. Leave empty to keep it; paste a new one to replace it. "
                + ADDRESS_HELP
            )
        else:
            self.fields["address"].required = True

    def clean_address(self):
        address = self.cleaned_data["address"]
        if not address:
            return ""
        parts = urlsplit(address)
        if parts.scheme.lower() == "webcal":
            # Apple and Outlook hand out webcal:// links: the same address over https.
            parts = parts._replace(scheme="https")
        local_http = settings.CALENDAR_FETCH_ALLOW_LOOPBACK and parts.scheme.lower() == "http"
        if parts.scheme.lower() != "https" and not local_http:
            raise forms.ValidationError("Enter the address that starts with https:// (or webcal://).")
        if not parts.hostname:
            raise forms.ValidationError("That is not a whole address: copy it again from your calendar app.")
        return urlunsplit(parts)

    def save(self, commit=True):
        if self.cleaned_data.get("address"):
            self.instance.address = self.cleaned_data["address"]
            # A new address starts over: the old one's state says nothing about it.
            self.instance.last_error = ""
            self.instance.failing_since = None
        return super().save(commit=commit)
