"""Celery tasks for consultations: thin wrappers that fetch by id and call a service."""

from celery import shared_task

from consultations import notifications


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def send_notification(self, notification_id):
    """Send one outbox row; on a delivery error, try again later as the service says."""
    # Run inline (no broker), there is no one to retry later: one attempt, and a
    # failure shows in the admin for the front desk to resend.
    result = notifications.notification_send(notification_id=notification_id, last_try=self.request.is_eager)
    if result.retry_in is not None:
        # The row's attempt count, not the task's, decides when to give up, so a
        # message requeued by the sweeper doesn't get a fresh set of retries.
        raise self.retry(countdown=result.retry_in)
    return result.status


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
    from consultations.privacy import consultations_erase_expired

    return consultations_erase_expired()
