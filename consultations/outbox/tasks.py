"""The Celery task that sends one outbox row; beat's jobs live in consultations/tasks.py."""

from celery import shared_task

from consultations.outbox.sending import notification_send, notifications_send


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def send_notification(self, notification_id):
    """Send one outbox row; on a delivery error, try again later as the service says."""
    # Run inline (no broker), there is no one to retry later: one attempt, and a
    # failure shows in the admin for the front desk to resend.
    result = notification_send(notification_id=notification_id, last_try=self.request.is_eager)
    if result.retry_in is not None:
        # The row's attempt count, not the task's, decides when to give up, so a
        # message requeued by the sweeper doesn't get a fresh set of retries.
        raise self.retry(countdown=result.retry_in)
    return result.status


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def send_notifications(self, notification_ids):
    """Send the rows one change wrote, in turn over one mail connection: one task (one publish) per booking.

    A row the mail server turned away for now is tried again later by a task of its own, as above.
    """
    results = notifications_send(notification_ids=notification_ids, last_try=self.request.is_eager)
    for notification_id, result in zip(notification_ids, results, strict=True):
        if result.retry_in is not None:
            send_notification.apply_async((notification_id,), countdown=result.retry_in)
