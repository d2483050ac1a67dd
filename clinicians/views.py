from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from clinicians.models import Clinician


@require_safe
def clinician_list(request):
    clinicians = Clinician.objects.active().prefetch_related("specialties")
    return render(request, "clinicians/clinician_list.html", {"clinicians": clinicians})


@require_safe
def clinician_detail(request, slug):
    clinician = get_object_or_404(Clinician.objects.active().prefetch_related("specialties"), slug=slug)
    return render(request, "clinicians/clinician_detail.html", {"clinician": clinician})
