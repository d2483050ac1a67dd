"""Sending one outbox row, at most once."""

import contextlib
import logging
import smtplib
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import mailers
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.utils import timezone

from consultations.events import About, Role, event_messages
from consultations.models import Consultation, Notification
from consultations.outbox.emails import notification_message

log = logging.getLogger(__name__)

# Seconds to wait before each new try at recording a send's outcome after losing the database:
# the first on a fresh connection at once, then over about a failover's length.
RECORD_RETRY_WAITS = (0, 0.5, 1, 2, 4, 8)

# What a failed delivery looks like: the mail server refused, or could not be reached.
DELIVERY_ERRORS = (smtplib.SMTPException, OSError)


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


def notifications_send(*, notification_ids, last_try=False):
    """Send several outbox rows in turn, each as notification_send does, over one connection to the mail server.

    Returns a SendResult per row. A row that fails for a reason of its own (its database connection
    lost meanwhile) is logged and left to the sweeper; the rows after it are still sent.
    """
    mailer = mailers.default
    results = []
    try:
        for notification_id in notification_ids:
            try:
                results.append(notification_send(notification_id=notification_id, last_try=last_try, mailer=mailer))
            except Exception:  # noqa: BLE001 - one row's fault must not hold back the others
                log.exception("Notification %s could not be sent; the sweeper will try it again", notification_id)
                results.append(SendResult("error"))
    finally:
        _close_quietly(mailer)
    return results


def _close_quietly(mailer):
    with contextlib.suppress(*DELIVERY_ERRORS):
        mailer.close()


def notification_send(*, notification_id, last_try=False, mailer=None):
    """Send one outbox row, at most once as far as this site can know.

    Three steps, each its own transaction. The claim marks the row "being sent" for a
    lease (NOTIFICATION_LEASE_SECONDS) and commits before the mail server is contacted,
    so a duplicated or redelivered task finds it claimed and does nothing. The message
    goes out with the Message-ID fixed when the row was written. The outcome is then
    recorded in a short transaction of its own, tried again on a fresh connection when
    the database connection was lost meanwhile, so a message the mail server accepted
    is recorded as sent rather than sent again.

    ``mailer``: a mail connection kept open for the next row (notifications_send); by default, one of its own.
    """
    claimed = _claim(notification_id)
    if isinstance(claimed, SendResult):
        return claimed
    notification, message = claimed
    try:
        if mailer is None:
            message.send()
        else:
            mailer.open()  # opened once, for this row and the next ones
            mailer.send_messages([message])
    except DELIVERY_ERRORS as exc:
        if mailer is not None:
            _close_quietly(mailer)  # the next row starts on a fresh connection
        last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if last_try or notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
            # The id, event and error class only: a refusal quotes the recipient's address.
            log.error(
                "Notification %s (%s) failed for good: %s", notification.pk, notification.event, type(exc).__name__
            )
            _record_outcome(notification, status=Notification.Status.FAILED, last_error=last_error)
            return SendResult(Notification.Status.FAILED)
        retry_in = _backoff_seconds(notification.attempts)
        log.warning(
            "Notification %s (%s) not delivered, retrying in %ss: %s",
            notification.pk,
            notification.event,
            retry_in,
            type(exc).__name__,
        )
        _record_outcome(
            notification,
            status=Notification.Status.PENDING,
            last_error=last_error,
            next_attempt_at=timezone.now() + timedelta(seconds=retry_in),
        )
        return SendResult(Notification.Status.PENDING, retry_in=retry_in)
    except Exception as exc:
        # Not the mail server's answer but a fault in the message itself: it would fail the same way again.
        log.exception("Notification %s could not be sent", notification.pk)
        _record_outcome(
            notification, status=Notification.Status.FAILED, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        return SendResult(Notification.Status.FAILED)
    _record_outcome(notification, status=Notification.Status.SENT, sent_at=timezone.now(), last_error="")
    return SendResult(Notification.Status.SENT)


def _claim(notification_id):
    """Lock the row if it is due, build its message, and mark it being sent; commits before any mail is sent.

    Returns (notification, message), or the SendResult when there is nothing to send.
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
        if notification.status == Notification.Status.SENDING:
            log.warning("Notification %s was left mid-send; sending it again, same Message-ID", notification.pk)
        try:
            message = notification_message(notification)
        except DatabaseError:
            raise  # the database, not the message: the row stays due and is tried again
        except Exception as exc:
            # A message that can't even be built won't build on a retry: fail it for the admin to see.
            log.exception("Notification %s could not be built", notification.pk)
            notification.status = Notification.Status.FAILED
            notification.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            notification.save(update_fields=["attempts", "last_error", "status"])
            return SendResult(notification.status)
        notification.status = Notification.Status.SENDING
        notification.next_attempt_at = now + timedelta(seconds=settings.NOTIFICATION_LEASE_SECONDS)
        notification.save(update_fields=["attempts", "status", "next_attempt_at"])
    return notification, message


def _record_outcome(notification, **fields):
    """Record how the send went, in its own transaction, on a fresh connection if the old one was lost.

    Only the claim this worker holds is updated: if its lease ran out and another worker
    claimed the row meanwhile, that worker records its own outcome. One UPDATE, committed on
    its own (autocommit): no BEGIN and COMMIT around it to send.
    """
    for wait in (*RECORD_RETRY_WAITS, None):
        try:
            Notification.objects.filter(
                pk=notification.pk, status=Notification.Status.SENDING, attempts=notification.attempts
            ).update(**fields)
            return
        except (OperationalError, InterfaceError):
            if wait is None or transaction.get_connection().in_atomic_block:
                raise  # the row stays "being sent" and is sent again, same Message-ID, when its lease ends
            log.warning("Database connection lost recording notification %s; reconnecting", notification.pk)
            transaction.get_connection().close()
            time.sleep(wait)
