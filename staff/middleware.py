from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import redirect
from django.urls import reverse


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
