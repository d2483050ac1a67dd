from django import forms


class ClinicianFilterForm(forms.Form):
    """The directory's filters, read from the query string. A value it doesn't know is simply ignored."""

    accepting = forms.BooleanField(label="Only show clinicians accepting new clients", required=False)
    service = forms.ChoiceField(label="Therapy for", required=False)
    format = forms.ChoiceField(label="How you meet", required=False)
    specialty = forms.ChoiceField(label="Help with", required=False)

    def __init__(self, data=None, *, facets, **kwargs):
        super().__init__(data, **kwargs)
        # Offer only what at least one clinician has; a filter with nothing to offer is left out.
        choices = {
            "service": [("", "Individuals or couples"), *facets.services] if facets.services else None,
            "format": [("", "In person or online"), *facets.formats] if facets.formats else None,
            "specialty": [("", "Anything"), *facets.specialties] if facets.specialties else None,
        }
        for name, field_choices in choices.items():
            if field_choices is None:
                del self.fields[name]
            else:
                self.fields[name].choices = field_choices
                self.fields[name].widget.attrs["class"] = "form-select"
        if facets.accepting:
            self.fields["accepting"].widget.attrs["class"] = "form-check-input"
        else:
            del self.fields["accepting"]

    def clean_accepting(self):
        # Only what the checkbox itself sends counts; any other value is ignored rather than read as "yes".
        return str(self.data.get("accepting", "")).lower() in ("on", "true", "1", "yes")

    def filters(self):
        """The choices that were understood, {field: value}; unknown or blank ones are left out."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}
