"""Turning an outbox row into an email: text and HTML from templates, in the site's voice.

Staff messages (clinician, front desk) are kept to the minimum necessary: when,
what kind of call, the reference and a link to the record in the admin. They
never carry the client's name, contact details, note or anything about their
health. Client messages carry their own booking and nothing else.
"""

import re
from email.utils import formataddr, parseaddr
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from consultations.calendar import consultation_ics
from consultations.events import About, Role, event_messages
from consultations.models import Consultation, ConsultationSettings, DataAccessCode
from consultations.timefmt import day_bounds, local, short_time, spoken_time
from consultations.tokens import private_page_path
from thrive.models import SiteSettings


def absolute(path):
    return f"{settings.SITE_URL}{path}"


def admin_change_url(consultation):
    """The consultation's record in the admin, wherever ADMIN_URL puts it."""
    try:
        path = reverse("admin:consultations_consultation_change", args=[consultation.pk])
    except NoReverseMatch:
        path = f"/{settings.ADMIN_URL}consultations/consultation/{consultation.pk}/change/"
    return absolute(path)


def manage_url(consultation):
    """The client's private link to see, move or cancel their booking."""
    return absolute(private_page_path(consultation))


def _addresses(site, notification):
    """From: the practice's name at the sending address. Reply-To: whoever should read the answer."""
    _, sending_address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    from_email = formataddr((site.practice_name, sending_address)) if sending_address else settings.DEFAULT_FROM_EMAIL
    if notification.recipient_role == Role.CLIENT:
        reply_to = site.email or site.front_desk_email
    else:
        reply_to = site.front_desk_email or site.email
    return from_email, [reply_to] if reply_to else []


def format_label(consultation):
    """How the call's format reads in a staff message: "Either" alone would say nothing."""
    if consultation.session_format == Consultation.Format.EITHER:
        return "in person or online"
    return consultation.get_session_format_display().replace("In person", "in person").replace("Online", "online")


def _digest_calls(notification):
    starts, ends = day_bounds(notification.digest_date)
    calls = (
        Consultation.objects.active()
        .filter(clinician=notification.clinician, starts_at__gte=starts, starts_at__lt=ends)
        .order_by("starts_at")
    )
    return [
        {
            "when": local(call.starts_at),
            "service": call.get_service_display(),
            "format": format_label(call),
            "reference": call.reference,
        }
        for call in calls
    ]


def _privacy_request_context(notification):
    privacy_request = notification.privacy_request
    return {
        "privacy_request": privacy_request,
        "admin_url": absolute(reverse("admin:consultations_privacyrequest_change", args=[privacy_request.pk])),
    }


