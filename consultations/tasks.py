"""Beat's scheduled jobs for consultations: thin wrappers that call a service."""

from celery import shared_task

from consultations.calendars.services import external_calendars_sync
from consultations.outbox import services as notifications
from consultations.privacy.services import consultations_erase_expired


@shared_task
def requeue_stale_notifications():
    """Beat: enqueue again messages still waiting a few minutes after they were due."""
    return notifications.notifications_requeue_stale()


@shared_task
def record_due_reminders():
    """Beat: write (and so send) the reminders whose time has come."""
    return notifications.reminders_record()


@shared_task
def record_daily_digests():
    """Beat: write each clinician's list of tomorrow's calls."""
    return notifications.digests_record()


@shared_task
def erase_expired_personal_data():
    """Beat, daily: erase the personal details of consultations past the retention period."""
    return consultations_erase_expired()


@shared_task
def sync_external_calendars():
    """Beat, every few minutes: read clinicians' own calendars for the times they are busy."""
    return {calendar.pk: error for calendar, error in external_calendars_sync().items()}
