from django.http import HttpResponse
from django.urls import path

from bench.bare_settings import BODY
from thrive.urls import handler500  # noqa: F401 - Django reads handler500 from the root URLconf
from thrive.urls import urlpatterns as site_urlpatterns


def baseline(request):
    """The bare Django site's fixed string, through Thrive's whole middleware stack: what the stack costs."""
    return HttpResponse(BODY)


urlpatterns = [path("bench/baseline/", baseline, name="bench_baseline"), *site_urlpatterns]
