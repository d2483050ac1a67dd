"""The outbox: every message the site sends, written in the same transaction as the change it reports."""

import hashlib
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from clinicians.models import Clinician
from consultations import events
from consultations.models.consultation import Consultation


class NotificationQuerySet(models.QuerySet):
    def due(self, now=None):
        """Messages to send now: waiting ones whose next attempt is due, and ones whose sender's lease ran out.

        A row left "being sent" past its lease belongs to a worker that died (or lost the
        database) during the SMTP conversation: it is sent again, with the same Message-ID.
        """
        return self.filter(
            status__in=[Notification.Status.PENDING, Notification.Status.SENDING],
            next_attempt_at__lte=now or timezone.now(),
        )


def about(model, *, help_text=""):
    """A message's link to what it is about: empty on messages about something else, and gone with it."""
    return models.ForeignKey(
        model, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications", help_text=help_text
    )


class Notification(models.Model):
    """The outbox: one message to one recipient about one event, written with the change it reports."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to send"
        SENDING = "sending", "Being sent (may have been sent)"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Not needed any more"

    # The kinds of message and who they go to, each described once with what it sends: consultations/events.py.
    Event = events.Event
    Role = events.Role

    # A message in one of these may be in someone's inbox already: sending it again asks first.
    MAY_HAVE_BEEN_DELIVERED = [Status.SENT, Status.SENDING]

    consultation = about(Consultation)
    clinician = about(Clinician, help_text="The clinician a staff message or daily list is for.")
    event = models.CharField(max_length=40, choices=Event, help_text="What happened that this message is about.")
    recipient_role = models.CharField(
        max_length=20, choices=Role, help_text="Who the message is for: the client, a clinician or the front desk."
    )
    to_email = models.EmailField()
    dedupe_key = models.CharField(max_length=200, unique=True, editable=False)
    message_id = models.CharField(
        "Message-ID",
        max_length=255,
        editable=False,
        blank=True,
        help_text="The email's own id, the same on every try, so a copy sent twice is folded by mail systems.",
    )
    call_starts_at = models.DateTimeField(
        null=True, blank=True, help_text="The call's time when the message was written (messages say this time)."
    )
    previous_call_starts_at = models.DateTimeField(
        null=True, blank=True, help_text="For a moved call: the time it was at before, as the message says."
    )
    previous_clinician = models.ForeignKey(
        Clinician,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="For a call given to another clinician: who had it before.",
    )
    digest_date = models.DateField(null=True, blank=True, help_text="Daily lists: the day the list is for.")
    privacy_request = about("PrivacyRequest", help_text="For a privacy request alert: the request it is about.")
    access_code = about(
        "DataAccessCode", help_text="For a one-time code: the code it carries (never stored in readable form)."
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(
        default=timezone.now,
        help_text="When the message is next due to be tried, if it is still waiting; while it is being sent, "
        "when the sender's time runs out and it is tried again.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The sweeper looks for waiting messages by when they were due.
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="notification_pending_due"),
        ]

    def __str__(self):
        return f"{self.event} to {self.recipient_role}"

    def save(self, *args, **kwargs):
        self.assign_message_id()
        super().save(*args, **kwargs)

    def assign_message_id(self):
        """Fix the Message-ID from the row's unique key, on the site's domain, once, before the row is written."""
        if not self.message_id:
            self.message_id = notification_message_id(self.dedupe_key)


def notification_message_id(dedupe_key):
    """The Message-ID for the outbox row with this key: unique per row, revealing nothing about it."""
    digest = hashlib.sha256(dedupe_key.encode()).hexdigest()[:32]
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<notification.{digest}@{domain}>"
