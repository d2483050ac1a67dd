"""What the front desk has still to fill in about each clinician (listed on the admin's index)."""

from django.db.models import Count
from django.urls import reverse

from clinicians.models import Clinician
from thrive.facts import MissingFact, is_placeholder_address, missing_facts_source


@missing_facts_source
def clinicians_missing():
    missing = []
    for clinician in Clinician.objects.active().annotate(specialty_count=Count("specialties")):
        checks = [
            ("alert email", not is_placeholder_address(clinician.alert_email)),
            ("what they help with (specialties)", clinician.specialty_count),
            ("languages", clinician.languages),
            ("license number", clinician.license_number),
            ("when they joined", clinician.joined_on),
        ]
        where = reverse("admin:clinicians_clinician_change", args=[clinician.pk])
        missing += [MissingFact(f"{clinician.full_name}: {what}", where) for what, done in checks if not done]
    return missing
