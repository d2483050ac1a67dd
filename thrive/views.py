"""The site's own pages: robots.txt and the error pages every app shares."""

import sys

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe

from thrive.middleware import cache_whole_page
from thrive.outage import database_unavailable, is_database_error


@require_safe
@cache_whole_page
def robots_txt(request):
    context = {"sitemap_url": f"{settings.SITE_URL}{reverse('sitemap')}"}
    return render(request, "robots.txt", context, content_type="text/plain; charset=utf-8")


def csrf_failure(request, reason=""):
    """A form that expired or was sent without its token: explain, and keep the visitor's way back."""
    return render(request, "403_csrf.html", {"back_url": _same_site_referer(request)}, status=403)


def _same_site_referer(request):
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
        return referer
    return "/"


def server_error(request):
    """The 500 page, which must render even when the database is what failed.

    A database fault outside a view (in a middleware, say) gets the 503 page instead.
    """
    exception = sys.exc_info()[1]
    if is_database_error(exception):
        return database_unavailable(request, exception)
    try:
        return render(request, "500.html", status=500)
    except Exception:  # noqa: BLE001
        return render(request, "500.html", {"site": {}}, status=500)
