"""What every form the public fills in shares: a honeypot for bots, typed text kept printable, an error summary."""

import unicodedata

from django import forms

# Marks that reorder the text around them (bidirectional embeddings, overrides and isolates). In a name they
# make it read one way in the admin, the emails and the CSV export and another way as it was typed.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
ONE_LINE_ONLY = "Please type this on one line, without special characters."
NO_HIDDEN_CHARACTERS = "Please remove the special characters from this text."


def _hidden_characters_validator(*, multiline):
    """Refuse control characters and bidi controls; a one-line answer also refuses line breaks of any kind."""
    # Nobody can type a line break into a one-line field, only a script can send one, and it would break the
    # line a name is shown on (an email's greeting, the admin's list); the admin's own one-line field would
    # also drop it silently the next time the front desk saved the call.
    allowed = "\r\n\t" if multiline else ""
    message = NO_HIDDEN_CHARACTERS if multiline else ONE_LINE_ONLY

    def validate(value):
        if not isinstance(value, str):
            return
        for char in value:
            category = unicodedata.category(char)
            hidden = category == "Cc" or char in BIDI_CONTROLS or (not multiline and category in ("Zl", "Zp"))
            if hidden and char not in allowed:
                raise forms.ValidationError(message, code="hidden_characters")

    return validate


# Made once: every public form's text fields share them.
one_line_text = _hidden_characters_validator(multiline=False)
free_text = _hidden_characters_validator(multiline=True)


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
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and isinstance(field.widget, forms.TextInput | forms.Textarea):
                field.validators.append(free_text if isinstance(field.widget, forms.Textarea) else one_line_text)

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
