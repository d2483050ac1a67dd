"""The notification outbox: which messages a change to a consultation produces, and sending them.

Booking services call `notifications_record` inside the same transaction as the
change it reports, so a message can never be lost between the two. Sending
happens later, in a Celery task enqueued after the commit; when the broker is
down at that moment the row simply waits, and the sweeper enqueues it again.
"""

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Q, TextField, Value, When
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerConnectionError

from clinicians.models import Clinician
from consultations.events import CLIENT_CONFIRMATIONS, About, Event, Role, event_messages
from consultations.models import Consultation, ConsultationSettings, Notification
from consultations.outbox.tasks import send_notifications
from consultations.timefmt import day_bounds
from thrive.models import SiteSettings

log = logging.getLogger(__name__)


def _front_desk_email():
    site = SiteSettings.get_solo()
    # An alert with nowhere to go would be lost: fall back to the practice's public address.
    return site.front_desk_email or site.email


def _previous_clinician(consultation):
    """The clinician last told about this call, when the practice has since given it to someone else."""
    last = (
        Notification.objects.filter(consultation=consultation, recipient_role=Role.CLINICIAN, clinician__isnull=False)
        .select_related("clinician")
        .order_by("-pk")
        .first()
    )
    if last is None or last.clinician_id == consultation.clinician_id:
        return None
    return last.clinician


def _previous_starts_at(consultation):
    """The time people were last told this call was at, when it has since moved."""
    last = (
        Notification.objects.filter(consultation=consultation, call_starts_at__isnull=False)
        .exclude(event=Event.REMINDER)
        .order_by("-pk")
        .first()
    )
    if last is None or last.call_starts_at == consultation.starts_at:
        return None
    return last.call_starts_at


def _recipient(role, *, consultation=None, clinician=None):
    """The (email, clinician) a role stands for, or None when there is no one to tell.

    The client is the booking's own address, the front desk the practice's alert address, a clinician
    the ``clinician`` given (the one who had the call before, the one a digest is for) or else the call's.
    """
    if role == Role.CLIENT:
        if not consultation.email or consultation.erased_at:
            return None
        return consultation.email, None
    if role == Role.FRONT_DESK:
        email = _front_desk_email()
        return (email, None) if email else None
    if role == Role.CLINICIAN and clinician is None:
        clinician = consultation.clinician
    if clinician is None or not clinician.alert_email:
        return None
    return clinician.alert_email, clinician


def _dedupe_key(consultation, event, role, clinician):
    """One message per recipient per change: a second call for the same change adds nothing.

    Changes that can happen more than once (a move, a cancellation after a staff
    reinstatement) carry the new time and the moment of the change, so two
    reschedules give two messages. A reminder is once per call time.
    """
    when = consultation.starts_at.isoformat() if consultation.starts_at else "-"
    who = f"{role}:{clinician.pk}" if clinician else role
    if not event_messages(event).repeatable:
        return f"{event}:{consultation.pk}:{who}:{when}"
    changed = (consultation.updated_at or timezone.now()).isoformat()
    return f"{event}:{consultation.pk}:{who}:{when}:{changed}"


def notifications_record(*, consultation, event):
    """Write the outbox rows for this event. Call inside the transaction that makes the change.

    Returns the rows written. Sending is enqueued for after the commit; a row that
    was already written for the same change (a repeated call) is not written twice.
    """
    event = Event(event)
    messages = event_messages(event)
    if messages.about != About.CALL:
        raise ValueError(f"{event} is not about one call: record it with its own function")
    # What the call was before this change, read before this change's rows exist.
    moved = messages.reports_move
    previous_starts_at = _previous_starts_at(consultation) if moved else None
    previous_clinician = _previous_clinician(consultation) if moved else None
    rows = []
    roles = messages.roles
    if messages.client_change and not SiteSettings.get_solo().alert_front_desk_of_client_changes:
        roles = tuple(role for role in roles if role != Role.FRONT_DESK)
    for role in roles:
        given = previous_clinician if role == Role.PREVIOUS_CLINICIAN else None
        recipient = _recipient(role, consultation=consultation, clinician=given)
        if recipient is None:
            continue
        to_email, clinician = recipient
        rows.append(
            Notification(
                consultation=consultation,
                clinician=clinician,
                event=event,
                recipient_role=role,
                to_email=to_email,
                call_starts_at=consultation.starts_at,
                previous_call_starts_at=previous_starts_at,
                previous_clinician=previous_clinician,
                dedupe_key=_dedupe_key(consultation, event, role, clinician)[:200],
            )
        )
    return _write_and_enqueue(rows)


