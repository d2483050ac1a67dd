"""Consumer health data rights and retention, as Washington's My Health My Data Act asks.

- ``consultation_personal_data`` gathers everything held about the person behind a booking.
- ``consultation_erase_personal_data`` erases it, from every table and the change history too,
  keeping only an anonymous record (date, status, clinician) so calls can still be counted.
- ``consultations_erase_expired`` does that for every consultation that ended or was cancelled
  ``ConsultationSettings.retention_days`` ago; a daily Celery task calls it.
- ``privacy_request_create`` and friends serve people who have no booking link.
"""

import logging
from contextlib import suppress
from datetime import timedelta
from importlib import import_module

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from localflavor.us.us_states import US_STATES

from consultations.booking.services import NotChangeable, consultation_cancel
from consultations.models import Consultation, ConsultationSettings, DataAccessCode, Notification, PrivacyRequest
from consultations.models.consultation import new_link_secret
from consultations.outbox.services import access_code_record, privacy_request_alert_record, private_link_record
from staff.audit import EXPORTED
from thrive.phones import phone_written

log = logging.getLogger(__name__)

# What erasing writes over each personal field. Every other field of Consultation is anonymous
# (see ANONYMOUS_FIELDS); a test checks that each field is in exactly one of the two.
ERASED_VALUES = {
    "first_name": "",
    "last_name": "",
    "preferred_name": "",
    "phone": "",
    "email": "",
    "voicemail_ok": False,
    "state_of_residence": "",
    "note": "",
    "heard_about": "",
    "preferred_days": "",
    "preferred_times": "",
    "internal_notes": "",
    "form_token": None,
    # A new secret: every private link to the booking stops working.
    "link_secret": new_link_secret,
    # It ties this call to another one made with the same phone or email.
    "possible_duplicate_of": None,
}
ANONYMOUS_FIELDS = {
    "id",
    "reference",
    "clinician",
    "starts_at",
    "status",
    "service",
    "session_format",
    "booked_via",
    "cancelled_by",
    "consented_at",
    "consent_policy_version",
    "consent_policy",
    "created_at",
    "updated_at",
    "cancelled_at",
    "erased_at",
}

# What the client told us, labelled as they would say it, in the order the booking form asks.
CLIENT_LABELS = {
    "first_name": "First name",
    "last_name": "Last name",
    "preferred_name": "Name you'd like us to use",
    "phone": "Phone",
    "email": "Email",
    "voicemail_ok": "OK to leave a voicemail",
    "service": "What you're looking for",
    "session_format": "In person or online",
    "state_of_residence": "State you live in",
    "note": "Your note to us",
    "heard_about": "How you heard of us",
    "preferred_days": "Days that suit you for a call back",
    "preferred_times": "Times that suit you for a call back",
}

# The law allows 45 days to answer a request.
PRIVACY_REQUEST_DAYS = 45
# A request never verified or answered is closed, and the asker's details purged, this long after
# it arrived: the 45 days, the 45-day extension the law allows, and a margin for a late reply.
UNANSWERED_PRIVACY_REQUEST_DAYS = PRIVACY_REQUEST_DAYS + 45 + 30


class Reason:
    CLIENT_REQUEST = "client request"
    PRIVACY_REQUEST = "privacy request"
    RETENTION = "retention"


# -- Access ----------------------------------------------------------------------


def consultation_personal_data(*, consultation):
    """Everything held about the person behind this booking, in plain labels, for them to read or download."""
    details = [(label, _display(consultation, name)) for name, label in CLIENT_LABELS.items()]
    booking = [
        ("Reference", consultation.reference),
        ("Clinician", str(consultation.clinician) if consultation.clinician else "To be arranged"),
        ("Call time", _local(consultation.starts_at) or "A time to be arranged with you"),
        ("Status", consultation.get_status_display()),
        ("Requested", _local(consultation.created_at)),
        ("Cancelled", _local(consultation.cancelled_at)),
    ]
    policy = consultation.consent_policy
    consent = [
        ("Consent given", _local(consultation.consented_at)),
        (
            "Privacy policy version you agreed to",
            f"Published {_local(policy.published_at)}" if policy else consultation.consent_policy_version,
        ),
    ]
    messages = [
        {
            "event": notification.get_event_display(),
            "to": notification.to_email,
            "status": notification.get_status_display(),
            "created": _local(notification.created_at),
            "sent": _local(notification.sent_at),
        }
        for notification in consultation.notifications.filter(_client_notifications(consultation)).order_by(
            "created_at"
        )
    ]
    history = [
        {
            "when": _local(entry.timestamp),
            "what": "Exported by our staff"
            if (entry.additional_data or {}).get(EXPORTED)
            else HISTORY_ACTIONS.get(entry.action, entry.get_action_display()),
            "fields": ", ".join(sorted(_field_label(name) for name in entry.changes_dict or {})),
        }
        for entry in LogEntry.objects.get_for_object(consultation).order_by("timestamp")
    ]
    return {
        "booking": [(label, value) for label, value in booking if value],
        "details": details,
        "staff_notes": consultation.internal_notes,
        "consent": [(label, value) for label, value in consent if value],
        # The words themselves, as they stood when the client agreed.
        "consent_policy": policy,
        "messages": messages,
        "history": history,
    }


