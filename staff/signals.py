"""A record of staff sign-ins, sign-outs, failures and lock-outs in the log (connected in StaffConfig.ready)."""

import logging

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from thrive.net import client_address

log = logging.getLogger("thrive.signin")


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
