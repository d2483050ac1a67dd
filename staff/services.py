"""What staff security changes: sign-in records kept no longer than needed, backup codes, second-factor resets."""

from auditlog.models import LogEntry
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

BACKUP_CODE_COUNT = 10
BACKUP_DEVICE_NAME = "Backup codes"
# What the audit history shows for a reset: the second factor went from set up to removed.
TWO_FACTOR_RESET_CHANGE = {"second factor": ["set up", "reset: set up again at next sign-in"]}


def signin_records_purge(*, older_than_days=None):
    """Delete sign-in records (usernames, addresses, browsers) older than the retention period; return how many."""
    days = settings.SIGNIN_RECORD_RETENTION_DAYS if older_than_days is None else older_than_days
    return AxesProxyHandler.reset_logs(age_days=days) + AxesProxyHandler.reset_failure_logs(age_days=days)


@transaction.atomic
def backup_codes_replace(*, user):
    """Give ``user`` a new set of single-use backup codes, replacing any earlier set; return the codes.

    Only the returned list ever shows them: show it once, then let it go.
    """
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = set()
    while len(codes) < BACKUP_CODE_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return sorted(codes)


@transaction.atomic
def two_factor_reset(*, user, actor):
    """Remove ``user``'s authenticator app and backup codes so they set up again at their next sign-in.

    Recorded in ``user``'s audit history with ``actor`` as who did it. Only a superuser may do this.
    """
    if not actor.is_superuser:
        raise PermissionError("Only a superuser can reset a colleague's second factor.")
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    return LogEntry.objects.log_create(
        user, action=LogEntry.Action.UPDATE, changes=TWO_FACTOR_RESET_CHANGE, actor=actor, force_log=True
    )
