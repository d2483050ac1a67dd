from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from clinicians.models import Clinician
from pages.models import HOME_SLUG
from pages.selectors import page_get
from thrive.middleware import cache_whole_page


def _can_preview(request):
    return request.user.is_authenticated and request.user.is_staff


@require_safe
@cache_whole_page
def home(request):
    page = page_get(slug=HOME_SLUG, include_drafts=_can_preview(request))
    clinicians = Clinician.objects.active().accepting().for_cards()
    return render(request, "pages/home.html", {"page": page, "accepting_clinicians": clinicians})


@require_safe
@cache_whole_page
def page_detail(request, slug):
    if slug == HOME_SLUG:
        return redirect("pages:home", permanent=True)
    page = page_get(slug=slug, include_drafts=_can_preview(request))
    return render(request, "pages/page_detail.html", {"page": page})
