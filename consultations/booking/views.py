"""The booking pages: open times, the forms, and a booking's private page reached through its signed link."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from consultations.booking.forms import BookingForm, CallbackForm, RescheduleForm, new_form_token
from consultations.booking.selectors import bookable_clinician, bookable_clinicians
from consultations.booking.services import (
    AlreadyBooked,
    AlreadyChanged,
    NotChangeable,
    SlotUnavailable,
    callback_request_create,
    consultation_book,
    consultation_cancel,
    consultation_reschedule,
)
from consultations.calendar import consultation_ics
from consultations.models import Consultation
from consultations.scheduling.selectors import (
    day_picker,
    nearest_open_slots,
    open_slots,
    open_slots_for_visitors,
    parse_day,
    parse_slot_key,
    slot_key,
    slot_lookup,
    slots_by_day,
    visitor_slot_lookup,
    visitor_slots_fresh_until,
    weekly_call_windows,
)
from consultations.timefmt import local
from consultations.tokens import (
    consultation_from_token_or_404,
    consultation_token,
    private_link_view,
)
from thrive.chrome import site_chrome
from thrive.middleware import CACHEABLE_UNTIL_ATTRIBUTE, cache_whole_page
from thrive.outage import when_database_down
from thrive.skeleton import hole, skeleton_response
from thrive.visitor_limits import visitor_attempt_over_limit

# The ids of the bookings this browser made: the only way a booking attempt learns of an earlier call.
# A signed cookie of its own rather than the session: a visitor's booking then writes no session row
# (four queries), and their later pages still come whole from the page cache. Signed with SECRET_KEY,
# it can't be made to name someone else's booking; like a session, it lasts SESSION_COOKIE_AGE.
OWN_BOOKINGS_COOKIE = "bookings"
OWN_BOOKINGS_SALT = "consultations.booking.own-bookings"


@require_safe
@never_cache  # The open times change with every booking; a stale copy elsewhere would offer taken times.
@when_database_down(nothing_done="Nothing was booked.")
# Kept here under the content generation, which every booking change bumps, like the open times themselves.
@cache_whole_page
def book(request):
    """One day's open times (the first with any, or ?day=), a strip of the other days, and the clinician choice."""
    slug = request.GET.get("clinician", "")
    clinician = bookable_clinician(slug)
    slots = open_slots_for_visitors(clinician=clinician)
    picker = day_picker(slots=slots, wanted_day=parse_day(request.GET.get("day")))
    clinician_query = f"&clinician={clinician.slug}" if clinician else ""
    context = {
        "picker": picker,
        "clinician": clinician,
        "clinicians": bookable_clinicians(),
        "unknown_clinician": bool(slug) and clinician is None,
        "details_url": reverse("consultations:details"),
        "clinician_query": clinician_query,
        "day_query": f"?{clinician_query[1:]}&day=" if clinician else "?day=",
    }
    response = render(request, "consultations/slots.html", context)
    setattr(response, CACHEABLE_UNTIL_ATTRIBUTE, visitor_slots_fresh_until(slots))
    return response


def _practice():
    """The practice's settings (its phone number for people who won't give an email), from the page chrome's copy."""
    return site_chrome()["settings"]


def _own_bookings(request):
    value = request.get_signed_cookie(
        OWN_BOOKINGS_COOKIE, default="", salt=OWN_BOOKINGS_SALT, max_age=settings.SESSION_COOKIE_AGE
    )
    return [int(pk) for pk in value.split(",") if pk.isdigit()]


