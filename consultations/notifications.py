"""The notification outbox: which messages a change to a consultation produces.

Booking services call `notifications_record` inside the same transaction as the
change it reports, so a message can never be lost between the two. Sending
happens later, in a Celery task enqueued after the commit.
"""

from django.db import models


class Event(models.TextChoices):
    BOOKED = "booked", "New booking"
    CALLBACK_REQUESTED = "callback_requested", "Callback request"
    RESCHEDULED = "rescheduled", "Rescheduled by the client"
    CANCELLED = "cancelled", "Cancelled by the client"
    PRACTICE_CANCELLED = "practice_cancelled", "Cancelled by the practice"
    PRACTICE_MOVED = "practice_moved", "Moved by the practice"
    REMINDER = "reminder", "Reminder"
    DIGEST = "digest", "Daily digest"


def notifications_record(*, consultation, event):
    """Write the outbox rows for this event. Call inside the transaction that makes the change."""
    # The notifications work (issue 5) fills this in: recipients, dedupe keys,
    # and enqueueing the send task with transaction.on_commit.
    return []