HISTORY_ACTIONS = {
    LogEntry.Action.CREATE: "Booked",
    LogEntry.Action.UPDATE: "Changed",
    LogEntry.Action.DELETE: "Deleted",
    LogEntry.Action.ACCESS: "Opened by our staff",
}


def _field_label(name):
    try:
        field = Consultation._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(getattr(field, "verbose_name", name))


def _display(consultation, name):
    value = getattr(consultation, name)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if name == "phone":
        return phone_written(value)
    if name == "state_of_residence":
        return str(dict(US_STATES).get(value, value))
    display = getattr(consultation, f"get_{name}_display", None)
    if display is not None:
        return display()
    return str(value) if value else ""


def _local(moment):
    return timezone.localtime(moment).strftime("%A %-d %B %Y, %-I:%M %p %Z") if moment else ""


def _client_notifications(consultation):
    condition = Q(recipient_role=Notification.Role.CLIENT)
    if consultation.email:
        condition |= Q(to_email__iexact=consultation.email)
    return condition


# -- Erasure -------------------------------------------------------------------------


def consultation_erase_personal_data(*, consultation, reason):
    """Erase the personal details of one booking everywhere they are stored; keep the anonymous record.

    A call still to come is cancelled first (nobody could make it without a phone number), so the
    clinician hears of it and the time opens again. Returns the updated consultation.
    """
    with transaction.atomic():
        consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if consultation.erased_at is not None:
            return consultation
        now = timezone.now()
        if consultation.client_may_change(now):
            # The clinician hears the call is off; the client's own copy is dropped below.
            with suppress(NotChangeable):
                consultation = consultation_cancel(consultation=consultation, now=now)

        client_messages = consultation.notifications.filter(_client_notifications(consultation))
        client_messages.filter(status=Notification.Status.PENDING).delete()
        client_messages.update(to_email="")
        # A delivery error can quote the address it failed to reach.
        consultation.notifications.update(last_error="")

        with disable_auditlog():
            for field, erased in ERASED_VALUES.items():
                setattr(consultation, field, erased() if callable(erased) else erased)
            consultation.erased_at = now
            consultation.save()
        consultation.access_codes.all().delete()
        # The change history held the old values (masked, but still a trail): it goes too.
        LogEntry.objects.get_for_object(consultation).delete()
    log.info("consultation personal data erased", extra={"reference": consultation.reference, "reason": reason})
    return consultation


def consultations_due_for_erasure(*, now=None):
    """Consultations whose details are kept no longer: ended or cancelled more than retention_days ago."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=ConsultationSettings.get_solo().retention_days)
    ended = (
        # A cancelled booking or request, from when it was cancelled.
        Q(status=Consultation.Status.CANCELLED, cancelled_at__lte=cutoff)
        # A booked call, from its time, whatever became of it.
        | (~Q(status=Consultation.Status.CANCELLED) & Q(starts_at__lte=cutoff))
        # A callback request, from the last time anyone touched it.
        | (~Q(status=Consultation.Status.CANCELLED) & Q(starts_at__isnull=True, updated_at__lte=cutoff))
        # A cancellation from before cancelled_at was recorded.
        | Q(status=Consultation.Status.CANCELLED, cancelled_at__isnull=True, updated_at__lte=cutoff)
    )
    return Consultation.objects.filter(ended, erased_at__isnull=True)


def consultations_erase_expired(*, now=None):
    """The retention sweep: erase what is past its time, and old privacy requests. Returns how many consultations."""
    erased = 0
    for consultation in consultations_due_for_erasure(now=now).only("pk").iterator():
        consultation_erase_personal_data(consultation=consultation, reason=Reason.RETENTION)
        erased += 1
    privacy_requests_erase_expired(now=now)
    access_codes_delete_expired(now=now)
    # Expired sessions can still hold a visitor's booking links; Django never removes them by itself.
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    if erased:
        log.info("retention sweep erased consultations", extra={"count": erased})
    return erased


# -- Proving it's them: one-time codes and fresh links ------------------------------

# At most this many codes an hour for one booking: with DataAccessCode.MAX_ATTEMPTS tries each,
# a guesser gets 15 tries an hour at a million codes.
ACCESS_CODES_PER_HOUR = 3


class AccessCodeLimit(Exception):
    """Enough codes were sent for this booking this hour."""


def access_code_send(*, consultation, now=None):
    """Email a new one-time code to the address on file (through the outbox). Raises AccessCodeLimit."""
    now = now or timezone.now()
    with transaction.atomic():
        consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if not consultation.email or consultation.erased_at:
            raise AccessCodeLimit
        recent = consultation.access_codes.filter(created_at__gt=now - timedelta(hours=1)).count()
        if recent >= ACCESS_CODES_PER_HOUR:
            raise AccessCodeLimit
        access_code = DataAccessCode.objects.create(consultation=consultation, created_at=now)
        access_code_record(access_code=access_code)
    return access_code


def access_code_check(*, consultation, code, now=None):
    """True, and the code is spent, when ``code`` is this booking's latest usable one; a wrong code uses a try."""
    now = now or timezone.now()
    with transaction.atomic():
        access_code = consultation.access_codes.usable(now).select_for_update().order_by("-created_at").first()
        if access_code is None:
            return False
        if not access_code.matches(code):
            access_code.failed_attempts += 1
            access_code.save(update_fields=["failed_attempts"])
            return False
        access_code.used_at = now
        access_code.save(update_fields=["used_at"])
    return True


