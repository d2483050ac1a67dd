import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from staff.selectors import signin_wait_seconds

# When this session's staff member signed in (seconds since the epoch), for the absolute limit.
SIGNED_IN_AT = "staff_signed_in_at"


def two_factor_required(user):
    """True when this signed-in user must still enter a code from their authenticator app."""
    return (
        settings.REQUIRE_STAFF_2FA
        and user.is_authenticated
        and user.is_staff
        and not (hasattr(user, "is_verified") and user.is_verified())
    )


class StaffSecurityMiddleware:
    """Slow down a username guessed at from many addresses; for signed-in staff, end the session after
    inactivity or after a working day whatever happens, and ask for the second factor before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path == reverse("admin:login"):
            # Before the password is even checked, so a try during the wait neither counts nor succeeds.
            wait = signin_wait_seconds(username=request.POST.get("username", ""), now=timezone.now())
            if wait:
                response = render(request, "staff/signin_slowed.html", {"wait_seconds": wait}, status=429)
                response["Retry-After"] = str(wait)
                return response
        if self._is_staff(request):
            if self._seconds_left(request) <= 0:
                # Past the absolute limit, however active: a stolen session cookie stops working too.
                logout(request)
                return redirect(f"{reverse('admin:login')}?{urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})}")
            self._set_expiry(request)
            if two_factor_required(request.user) and not self._always_allowed(request.path):
                return redirect(f"{reverse('two_factor')}?{urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})}")
        response = self.get_response(request)
        if self._is_staff(request):
            # The sign-in request itself: the user was anonymous when it arrived.
            self._set_expiry(request)
        return response

    @staticmethod
    def _seconds_left(request):
        """Seconds until the absolute limit; the clock starts at the first staff request of the session."""
        signed_in_at = request.session.setdefault(SIGNED_IN_AT, int(time.time()))
        return signed_in_at + settings.STAFF_SESSION_MAX_SECONDS - time.time()

    def _set_expiry(self, request):
        # A sliding expiry: every request restarts the idle clock, never past the absolute limit.
        request.session.set_expiry(max(1, int(min(settings.STAFF_SESSION_IDLE_SECONDS, self._seconds_left(request)))))

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