def _access_code_context(notification):
    access_code = notification.access_code
    consultation = notification.consultation
    return {
        "name": consultation.display_name,
        "reference": consultation.reference,
        "code": access_code.code if access_code else "",
        "code_minutes": int(DataAccessCode.LIFETIME.total_seconds() // 60),
    }


def day_view_url(clinician, day):
    """A clinician's day view in the admin for one date: the one link of their daily list."""
    try:
        path = reverse("admin:consultations_consultation_day")
    except NoReverseMatch:
        path = f"/{settings.ADMIN_URL}consultations/consultation/day/"
    return absolute(f"{path}?{urlencode({'date': day.isoformat(), 'clinician': clinician.pk})}")


def _calendar_context(notification):
    clinician = notification.clinician
    return {
        "clinician": clinician,
        # What is wrong now, never the calendars' addresses.
        "calendars": list(clinician.external_calendars.exclude(failing_since=None).order_by("name")),
        "admin_url": absolute(
            reverse("admin:consultations_externalcalendar_changelist") + f"?clinician__id__exact={clinician.pk}"
        ),
        "stale_minutes": int(settings.CALENDAR_STALE_AFTER.total_seconds() // 60),
    }


def _day_context(notification):
    return {
        "clinician": notification.clinician,
        "day": notification.digest_date,
        "calls": _digest_calls(notification),
        "day_view_url": day_view_url(notification.clinician, notification.digest_date),
    }


def _other_call_when(consultation):
    """When the client's other upcoming call is, if this booking was flagged as a possible duplicate of it.

    Told only when both bookings gave the same email address: the message then goes to the person who
    got the first call's confirmation, never to someone who only typed another person's phone number.
    """
    other = consultation.possible_duplicate_of
    if other is None or other.status == Consultation.Status.CANCELLED or not consultation.email:
        return ""
    if other.email.casefold() != consultation.email.casefold():
        return ""
    return spoken_time(other.starts_at) if other.starts_at else "a call back we still have to arrange"


def _call_context(notification):
    consultation = notification.consultation
    clinician = consultation.clinician
    context = {
        "reference": consultation.reference,
        "clinician_name": clinician.full_name if clinician else "",
        "duplicate_reference": consultation.possible_duplicate_of.reference
        if consultation.possible_duplicate_of_id
        else "",
    }
    previous = notification.previous_call_starts_at
    context |= {
        "previous_when_text": spoken_time(previous),
        "previous_when_short": short_time(previous),
        "previous_clinician_name": notification.previous_clinician.full_name if notification.previous_clinician else "",
    }
    if notification.recipient_role == Role.CLIENT:
        context |= {
            "name": consultation.display_name,
            "clinician_first_name": clinician.first_name if clinician else "",
            "manage_url": manage_url(consultation),
            "other_call_when": _other_call_when(consultation),
            "booking_url": absolute(reverse("consultations:book")),
            "voicemail_ok": consultation.voicemail_ok,
            "preferred_days": consultation.preferred_days if consultation.is_callback_request else "",
            "preferred_times": consultation.preferred_times if consultation.is_callback_request else "",
        }
    else:
        context |= {
            "service": consultation.get_service_display(),
            "format": format_label(consultation),
            "is_callback_request": consultation.is_callback_request,
            "preferred_days": consultation.preferred_days if consultation.is_callback_request else "",
            "preferred_times": consultation.preferred_times if consultation.is_callback_request else "",
            "admin_url": admin_change_url(consultation),
            "moved_away": notification.recipient_role == Role.PREVIOUS_CLINICIAN,
            "recipient_is_front_desk": notification.recipient_role == Role.FRONT_DESK,
        }
    return context


# What a template is given, beside the site and the call's time, by what its message is about.
CONTEXT = {
    About.CALL: _call_context,
    About.DAY: _day_context,
    About.PRIVACY_REQUEST: _privacy_request_context,
    About.ACCESS_CODE: _access_code_context,
    About.CALENDAR: _calendar_context,
}


def notification_context(notification):
    """Everything a template may show. Staff get no client details: the templates can't leak what isn't here."""
    site = SiteSettings.get_solo()
    context = {
        "site": site,
        "site_url": settings.SITE_URL,
        "event": notification.event,
        "role": notification.recipient_role,
        "call_minutes": ConsultationSettings.get_solo().call_minutes,
        "when_text": spoken_time(notification.call_starts_at),
        "when_short": short_time(notification.call_starts_at),
    }
    return context | CONTEXT[event_messages(notification.event).about](notification)


def notification_message(notification):
    """The email for one outbox row, ready to send."""
    messages = event_messages(notification.event)
    context = notification_context(notification)
    site = context["site"]
    # One template per kind of message: the HTML is the template itself, the subject and text are partials in it.
    template = messages.templates[notification.recipient_role]
    subject = re.sub(r"\s+", " ", render_to_string(f"{template}#subject", context)).strip()
    text = render_to_string(f"{template}#text", context)
    html = render_to_string(template, context)
    from_email, reply_to = _addresses(site, notification)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=from_email,
        to=[notification.to_email],
        reply_to=reply_to,
        # The Message-ID fixed when the row was written: a copy sent again (after a worker died
        # mid-send, or the front desk's resend) is the same message to mail systems that fold duplicates.
        headers={"Message-ID": notification.message_id, "X-Thrive-Notification": str(notification.pk)},
    )
    message.attach_alternative(html, "text/html")
    if notification.recipient_role == Role.CLIENT and messages.confirms_time:
        consultation = notification.consultation
        message.attach(
            f"consultation-{consultation.reference}.ics",
            consultation_ics(consultation),
            "text/calendar",
        )
    return message
