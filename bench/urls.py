from django.http import HttpResponse
from django.urls import path

from thrive.urls import handler500  # noqa: F401 - Django reads handler500 from the root URLconf
from thrive.urls import urlpatterns as site_urlpatterns


def baseline(request):
    """The least a Django view can do: the floor every page is compared with."""
    return HttpResponse("Thrive baseline", content_type="text/plain")


urlpatterns = [path("bench/baseline/", baseline, name="bench_baseline"), *site_urlpatterns]