def private_link_send(*, email, now=None):
    """Email a fresh private link to the latest booking made with this address, if there is one.

    Says nothing to the caller either way: the page that asks answers the same for every address.
    """
    consultation = (
        Consultation.objects.filter(email__iexact=email.strip(), erased_at__isnull=True).order_by("-created_at").first()
    )
    if consultation is not None:
        with transaction.atomic():
            private_link_record(consultation=consultation, now=now)


def access_codes_delete_expired(*, now=None):
    """Spent and stale codes are kept a day (for the outbox's record), then go."""
    now = now or timezone.now()
    return DataAccessCode.objects.filter(created_at__lte=now - timedelta(days=1)).delete()[0]


# -- Privacy requests from people without a link ------------------------------------


def privacy_request_create(*, kind, full_name, email="", phone="", details=""):
    """Record a request; the front desk verifies who is asking and answers within 45 days."""
    today = timezone.localdate()
    with transaction.atomic():
        request = PrivacyRequest.objects.create(
            kind=kind,
            full_name=full_name,
            email=email,
            phone=phone,
            details=details,
            due_on=today + timedelta(days=PRIVACY_REQUEST_DAYS),
        )
        # Through the outbox, like every alert: a broker or mail outage delays it, never loses it.
        privacy_request_alert_record(privacy_request=request)
    log.info("privacy request received", extra={"reference": request.reference, "kind": kind})
    return request


def privacy_request_matches(*, privacy_request):
    """Consultations that may belong to the person asking: same email or same phone number."""
    condition = Q()
    if privacy_request.email:
        condition |= Q(email__iexact=privacy_request.email)
    if privacy_request.phone:
        condition |= Q(phone=privacy_request.phone)
    if not condition:
        return Consultation.objects.none()
    return Consultation.objects.filter(condition, erased_at__isnull=True).select_related("clinician")


def privacy_request_start_verifying(*, privacy_request):
    if privacy_request.status == PrivacyRequest.Status.RECEIVED:
        privacy_request.status = PrivacyRequest.Status.VERIFYING
        privacy_request.save(update_fields=["status"])
    return privacy_request


def privacy_request_complete(*, privacy_request):
    """Close a verified request. A deletion or a withdrawn consent erases every matching consultation."""
    with transaction.atomic():
        erased = 0
        if privacy_request.kind in (PrivacyRequest.Kind.DELETE, PrivacyRequest.Kind.WITHDRAW_CONSENT):
            for consultation in privacy_request_matches(privacy_request=privacy_request):
                consultation_erase_personal_data(consultation=consultation, reason=Reason.PRIVACY_REQUEST)
                erased += 1
        privacy_request.status = PrivacyRequest.Status.COMPLETED
        privacy_request.completed_at = timezone.now()
        privacy_request.save(update_fields=["status", "completed_at"])
    return erased


def privacy_request_decline(*, privacy_request):
    privacy_request.status = PrivacyRequest.Status.DECLINED
    privacy_request.completed_at = timezone.now()
    privacy_request.save(update_fields=["status", "completed_at"])
    return privacy_request


def privacy_requests_erase_expired(*, now=None):
    """Requests keep the asker's details no longer than needed. Returns how many were purged.

    An answered request keeps them as long as consultations do; one left Received or Verifying is
    closed and purged UNANSWERED_PRIVACY_REQUEST_DAYS after it arrived.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=ConsultationSettings.get_solo().retention_days)
    personal = {"full_name": "", "email": "", "phone": "", "details": ""}
    answered = (
        PrivacyRequest.objects.filter(
            status__in=[PrivacyRequest.Status.COMPLETED, PrivacyRequest.Status.DECLINED], completed_at__lte=cutoff
        )
        .exclude(full_name="")
        .update(**personal, staff_notes="")
    )
    unanswered = PrivacyRequest.objects.filter(
        status__in=[PrivacyRequest.Status.RECEIVED, PrivacyRequest.Status.VERIFYING],
        received_at__lte=now - timedelta(days=UNANSWERED_PRIVACY_REQUEST_DAYS),
    ).update(
        **personal,
        status=PrivacyRequest.Status.DECLINED,
        completed_at=now,
        staff_notes=f"Never verified or answered: closed and the asker's details purged on "
        f"{timezone.localdate(now).isoformat()}, {UNANSWERED_PRIVACY_REQUEST_DAYS} days after it arrived.",
    )
    if unanswered:
        log.info("retention sweep closed unanswered privacy requests", extra={"count": unanswered})
    return answered + unanswered
