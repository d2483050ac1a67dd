"""Sign-in checks for staff: django-axes counts failed sign-ins and locks out after AXES_FAILURE_LIMIT."""

from axes.backends import AxesStandaloneBackend

from thrive.net import client_address


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
