"""Sending one outbox row, at most once."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from consultations.models import Consultation, Notification
from consultations.outbox.emails import notification_message
from consultations.outbox.events import DELIVERY_ERRORS, About, Role, event_messages

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SendResult:
    status: str
    retry_in: float | None = None


def _backoff_seconds(attempts):
    """Exponential: base, 2×base, 4×base, …, kept well inside the broker's visibility timeout."""
    base = settings.NOTIFICATION_RETRY_BASE_SECONDS
    return min(base * 2 ** (attempts - 1), settings.NOTIFICATION_RETRY_MAX_SECONDS)


def _still_wanted(notification, now):
    """False for a message that would now say something untrue or reach someone whose details were erased."""
    consultation = notification.consultation
    messages = event_messages(notification.event)
    if messages.about in (About.DAY, About.CALENDAR):
        return True
    if messages.about == About.PRIVACY_REQUEST:
        return notification.privacy_request_id is not None
    if consultation is None:
        return False
    if notification.recipient_role == Role.CLIENT:
        if consultation.erased_at or not consultation.email:
            return False
        # A reminder's own rule (below) covers it once the call is cancelled.
        cancelled = consultation.status == Consultation.Status.CANCELLED
        if cancelled and messages.confirms_time:
            return False
        # Moved again since this was written: the newer message (and its calendar file) has the right time.
        if messages.confirms_time and consultation.starts_at != notification.call_starts_at:
            return False
    if messages.only_before_call:
        return (
            consultation.status != Consultation.Status.CANCELLED
            and consultation.starts_at == notification.call_starts_at
            and consultation.starts_at is not None
            and consultation.starts_at > now
        )
    return True


def notification_send(*, notification_id, last_try=False):
    """Send one outbox row, at most once.

    The row is claimed with a row lock (SKIP LOCKED) and marked sent in the same
    transaction, so a duplicated or redelivered task finds it sent, or locked by
    the worker sending it, and does nothing. A delivery error is recorded and the
    result says when to try again; after the last attempt the row is marked failed.
    """
    now = timezone.now()
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("consultation__clinician", "clinician", "previous_clinician")
            # A second of slack: a retry fires by the same clock that set its due time.
            .filter(pk=notification_id)
            .due(now + timedelta(seconds=1))
            .first()
        )
        if notification is None:
            return SendResult("nothing to do")
        if not _still_wanted(notification, now):
            notification.status = Notification.Status.SKIPPED
            notification.save(update_fields=["status"])
            return SendResult(notification.status)

        notification.attempts += 1
        try:
            notification_message(notification).send()
        except DELIVERY_ERRORS as exc:
            notification.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if last_try or notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
                notification.status = Notification.Status.FAILED
                # The id, event and error class only: a refusal quotes the recipient's address.
                log.error(
                    "Notification %s (%s) failed for good: %s", notification.pk, notification.event, type(exc).__name__
                )
                notification.save(update_fields=["attempts", "last_error", "status"])
                return SendResult(notification.status)
            retry_in = _backoff_seconds(notification.attempts)
            notification.next_attempt_at = now + timedelta(seconds=retry_in)
            log.warning(
                "Notification %s (%s) not delivered, retrying in %ss: %s",
                notification.pk,
                notification.event,
                retry_in,
                type(exc).__name__,
            )
            notification.save(update_fields=["attempts", "last_error", "next_attempt_at"])
            return SendResult(notification.status, retry_in=retry_in)
        except Exception as exc:
            # A message that can't even be built won't build on a retry: fail it for the admin to see.
            log.exception("Notification %s could not be built", notification.pk)
            notification.status = Notification.Status.FAILED
            notification.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            notification.save(update_fields=["attempts", "last_error", "status"])
            return SendResult(notification.status)

        notification.status = Notification.Status.SENT
        notification.sent_at = timezone.now()
        notification.last_error = ""
        notification.save(update_fields=["attempts", "status", "sent_at", "last_error"])
        return SendResult(notification.status)
