"""The front desk's day in the admin: one page per day of calls, one-click statuses, times offered to callbacks.

`DayViewAdminMixin` adds the pages to the consultation ModelAdmin, so they share its clinician
scope (`get_queryset`), its permissions and the admin's own look. Every change goes through the
booking services: a status only from the status the row showed, a time only through the move.
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from consultations.booking.selectors import (
    callback_requests_waiting,
    clinicians_by_fewest_upcoming,
    consultations_on_day,
)
from consultations.booking.services import BookingError, consultation_move, consultations_status_set
from consultations.models import Consultation
from consultations.scheduling.selectors import open_slots, parse_slot_key, slot_lookup, slots_by_day
from consultations.timefmt import PRACTICE_TZ, format_day, format_moment, format_time
from thrive.phones import phone_href, phone_written

Status = Consultation.Status

# The statuses each row offers as one-click buttons, in the order a call goes.
ONE_CLICK_STATUSES = (Status.CALLED, Status.NO_ANSWER, Status.COMPLETED, Status.NOT_A_FIT)

# The parts of the day a callback request can ask for (the public callback form's choices), in local hours.
PARTS_OF_DAY = {"morning": (9, 12), "afternoon": (12, 17), "evening": (17, 19)}

# How many open times each callback request's picker offers: enough to choose from, short enough to read.
OFFERS_PER_REQUEST = 40

ROW_TAG = "call-"


def _preferences(consultation):
    days = {word.strip().lower() for word in consultation.preferred_days.split(",") if word.strip()}
    said = consultation.preferred_times.lower()
    parts = [hours for word, hours in PARTS_OF_DAY.items() if word in said]
    return days, parts


def _suits(slot, days, parts):
    moment = slot.local_start
    if days and moment.strftime("%A").lower() not in days:
        return False
    return not parts or any(start <= moment.hour < end for start, end in parts)


@dataclass
class CallbackOffer:
    """A callback request waiting for a time, and the open times to offer it."""

    consultation: Consultation
    days: list = field(default_factory=list)  # SlotDay, each with the slots to offer
    matches_preferences: bool = True

    @property
    def phone_text(self):
        return phone_written(self.consultation.phone)


def callback_offers(requests, *, now):
    """Each waiting request with the open times that suit its preferences (all open times when none do)."""
    if not requests:
        return []
    slots = open_slots(now=now)
    offers = []
    for request in requests:
        possible = [s for s in slots if request.clinician_id is None or request.clinician_id in s.clinician_ids]
        days, parts = _preferences(request)
        suiting = [s for s in possible if _suits(s, days, parts)]
        matches = bool(suiting) or not (days or parts)
        offers.append(
            CallbackOffer(
                consultation=request,
                days=slots_by_day((suiting or possible)[:OFFERS_PER_REQUEST]),
                matches_preferences=matches,
            )
        )
    return offers


@dataclass
class CallRow:
    consultation: Consultation
    buttons: list  # (status value, label) the call may go to from where it stands
    news: object = None  # the message about the last click on this row, if any

    @property
    def phone_text(self):
        return phone_written(self.consultation.phone)

    @property
    def phone_href(self):
        return phone_href(self.consultation.phone)

    @property
    def time_label(self):
        return format_time(self.consultation.starts_at)


def _row(consultation, news):
    buttons = [
        (status.value, status.label)
        for status in ONE_CLICK_STATUSES
        if Consultation.status_may_follow(consultation.status, status)
    ]
    return CallRow(consultation=consultation, buttons=buttons, news=news.get(consultation.pk))


def _by_clinician(rows):
    groups = []
    for row in rows:
        clinician = row.consultation.clinician
        if not groups or groups[-1][0] != clinician:
            groups.append((clinician, []))
        groups[-1][1].append(row)
    return groups


def _parse_day(value):
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _parse_id(value):
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 12 else None


def _split_messages(request):
    """The messages about one row (tagged with its id), by row, and the rest for the top of the page."""
    rows, general = {}, []
    for message in messages.get_messages(request):
        tag = (
            next((t for t in message.extra_tags.split() if t.startswith(ROW_TAG)), None) if message.extra_tags else None
        )
        if tag and tag.removeprefix(ROW_TAG).isdigit():
            rows[int(tag.removeprefix(ROW_TAG))] = message
        else:
            general.append(message)
    return rows, general


class DayViewAdminMixin:
    """The day view and its one-click forms, for the consultation ModelAdmin."""

    day_template = "admin/consultations/consultation/day.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path("day/", wrap(self.day_view), name="{}_{}_day".format(*info)),
            path("today/", wrap(self.today_view), name="{}_{}_today".format(*info)),
            path("<int:object_id>/status/", wrap(self.status_view), name="{}_{}_status".format(*info)),
            path("<int:object_id>/offer/", wrap(self.offer_view), name="{}_{}_offer".format(*info)),
            *super().get_urls(),
        ]

    def day_url(self, day=None, **params):
        query = {"date": day.isoformat()} if day else {}
        query |= {key: value for key, value in params.items() if value}
        url = reverse("admin:consultations_consultation_day")
        return f"{url}?{urlencode(query)}" if query else url

    def today_view(self, request):
        """A short address for the front desk's morning, kept for bookmarks: today's day view."""
        return HttpResponseRedirect(self.day_url())

    def day_view(self, request):
        """One day's calls, by clinician and time; callback requests waiting for a time on top."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        now = timezone.now()
        today = timezone.localdate(now, timezone=PRACTICE_TZ)
        day = _parse_day(request.GET.get("date")) or today
        clinician_id = _parse_id(request.GET.get("clinician"))
        show_cancelled = request.GET.get("cancelled") == "shown"
        queryset = self.get_queryset(request)
        news, general = _split_messages(request)

        calls = consultations_on_day(queryset=queryset, day=day, clinician_id=clinician_id)
        cancelled = [call for call in calls if call.status == Status.CANCELLED]
        shown = calls if show_cancelled else [call for call in calls if call.status != Status.CANCELLED]
        rows = [_row(call, news) for call in shown]
        waiting = callback_requests_waiting(queryset=queryset, clinician_id=clinician_id)
        one_day = datetime.timedelta(days=1)
        here = self.day_url(day, clinician=clinician_id, cancelled="shown" if show_cancelled else None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Calls on {format_day(day)}" + (f", {day.year}" if day.year != today.year else ""),
            "day": day,
            "is_today": day == today,
            "groups": _by_clinician(rows),
            "call_count": len(calls) - len(cancelled),
            "cancelled_count": len(cancelled),
            "show_cancelled": show_cancelled,
            "clinician_id": clinician_id,
            "offers": callback_offers(waiting, now=now),
            "general_messages": general,
            "can_change": self.has_change_permission(request),
            "can_add": self.has_add_permission(request),
            "here": here,
            "previous_url": self.day_url(day - one_day, clinician=clinician_id),
            "next_url": self.day_url(day + one_day, clinician=clinician_id),
            "today_url": self.day_url(clinician=clinician_id),
            "toggle_cancelled_url": self.day_url(
                day, clinician=clinician_id, cancelled=None if show_cancelled else "shown"
            ),
            "everyone_url": self.day_url(day) if clinician_id else "",
        }
        return TemplateResponse(request, self.day_template, context)

    def _back(self, request, consultation, anchor=""):
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
            day = timezone.localdate(consultation.starts_at, PRACTICE_TZ) if consultation.starts_at else None
            target = self.day_url(day)
        return HttpResponseRedirect(f"{target}{anchor}")

    def _changeable(self, request, object_id):
        if request.method != "POST":
            return None, HttpResponseNotAllowed(["POST"])
        # The admin's own (clinician-scoped) queryset: a colleague's call is simply not found.
        consultation = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_change_permission(request, consultation):
            raise PermissionDenied
        return consultation, None

    def status_view(self, request, object_id):
        """One click: move a call on from the status its row showed, or say why it was not."""
        consultation, refusal = self._changeable(request, object_id)
        if refusal:
            return refusal
        status, shown = request.POST.get("status"), request.POST.get("expected_status")
        if status not in ONE_CLICK_STATUSES or shown not in Status.values:
            return HttpResponseBadRequest("Unknown status.")
        tag = f"{ROW_TAG}{consultation.pk}"
        label = Status(status).label
        if not Consultation.status_may_follow(shown, status):
            messages.error(request, f"A call can’t go from “{Status(shown).label}” to “{label}”.", extra_tags=tag)
        elif consultations_status_set(
            queryset=Consultation.objects.filter(pk=consultation.pk), status=status, expected_status=shown
        ):
            messages.success(request, f"Marked “{label}”.", extra_tags=tag)
        else:
            consultation.refresh_from_db(fields=["status"])
            now = Status(consultation.status).label
            messages.error(
                request,
                f"Not changed: someone else marked this call “{now}” a moment ago. Check it before changing it again.",
                extra_tags=tag,
            )
        return self._back(request, consultation, anchor=f"#{tag}")

    def offer_view(self, request, object_id):
        """Give a callback request one of the open times, through the practice's move; the client is told."""
        consultation, refusal = self._changeable(request, object_id)
        if refusal:
            return refusal
        starts_at = parse_slot_key(request.POST.get("slot"))
        name = consultation.display_name
        if starts_at is None:
            messages.error(request, f"Choose one of the open times for {name}.")
            return self._back(request, consultation)
        clinician = consultation.clinician
        if clinician is None and (slot := slot_lookup(starts_at=starts_at)) is not None:
            clinician = clinicians_by_fewest_upcoming(clinician_ids=slot.clinician_ids)[0]
        try:
            if clinician is None:
                raise BookingError("That time is not open any more.")
            consultation_move(
                consultation=consultation, clinician=clinician, starts_at=starts_at, expected_starts_at=None
            )
        except BookingError as exc:
            messages.error(request, f"{name}’s request was not given a time: {exc} Please choose another.")
            return self._back(request, consultation)
        told = (
            "We’ve emailed them the confirmation." if consultation.email else "They have no email: call to tell them."
        )
        messages.success(
            request, f"{name}’s call is booked with {clinician.full_name}: {format_moment(starts_at)}. {told}"
        )
        return self._back(request, consultation)
