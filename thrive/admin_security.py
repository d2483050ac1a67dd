"""Protection for staff sign-in: lock-outs, two-factor codes, idle timeouts, and a record of sign-ins.

Visitors never sign in; everything here concerns staff using the admin.

- django-axes counts failed sign-ins (``SignInGuardBackend``) and locks out a username or an address
  after ``AXES_FAILURE_LIMIT`` failures. An admin unlocks by deleting the "access attempts" in the admin.
- With ``REQUIRE_STAFF_2FA`` on (the default unless DEBUG), a signed-in staff member must also enter a
  six-digit code from an authenticator app before anything else; the first time, they set the app up.
- A staff session ends after ``STAFF_SESSION_IDLE_SECONDS`` without a request.
"""

import base64
import logging
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from axes.backends import AxesStandaloneBackend
from axes.signals import user_locked_out
from django import forms
from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from thrive.net import client_address

log = logging.getLogger("thrive.signin")

MASKED = "[hidden]"


class SignInGuardBackend(AxesStandaloneBackend):
    """django-axes' check before each sign-in, for sign-ins that come from a web request.

    Every sign-in form passes the request. Code that authenticates without one (the test client's
    ``login()``, a management command) is not someone guessing passwords over the web, so the
    check is skipped rather than failing; Django's ModelBackend still checks the password.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def axes_client_address(request):
    """The address django-axes counts failures against: the same one the rate limits use."""
    return client_address(request)


def mask_personal_value(value):
    """How auditlog shows a personal field's old and new value: that it changed, never what it was."""
    return MASKED if value not in ("", "None") else value


def audit_record_update(*, instance, changes):
    """Add a change made with ``QuerySet.update()`` (which auditlog never sees) to the instance's audit history.

    ``changes`` maps a field name to its ``(old, new)`` values; the actor is the signed-in staff member
    of the current request, as for every other entry.
    """
    from auditlog.models import LogEntry

    return LogEntry.objects.log_create(
        instance,
        action=LogEntry.Action.UPDATE,
        changes={field: [str(old), str(new)] for field, (old, new) in changes.items()},
    )


# -- Sign-in record ------------------------------------------------------------


@receiver(user_logged_in, dispatch_uid="thrive-signin-logged-in")
def _log_signed_in(sender, request, user, **kwargs):
    log.info("staff signed in", extra={"username": user.get_username(), "address": _address(request)})


@receiver(user_logged_out, dispatch_uid="thrive-signin-logged-out")
def _log_signed_out(sender, request, user, **kwargs):
    if user is not None:
        log.info("staff signed out", extra={"username": user.get_username(), "address": _address(request)})


@receiver(user_login_failed, dispatch_uid="thrive-signin-failed")
def _log_sign_in_failed(sender, credentials, request=None, **kwargs):
    # Django has already replaced the password with stars; only the username is kept.
    log.warning(
        "staff sign-in failed", extra={"username": credentials.get("username", ""), "address": _address(request)}
    )


@receiver(user_locked_out, dispatch_uid="thrive-signin-locked-out")
def _log_locked_out(sender, request, username=None, ip_address=None, **kwargs):
    log.warning("staff sign-in locked out", extra={"username": username or "", "address": ip_address or ""})


def _address(request):
    return client_address(request) if request is not None else ""


# -- Middleware ------------------------------------------------------------------


def two_factor_required(user):
    """True when this signed-in user must still enter a code from their authenticator app."""
    return (
        settings.REQUIRE_STAFF_2FA
        and user.is_authenticated
        and user.is_staff
        and not (hasattr(user, "is_verified") and user.is_verified())
    )


class StaffSecurityMiddleware:
    """For signed-in staff: end the session after inactivity, and ask for the second factor before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._is_staff(request):
            # A sliding expiry: every request restarts the idle clock.
            request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
            if two_factor_required(request.user) and not self._always_allowed(request.path):
                return redirect(f"{reverse('two_factor')}?{urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})}")
        response = self.get_response(request)
        if self._is_staff(request):
            # The sign-in request itself: the user was anonymous when it arrived.
            request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
        return response

    @staticmethod
    def _is_staff(request):
        user = getattr(request, "user", None)
        return user is not None and user.is_authenticated and user.is_staff

    @staticmethod
    def _always_allowed(path):
        allowed = (
            reverse("two_factor"),
            reverse("two_factor_setup"),
            reverse("admin:logout"),
            reverse("admin:login"),
            settings.STATIC_URL,
            "/healthz",
        )
        return path.startswith(allowed)


# -- Two-factor views ---------------------------------------------------------------


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


def _next_url(request):
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("admin:index")


def _staff_only(request):
    if not request.user.is_staff:
        raise PermissionDenied


@sensitive_post_parameters("code")
@never_cache
@login_required
def two_factor(request):
    """Ask a signed-in staff member for the code from their authenticator app."""
    _staff_only(request)
    device = TOTPDevice.objects.devices_for_user(request.user, confirmed=True).first()
    if device is None:
        return redirect(f"{reverse('two_factor_setup')}?{urlencode({REDIRECT_FIELD_NAME: _next_url(request)})}")
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        otp_login(request, device)
        log.info("staff two-factor verified", extra={"username": request.user.get_username()})
        return redirect(_next_url(request))
    if request.method == "POST":
        log.warning("staff two-factor code refused", extra={"username": request.user.get_username()})
    return render(
        request,
        "admin_security/two_factor.html",
        {"form": form, "next": _next_url(request), "title": "Enter your code"},
    )


@sensitive_post_parameters("code")
@never_cache
@login_required
def two_factor_setup(request):
    """Connect an authenticator app to a staff account that has none yet."""
    _staff_only(request)
    if TOTPDevice.objects.devices_for_user(request.user, confirmed=True).exists():
        return redirect(f"{reverse('two_factor')}?{urlencode({REDIRECT_FIELD_NAME: _next_url(request)})}")
    # The secret is kept on an unconfirmed device until the first code proves the app has it.
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="Authenticator app", confirmed=False)
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)
        log.info("staff two-factor set up", extra={"username": request.user.get_username()})
        return redirect(_next_url(request))
    secret = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "next": _next_url(request),
        "qr_code_data_uri": _qr_code_data_uri(device.config_url),
        # Groups of four are easier to type into an app by hand.
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        "title": "Set up your authenticator app",
    }
    return render(request, "admin_security/two_factor_setup.html", context)


def _qr_code_data_uri(text):
    """The QR code as an image in the page itself: no request for it ever leaves the page."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()


def admin_security_urls():
    """The two-factor pages, which live beside the admin at ADMIN_URL."""
    return [
        path(f"{settings.ADMIN_URL}two-factor/", two_factor, name="two_factor"),
        path(f"{settings.ADMIN_URL}two-factor/setup/", two_factor_setup, name="two_factor_setup"),
    ]
