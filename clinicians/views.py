from django.shortcuts import render
from django.views.decorators.http import require_safe

from clinicians.forms import ClinicianFilterForm
from clinicians.selectors import clinician_facets, clinician_get, clinician_list
from clinicians.structured_data import person_data
from thrive.chrome import site_chrome
from thrive.middleware import cache_whole_page


@require_safe
@cache_whole_page
def clinician_directory(request):
    facets = clinician_facets()
    form = ClinicianFilterForm(request.GET or None, facets=facets)
    filters = form.filters() if form.is_bound else {}
    clinicians = list(
        clinician_list(
            accepting=filters.get("accepting", False),
            service=filters.get("service", ""),
            session_format=filters.get("format", ""),
            specialty=filters.get("specialty", ""),
        )
    )
    # With one clinician there is nothing to narrow down.
    context = {"form": form, "clinicians": clinicians, "filtered": bool(filters), "show_filters": facets.clinicians > 1}
    return render(request, "clinicians/clinician_list.html", context)


@require_safe
@cache_whole_page
def clinician_detail(request, slug):
    clinician = clinician_get(slug=slug)
    practice_name = site_chrome()["settings"].practice_name
    context = {"clinician": clinician, "person_data": person_data(clinician, practice_name=practice_name)}
    return render(request, "clinicians/clinician_detail.html", context)
