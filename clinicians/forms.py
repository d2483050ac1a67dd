from django import forms

from clinicians.models import Service, SessionFormat, Specialty


class ClinicianFilterForm(forms.Form):
    """The directory's filters, read from the query string. A value it doesn't know is simply ignored."""

    accepting = forms.BooleanField(label="Only show clinicians accepting new clients", required=False)
    service = forms.ChoiceField(
        label="Therapy for", required=False, choices=[("", "Individuals or couples"), *Service.choices]
    )
    format = forms.ChoiceField(
        label="How you meet", required=False, choices=[("", "In person or online"), *SessionFormat.choices]
    )
    specialty = forms.ChoiceField(label="Help with", required=False)

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["specialty"].choices = [("", "Anything"), *Specialty.objects.values_list("slug", "name")]
        self.fields["accepting"].widget.attrs["class"] = "form-check-input"
        for name in ("service", "format", "specialty"):
            self.fields[name].widget.attrs["class"] = "form-select"

    def clean_accepting(self):
        # Only what the checkbox itself sends counts; any other value is ignored rather than read as "yes".
        return self.data.get("accepting", "").lower() in ("on", "true", "1", "yes")

    def filters(self):
        """The choices that were understood, {field: value}; unknown or blank ones are left out."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}
