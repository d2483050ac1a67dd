"""Reads for booking: who takes a new call, and whether someone already has one coming up."""

from django.db.models import Case, Count, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from clinicians.models import Clinician
from consultations.models import Consultation
from consultations.timefmt import day_bounds


def clinicians_by_fewest_upcoming(*, clinician_ids, now=None):
    """The clinicians with these ids, the one with the fewest upcoming calls first.

    Each one's count is a range of the index of active bookings by clinician and time, so it costs
    the same however many past calls the practice has had.
    """
    now = now or timezone.now()
    upcoming = (
        Consultation.objects.active()
        .filter(clinician=OuterRef("pk"), starts_at__gte=now)
        .order_by()
        .values("clinician")
        .annotate(count=Count("starts_at"))
        .values("count")
    )
    return list(
        Clinician.objects.filter(pk__in=clinician_ids)
        .annotate(upcoming_calls=Coalesce(Subquery(upcoming), 0))
        .order_by("upcoming_calls", "display_order", "pk")
    )


def bookable_clinician(slug):
    """The active clinician accepting new clients with this slug, or None (then: first available)."""
    if not slug or not isinstance(slug, str) or len(slug) > 120:
        return None
    return Clinician.objects.active().accepting().filter(slug=slug).first()


def bookable_clinicians():
    """The clinicians a visitor may choose to talk with, for the slot page's choice."""
    return list(Clinician.objects.active().accepting().only("pk", "slug", "full_name", "display_order"))


def upcoming_consultation_for(*, phone=None, email=None, now=None, prefer_ids=()):
    """The upcoming call already booked with this phone or email, if any: one free consultation at a time.

    With several (flagged duplicates), one of ``prefer_ids`` comes first: the browser that booked it is recognised.
    """
    match = Q()
    if phone:
        match |= Q(phone=phone)
    if email:
        match |= Q(email__iexact=email)
    if not match:
        return None
    order = ["starts_at"]
    if prefer_ids:
        order.insert(0, Case(When(pk__in=list(prefer_ids), then=0), default=1))
    return (
        Consultation.objects.upcoming(now)
        .filter(match, erased_at__isnull=True)
        .select_related("clinician")
        .order_by(*order)
        .first()
    )


def consultations_on_day(*, queryset, day, clinician_id=None):
    """The calls on one Pacific date, cancelled ones too, by clinician then time: the day view's rows."""
    starts, ends = day_bounds(day)
    calls = queryset.filter(starts_at__gte=starts, starts_at__lt=ends)
    if clinician_id is not None:
        calls = calls.filter(clinician_id=clinician_id)
    return list(
        calls.select_related("clinician").order_by(
            "clinician__display_order", "clinician__full_name", "clinician_id", "starts_at"
        )
    )


def callback_requests_waiting(*, queryset, clinician_id=None):
    """Callback requests still waiting for a time, oldest first."""
    requests = queryset.filter(starts_at__isnull=True, status=Consultation.Status.NEW, erased_at__isnull=True)
    if clinician_id is not None:
        requests = requests.filter(clinician_id=clinician_id)
    return list(requests.select_related("clinician").order_by("created_at"))
