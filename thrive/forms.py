"""What every form the public fills in shares: a honeypot for bots and an error summary to start from."""

from django import forms


class VisitorForm(forms.Form):
    """Mix in first: `class BookingForm(VisitorForm, forms.ModelForm)`.

    Set `summary_names` to start each summary message with the field's name ("Phone number: …"),
    which helps when the summary is read away from the field.
    """

    # People never see this field; bots that fill in everything do.
    website = forms.CharField(required=False, max_length=200, label="Leave this empty")

    summary_names = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    @property
    def is_bot(self):
        return bool(self.data.get("website"))

    def error_summary(self):
        """The errors as (field id, message) pairs for the summary at the top of the page."""
        summary = []
        for name, errors in self.errors.items():
            if name not in self.fields:
                summary.extend(("", error) for error in errors)
                continue
            bound = self[name]
            # Radio buttons and other multi-widget fields have no single id: point at the first choice.
            target = bound.id_for_label or f"{bound.auto_id}_0"
            if self.summary_names is None:
                summary.extend((target, error) for error in errors)
            else:
                label = self.summary_names.get(name, name.replace("_", " ").capitalize())
                summary.extend((target, f"{label}: {error}") for error in errors)
        return summary
