"""The two-factor pages: the code at each sign-in, connecting an authenticator app the first time, backup codes."""

import base64
import logging
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff.forms import CodeForm, SignInCodeForm
from staff.middleware import two_factor_required
from staff.services import backup_codes_replace

log = logging.getLogger("thrive.signin")


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
    backup_device = StaticDevice.objects.devices_for_user(request.user, confirmed=True).first()
    form = SignInCodeForm(request.POST or None, device=device, backup_device=backup_device)
    if request.method == "POST" and form.is_valid():
        otp_login(request, form.used_device)
        used_backup = form.used_device is backup_device
        log.info(
            "staff two-factor verified",
            extra={"username": request.user.get_username(), "with_backup_code": used_backup},
        )
        return redirect(_next_url(request))
    if request.method == "POST":
        log.warning("staff two-factor code refused", extra={"username": request.user.get_username()})
    return render(
        request,
        "staff/two_factor.html",
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
    # The secret is kept on an unconfirmed device until the first code proves the app has it. Each
    # visit to the page gets a new one, so a secret seen once (over a shoulder, in a shared browser)
    # is useless by the next sign-in; only the code form's own submission checks the shown one.
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first() if request.method == "POST" else None
    if device is None:
        TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=request.user, name="Authenticator app", confirmed=False)
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)
        log.info("staff two-factor set up", extra={"username": request.user.get_username()})
        # Shown in this response only: nothing keeps them where another visit could see them again.
        return _backup_codes_page(request, backup_codes_replace(user=request.user))
    secret = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "next": _next_url(request),
        "qr_code_data_uri": _qr_code_data_uri(device.config_url),
        # Groups of four are easier to type into an app by hand.
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        "title": "Set up your authenticator app",
    }
    return render(request, "staff/two_factor_setup.html", context)


@never_cache
@login_required
def two_factor_backup_codes(request):
    """Make a new set of backup codes (the old set stops working); reached only after the second factor."""
    _staff_only(request)
    # The middleware lets every page under two-factor/ through, this one too: codes made with only the
    # password would be a way round the second factor.
    if two_factor_required(request.user):
        return redirect(f"{reverse('two_factor')}?{urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})}")
    if request.method == "POST":
        log.info("staff backup codes replaced", extra={"username": request.user.get_username()})
        return _backup_codes_page(request, backup_codes_replace(user=request.user))
    device = StaticDevice.objects.devices_for_user(request.user, confirmed=True).first()
    context = {
        "codes_left": device.token_set.count() if device else 0,
        "next": _next_url(request),
        "title": "Backup codes",
    }
    return render(request, "staff/backup_codes.html", context)


def _backup_codes_page(request, codes):
    context = {"codes": codes, "next": _next_url(request), "title": "Your backup codes"}
    return render(request, "staff/backup_codes.html", context)


def _qr_code_data_uri(text):
    """The QR code as an image in the page itself: no request for it ever leaves the page."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()
