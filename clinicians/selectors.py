from django.shortcuts import get_object_or_404

from clinicians.models import Clinician, Service, SessionFormat

_SERVICE_FIELDS = {Service.INDIVIDUAL: "offers_individual", Service.COUPLES: "offers_couples"}
_FORMAT_FIELDS = {SessionFormat.IN_PERSON: "offers_in_person", SessionFormat.ONLINE: "offers_online"}


def clinician_list(*, accepting=False, service="", session_format="", specialty=""):
    """Active clinicians matching the directory's filters, with what their cards show, in two queries."""
    clinicians = Clinician.objects.active().for_cards()
    if accepting:
        clinicians = clinicians.accepting()
    if service in _SERVICE_FIELDS:
        clinicians = clinicians.filter(**{_SERVICE_FIELDS[service]: True})
    if session_format in _FORMAT_FIELDS:
        clinicians = clinicians.filter(**{_FORMAT_FIELDS[session_format]: True})
    if specialty:
        clinicians = clinicians.filter(specialties__slug=specialty)
    return clinicians


def clinician_get(*, slug):
    """An active clinician's profile; Http404 for an unknown slug or someone who has left."""
    return get_object_or_404(Clinician.objects.active().for_cards(), slug=slug)