def _message_record(event, *, dedupe_key, consultation=None, clinician=None, **fields):
    """Write the row of an event with one recipient (its role read from `EVENTS`), when there is someone to tell."""
    [role] = event_messages(event).roles
    recipient = _recipient(role, consultation=consultation, clinician=clinician)
    if recipient is None:
        return []
    to_email, recipient_clinician = recipient
    row = Notification(
        event=event,
        recipient_role=role,
        to_email=to_email,
        consultation=consultation,
        clinician=recipient_clinician or clinician,
        dedupe_key=dedupe_key,
        **fields,
    )
    return _write_and_enqueue([row])


def digest_record(*, clinician, day):
    """Write the outbox row for one clinician's list of the calls on ``day``; once per clinician and day."""
    key = f"{Event.DIGEST}:{clinician.pk}:{day.isoformat()}"
    return _message_record(Event.DIGEST, clinician=clinician, digest_date=day, dedupe_key=key)


def privacy_request_alert_record(*, privacy_request):
    """Tell the front desk a privacy request arrived. Call inside the transaction that saves the request."""
    key = f"{Event.PRIVACY_REQUEST}:{privacy_request.pk}"
    return _message_record(Event.PRIVACY_REQUEST, privacy_request=privacy_request, dedupe_key=key)


def private_link_record(*, consultation, now=None):
    """Email the client a fresh private link; at most one an hour per booking, however often it is asked for."""
    key = f"{Event.PRIVATE_LINK}:{consultation.pk}:{(now or timezone.now()):%Y%m%d%H}"
    return _message_record(
        Event.PRIVATE_LINK, consultation=consultation, call_starts_at=consultation.starts_at, dedupe_key=key
    )


def access_code_record(*, access_code):
    """Email the client their one-time code. Call inside the transaction that creates the code."""
    key = f"{Event.ACCESS_CODE}:{access_code.pk}"
    return _message_record(
        Event.ACCESS_CODE, consultation=access_code.consultation, access_code=access_code, dedupe_key=key
    )


def calendar_outage_record(*, calendar):
    """Tell the front desk a clinician's own calendar has stopped working: once per outage (its failing_since)."""
    key = f"{Event.CALENDAR_FAILING}:{calendar.pk}:{calendar.failing_since:%Y%m%dT%H%M%S}"
    return _message_record(Event.CALENDAR_FAILING, clinician=calendar.clinician, dedupe_key=key)


def _write_and_enqueue(rows):
    """Write the rows not written before and enqueue them after the commit; returns the new ones."""
    if not rows:
        return []
    keys = [row.dedupe_key for row in rows]
    # No savepoint: nothing here is caught and carried on from, so a failure fails the caller's transaction.
    with transaction.atomic(savepoint=False):
        existing = _already_written(keys)
        new = [row for row in rows if row.dedupe_key not in existing]
        for row in new:
            row.assign_message_id()  # bulk_create skips save()
        # A repeated call racing this one must never break the change it reports: a row it wrote a moment
        # ago is left as it is (the no-op update) and its id comes back with the others, which costs no
        # second read. Enqueuing that row again is harmless: each row is sent once however often it is enqueued.
        Notification.objects.bulk_create(
            new, update_conflicts=True, unique_fields=["dedupe_key"], update_fields=["dedupe_key"]
        )
        if new:
            transaction.on_commit(partial(notifications_enqueue, [row.pk for row in new]))
    return new


def _already_written(dedupe_keys):
    return set(Notification.objects.filter(dedupe_key__in=dedupe_keys).values_list("dedupe_key", flat=True))


# More than any one change writes (three), so a booking's messages are one task and one publish;
# the sweeper's hundreds are spread over the workers.
ROWS_PER_TASK = 4


def notifications_enqueue(notification_ids):
    """Hand these rows to the workers. Never raises: a row that can't be enqueued waits for the sweeper."""
    notification_ids = list(notification_ids)
    for start in range(0, len(notification_ids), ROWS_PER_TASK):
        batch = notification_ids[start : start + ROWS_PER_TASK]
        try:
            send_notifications.delay(batch)
        except (BrokerConnectionError, OSError):
            # The broker is down: trying the rest would only keep the client waiting longer.
            waiting = notification_ids[start:]
            log.warning("Broker unreachable; notifications %s wait for the sweeper.", waiting, exc_info=True)
            return
        except Exception:  # noqa: BLE001 - whatever goes wrong here must never reach the booking page
            log.exception("Could not enqueue notifications %s; the sweeper will pick them up.", batch)


def notifications_enqueue_waiting(*, consultation):
    """Enqueue the messages of a consultation still waiting to send; a row is sent once however often it is enqueued."""
    waiting = consultation.notifications.filter(status=Notification.Status.PENDING).order_by("pk")
    notifications_enqueue(list(waiting.values_list("pk", flat=True)))


