from dataclasses import dataclass

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from clinicians.models import FORMAT_FLAGS, SERVICE_FLAGS, Clinician, Service, SessionFormat, Specialty


def clinician_list(*, accepting=False, service="", session_format="", specialty=""):
    """Active clinicians matching the directory's filters, with what their cards show, in two queries."""
    clinicians = Clinician.objects.active().for_cards()
    if accepting:
        clinicians = clinicians.accepting()
    if service in SERVICE_FLAGS:
        clinicians = clinicians.filter(**{SERVICE_FLAGS[service]: True})
    if session_format in FORMAT_FLAGS:
        clinicians = clinicians.filter(**{FORMAT_FLAGS[session_format]: True})
    if specialty:
        clinicians = clinicians.filter(specialties__slug=specialty)
    return clinicians


def clinician_get(*, slug):
    """An active clinician's profile; Http404 for an unknown slug or someone who has left."""
    return get_object_or_404(Clinician.objects.active().for_cards(), slug=slug)


@dataclass(frozen=True)
class Facets:
    """The filter values that at least one active clinician has, so no filter can lead nowhere."""

    clinicians: int
    accepting: bool
    services: list
    formats: list
    specialties: list


def clinician_facets():
    """What the directory may offer to filter by, in two queries."""
    counts = Clinician.objects.active().aggregate(
        clinicians=Count("pk"),
        accepting=Count("pk", filter=Q(accepting_new_clients=True)),
        **{value: Count("pk", filter=Q(**{field: True})) for value, field in {**SERVICE_FLAGS, **FORMAT_FLAGS}.items()},
    )
    specialties = (
        Specialty.objects.filter(clinicians__active=True).distinct().order_by("name").values_list("slug", "name")
    )
    return Facets(
        clinicians=counts["clinicians"],
        accepting=bool(counts["accepting"]),
        services=[(value, label) for value, label in Service.choices if counts.get(value)],
        formats=[(value, label) for value, label in SessionFormat.choices if counts.get(value)],
        specialties=list(specialties),
    )
