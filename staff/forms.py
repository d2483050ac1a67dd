from django import forms


def _verify(device, code, *, too_many, no_match):
    """Check a code against a staff member's device, within the device's limit on wrong tries."""
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        raise forms.ValidationError(too_many)
    if not device.verify_token(code):
        raise forms.ValidationError(no_match)


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
        _verify(
            self.device,
            code,
            too_many="Too many wrong codes in a row. Wait a minute, then try the newest code.",
            no_match="That code didn't match. Codes change every 30 seconds: try the newest one.",
        )
        return code


class SignInCodeForm(CodeForm):
    """The code at each sign-in: from the authenticator app, or one of the staff member's backup codes."""

    code = forms.CharField(
        label="Six-digit code or backup code",
        min_length=6,
        max_length=16,
        help_text="The code your authenticator app shows for Thrive for the People. Lost your phone? Enter one of "
        "your backup codes instead; each works once.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}),
        error_messages={
            "required": "Enter the six-digit code from your authenticator app, or a backup code.",
            "min_length": "The code has six digits; a backup code has eight letters and digits.",
            "max_length": "The code has six digits; a backup code has eight letters and digits.",
        },
    )

    def __init__(self, *args, backup_device=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.backup_device = backup_device
        self.used_device = None

    def clean_code(self):
        code = self.cleaned_data["code"].strip().replace(" ", "").lower()
        if code.isdigit() and len(code) == 6:
            self.cleaned_data["code"] = code
            code = super().clean_code()
            self.used_device = self.device
            return code
        if self.backup_device is None:
            raise forms.ValidationError("That isn't a backup code you have. Try the code from your authenticator app.")
        _verify(
            self.backup_device,
            code,
            too_many="Too many wrong codes in a row. Wait a minute, then try again.",
            no_match="That backup code didn't match, or it has been used already.",
        )
        self.used_device = self.backup_device
        return code
