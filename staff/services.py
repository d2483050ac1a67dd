"""What staff security changes: sign-in records kept no longer than needed."""

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings


def signin_records_purge(*, older_than_days=None):
    """Delete sign-in records (usernames, addresses, browsers) older than the retention period; return how many."""
    days = settings.SIGNIN_RECORD_RETENTION_DAYS if older_than_days is None else older_than_days
    return AxesProxyHandler.reset_logs(age_days=days) + AxesProxyHandler.reset_failure_logs(age_days=days)