def _to_own_booking(request, consultation):
    """The redirect to a booking's private page that also lets this browser reach it again (the last five)."""
    response = redirect("consultations:manage", token=consultation_token(consultation))
    own = _own_bookings(request)
    if consultation.pk not in own:
        own = [*own[-4:], consultation.pk]
    response.set_signed_cookie(
        OWN_BOOKINGS_COOKIE,
        ",".join(map(str, own)),
        salt=OWN_BOOKINGS_SALT,
        max_age=settings.SESSION_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def _already_booked(request, existing):
    """This browser booked the call these details already have: offer to move it (nobody else sees this)."""
    context = {"existing": existing, "token": consultation_token(existing)}
    return render(request, "consultations/already_booked.html", context, status=409)


def _book_from_form(request, form, book, *, clinician):
    """A booking form's POST, the chosen time's or the callback's: (the response, or None; limit reached).

    Each attempt counts against the sender's limit, a bot is thanked and dropped, and a valid form under the
    limit goes to ``book``, a booking service. With None the view shows the form again: its errors, or the limit.
    """
    valid = form.is_valid()  # before the count, so the phone counts in the form everyone writes it
    limit_reached = visitor_attempt_over_limit(request, scope="booking", phone=form.cleaned_data.get("phone"))
    if form.is_bot:
        return render(request, "consultations/received.html"), limit_reached
    if limit_reached or not valid:
        return None, limit_reached
    try:
        consultation = book(
            consultation=form.save(commit=False),
            clinician=clinician,
            form_token=form.cleaned_data["form_token"],
            own_booking_ids=_own_bookings(request),
        )
    except AlreadyBooked as exc:
        return _already_booked(request, exc.consultation), limit_reached
    return _to_own_booking(request, consultation), limit_reached


SLOT_TAKEN = "That time was just taken by someone else. Here are the nearest open times; your details are kept."
SLOT_CLOSED = "That time isn't open any more. Here are the nearest open times."


def _empty_booking_form(request, *, chosen, clinician):
    """The form for an open time as nobody has filled it in: one page for everyone but its tokens and the time."""
    slug = clinician.slug if clinician else ""

    def context():
        initial = {"slot": hole("slot"), "clinician": slug, "form_token": hole("form_token")}
        return {
            "form": BookingForm(initial=initial, practice=_practice()),
            "chosen": {"key": hole("slot"), "label": hole("slot_label"), "day_key": hole("slot_day")},
            "clinician": clinician,
        }

    values = {
        "slot": chosen.key,
        "slot_label": chosen.label,
        "slot_day": chosen.day_key,
        "form_token": new_form_token(),
    }
    return skeleton_response(
        request,
        "consultations/details.html",
        name=f"booking-form:{slug}",
        context=context,
        values=values,
        # The time is a hole: the page shows nothing else of the open times, so a booking leaves it be.
        with_open_times=False,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@when_database_down(nothing_done="Nothing was booked.", form_class=BookingForm)
def details(request):
    """The booking form for one chosen time; on a clash it offers the nearest open times, keeping what was typed."""
    source = request.POST if request.method == "POST" else request.GET
    if request.method != "POST" and "slot" not in source:
        return redirect("consultations:book")
    clinician = bookable_clinician(source.get("clinician", ""))
    wanted = parse_slot_key(source.get("slot", ""))
    slot_error = None
    limit_reached = False

    if request.method == "POST":
        form = BookingForm(request.POST, practice=_practice())

        def book_the_chosen_time(**attempt):
            return consultation_book(starts_at=form.cleaned_data["slot"], **attempt)

        try:
            response, limit_reached = _book_from_form(request, form, book_the_chosen_time, clinician=clinician)
        except SlotUnavailable as exc:
            slot_error = SLOT_TAKEN if exc.just_taken else SLOT_CLOSED
        else:
            if response:
                return response
    else:
        # Shown, not booked: the public list is enough here, and the booking checks the time afresh.
        chosen = visitor_slot_lookup(starts_at=wanted, clinician=clinician)
        if chosen is not None:
            return _empty_booking_form(request, chosen=chosen, clinician=clinician)
        # That time has gone: the page offers the nearest open times instead.
        form = BookingForm(
            initial={"slot": source.get("slot", ""), "clinician": clinician.slug if clinician else ""},
            practice=_practice(),
        )

    if slot_error:
        chosen = None
    elif request.method == "POST":
        chosen = slot_lookup(starts_at=wanted, clinician=clinician)
    alternatives = []
    if chosen is None:
        slot_error = slot_error or (form.errors.get("slot") or [SLOT_CLOSED])[0]
        alternatives = nearest_open_slots(around=wanted or timezone.now(), clinician=clinician, count=6)
    summary = [(target, message) for target, message in form.error_summary() if target != "id_slot"]
    if slot_error:
        summary.insert(0, (f"slot-{alternatives[0].key}" if alternatives else "slot-choices", slot_error))
    context = {
        "form": form,
        "chosen": chosen,
        "alternatives": alternatives,
        "alternative_days": slots_by_day(alternatives),
        "slot_error": slot_error,
        "error_summary": summary if request.method == "POST" or slot_error else [],
        "clinician": clinician,
        "selected_key": source.get("slot", "") if chosen else "",
        "limit_reached": limit_reached,
    }
    return render(request, "consultations/details.html", context, status=429 if limit_reached else 200)


@require_http_methods(["GET", "HEAD", "POST"])
@when_database_down(nothing_done="Your callback request was not sent.", form_class=CallbackForm)
def callback(request):
    """None of the open times work: ask to be called back, with the days and times that suit."""
    source = request.POST if request.method == "POST" else request.GET
    clinician = bookable_clinician(source.get("clinician", ""))
    windows = weekly_call_windows(clinician=clinician)
    limit_reached = False
    if request.method == "POST":
        form = CallbackForm(request.POST, windows=windows, practice=_practice())
        response, limit_reached = _book_from_form(request, form, callback_request_create, clinician=clinician)
        if response:
            return response
    else:
        form = CallbackForm(
            initial={"clinician": clinician.slug if clinician else ""}, windows=windows, practice=_practice()
        )
    context = {"form": form, "clinician": clinician, "limit_reached": limit_reached}
    return render(request, "consultations/callback.html", context, status=429 if limit_reached else 200)


# The private pages below carry a client's details: never_cache keeps them out of shared caches.


@require_safe
@never_cache
@private_link_view
def manage(request, token):
    """A booking's private page: its current state, the calendar file, and the ways to change it."""
    consultation = consultation_from_token_or_404(token)
    can_change = consultation.client_may_change()
    context = {
        "consultation": consultation,
        "token": token,
        "can_change": can_change,
        "can_reschedule": can_change and consultation.starts_at is not None and consultation.clinician_id,
        "is_past": consultation.starts_at is not None and consultation.starts_at <= timezone.now(),
    }
    return render(request, "consultations/manage.html", context)


@require_safe
@never_cache
@private_link_view
def calendar_file(request, token):
    """The call as an .ics file for the visitor's calendar."""
    consultation = consultation_from_token_or_404(token)
    if consultation.starts_at is None or consultation.status == Consultation.Status.CANCELLED:
        raise Http404("Nothing to add to a calendar")
    response = HttpResponse(consultation_ics(consultation), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="thrive-consultation-{consultation.reference}.ics"'
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@private_link_view
@when_database_down(nothing_done="Your call was not cancelled.")
def cancel(request, token):
    """Ask before cancelling; a second use of the link shows the booking as it stands."""
    consultation = consultation_from_token_or_404(token)
    if not consultation.client_may_change():
        return redirect("consultations:manage", token=token)
    if request.method == "POST":
        try:
            consultation_cancel(consultation=consultation)
        except NotChangeable:
            pass
        else:
            messages.success(request, "Your call is cancelled. You're welcome back whenever you'd like to talk.")
        return redirect("consultations:manage", token=token)
    return render(request, "consultations/cancel.html", {"consultation": consultation, "token": token})


RESCHEDULE_TAKEN = "That time was just taken by someone else. Please choose another."
RESCHEDULE_CLOSED = "That time isn't open any more. Please choose another."


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@private_link_view
@when_database_down(nothing_done="Your call was not moved.")
def reschedule(request, token):
    """Choose another open time with the same clinician, one day at a time; the old time is released in the same step.

    Choosing a time is a plain link (?slot=KEY) back to this page, which shows the time with the button
    that moves the call right beside it; the button's POST carries `current` so a second send moves nothing.
    """
    consultation = consultation_from_token_or_404(token)
    if not consultation.client_may_change() or consultation.starts_at is None or consultation.clinician is None:
        return redirect("consultations:manage", token=token)
    error = None
    wanted = parse_slot_key(request.GET.get("slot", ""))
    if request.method == "POST":
        form = RescheduleForm(request.POST)
        wanted = parse_slot_key(request.POST.get("slot", ""))
        if form.is_valid():
            expected = parse_slot_key(form.cleaned_data["current"])
            try:
                consultation_reschedule(
                    consultation=consultation, starts_at=form.cleaned_data["slot"], expected_starts_at=expected
                )
            except (AlreadyChanged, NotChangeable):
                messages.info(request, "This booking had already changed. Here it is as it stands now.")
                return redirect("consultations:manage", token=token)
            except SlotUnavailable as exc:
                error = RESCHEDULE_TAKEN if exc.just_taken else RESCHEDULE_CLOSED
        else:
            error = form.errors.get("slot", ["Choose a new time for your call."])[0]
        if error is None:
            messages.success(request, "Your call has been moved to its new time.")
            return redirect("consultations:manage", token=token)
    # The current time is left out: choosing it would change nothing.
    slots = [s for s in open_slots(clinician=consultation.clinician) if s.starts_at != consultation.starts_at]
    chosen = next((slot for slot in slots if slot.starts_at == wanted), None) if wanted else None
    if wanted and chosen is None and error is None:
        error = RESCHEDULE_CLOSED
    # The day of the time wanted (still open or not), else the ?day= asked for, else the first with times.
    wanted_day = local(wanted).date() if wanted else parse_day(request.GET.get("day"))
    context = {
        "consultation": consultation,
        "token": token,
        "picker": day_picker(slots=slots, wanted_day=wanted_day),
        "chosen": chosen,
        "current_key": slot_key(consultation.starts_at),
        "slot_error": error,
        # The summary at the top takes the focus (booking.js) and links to the day's times.
        "error_summary": [("times", error)] if error else [],
    }
    return render(request, "consultations/reschedule.html", context)
