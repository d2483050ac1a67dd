from django import forms


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Six-digit code",
        min_length=6,
        max_length=6,
        help_text="The code your authenticator app shows for Thrive for the People.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]{6}", "autofocus": True}
        ),
        error_messages={
            "required": "Enter the six-digit code from your authenticator app.",
            "min_length": "The code has six digits.",
            "max_length": "The code has six digits.",
        },
    )

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not code.isdigit():
            raise forms.ValidationError("The code has only digits.")
        allowed, _ = self.device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError("Too many wrong codes in a row. Wait a minute, then try the newest code.")
        if not self.device.verify_token(code):
            raise forms.ValidationError("That code didn't match. Codes change every 30 seconds: try the newest one.")
        return code