# What the front desk reads on a row the sweeper found left mid-send and sends again.
LEFT_MID_SEND = (
    "The sender stopped or lost the database while sending this message, so it may have been delivered. "
    "It was sent again with the same Message-ID, which most mail systems fold into one."
)


def notifications_requeue_stale(*, older_than=None, limit=500):
    """Enqueue again the rows still waiting a while after they were due, and those left mid-send.

    Waiting rows: a lost task, a broker that was down. Each row's due time moves to now as it
    is enqueued, so while the queue is backed up a row gets one more copy every few minutes,
    not one per sweep. A row still "being sent" past its lease belongs to a worker that died or
    lost the database between claiming it and recording the outcome: it waits again, marked as
    possibly delivered, and goes out again with the same Message-ID. Returns how many.
    """
    older_than = older_than if older_than is not None else timedelta(minutes=settings.NOTIFICATION_STALE_MINUTES)
    now = timezone.now()
    waiting = Q(status=Notification.Status.PENDING, next_attempt_at__lte=now - older_than)
    left_mid_send = Q(status=Notification.Status.SENDING, next_attempt_at__lte=now)
    stale = (
        Notification.objects.filter(waiting | left_mid_send).order_by("next_attempt_at").values_list("pk", flat=True)
    )
    ids = []
    for pk in list(stale[:limit]):
        claimed = Notification.objects.filter(waiting | left_mid_send, pk=pk).update(
            status=Notification.Status.PENDING,
            next_attempt_at=now,
            last_error=Case(
                When(status=Notification.Status.SENDING, then=Value(LEFT_MID_SEND)),
                default=F("last_error"),
                output_field=TextField(),
            ),
        )
        if claimed:
            ids.append(pk)
    if ids:
        log.info("Sweeper re-enqueued %d waiting notification(s).", len(ids))
        notifications_enqueue(ids)
    return len(ids)


def notifications_resend(*, queryset, include_delivered=False):
    """Try messages again from scratch, as the front desk asks in the admin; returns how many.

    Failed and waiting ones always; ones that were or may have been delivered (sent, or left
    being sent) only when the front desk confirmed, having been warned. Each keeps its Message-ID.
    """
    statuses = [Notification.Status.FAILED, Notification.Status.PENDING]
    if include_delivered:
        statuses += Notification.MAY_HAVE_BEEN_DELIVERED
    with transaction.atomic():
        ids = list(queryset.filter(status__in=statuses).values_list("pk", flat=True))
        Notification.objects.filter(pk__in=ids, status__in=statuses).update(
            status=Notification.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        transaction.on_commit(partial(notifications_enqueue, ids))
    return len(ids)


def reminders_record(*, now=None):
    """Write the reminders now due: calls starting within the reminder window, booked before it opened.

    No reminder for a call that is cancelled, for a client without an email, or when
    the client was told the time already inside the window (booked or moved late).
    """
    now = now or timezone.now()
    hours = ConsultationSettings.get_solo().reminder_hours_before
    if not hours:
        return 0
    window = timedelta(hours=hours)
    candidates = (
        Consultation.objects.active()
        .filter(starts_at__gt=now, starts_at__lte=now + window, erased_at__isnull=True)
        .exclude(email="")
        .select_related("clinician")
    )
    written = 0
    for consultation in candidates:
        window_opened = consultation.starts_at - window
        if consultation.created_at > window_opened:
            continue
        told_late = Notification.objects.filter(
            consultation=consultation,
            recipient_role=Role.CLIENT,
            event__in=CLIENT_CONFIRMATIONS,
            call_starts_at=consultation.starts_at,
            created_at__gt=window_opened,
        ).exists()
        already = Notification.objects.filter(
            Q(consultation=consultation, event=Event.REMINDER, call_starts_at=consultation.starts_at)
        ).exists()
        if told_late or already:
            continue
        with transaction.atomic():
            written += len(notifications_record(consultation=consultation, event=Event.REMINDER))
    return written


def digests_record(*, day=None):
    """Write tomorrow's list (or ``day``'s) for each clinician who has calls that day."""
    day = day or timezone.localdate() + timedelta(days=1)
    starts, ends = day_bounds(day)
    clinicians = Clinician.objects.filter(
        pk__in=Consultation.objects.active().filter(starts_at__gte=starts, starts_at__lt=ends).values("clinician")
    )
    written = 0
    for clinician in clinicians:
        with transaction.atomic():
            written += len(digest_record(clinician=clinician, day=day))
    return written
