"""Beat's scheduled jobs for staff security: thin wrappers that call a service."""

from celery import shared_task

from staff.services import signin_records_purge


@shared_task
def purge_old_signin_records():
    """Beat, daily: delete django-axes' sign-in records older than SIGNIN_RECORD_RETENTION_DAYS."""
    return signin_records_purge()
