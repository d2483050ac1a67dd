import hashlib
import logging

from django.conf import settings
from django.core.cache import cache

from thrive.cache import versioned_key

log = logging.getLogger(__name__)

CACHEABLE_ATTRIBUTE = "cache_whole_page"


def cache_whole_page(view):
    """Mark a view's responses as the same for every anonymous visitor, so PageCacheMiddleware may keep them."""

    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        setattr(response, CACHEABLE_ATTRIBUTE, True)
        return response

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


class PageCacheMiddleware:
    """Answer anonymous GETs of whole-page-cacheable views from the cache.

    It sits before the session, CSRF and auth middleware, so a hit costs one
    cache read. Signed-in staff (who may preview drafts) and visitors with a
    pending message always get a fresh page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.applies_to(request):
            return self.get_response(request)
        try:
            # HEAD shares GET's entry; the path is hashed so odd or long paths make valid keys.
            key = versioned_key(f"page:{hashlib.sha256(request.path.encode()).hexdigest()}")
            response = cache.get(key)
        except Exception:  # noqa: BLE001 - a cache outage must never take the site down
            log.warning("page cache unavailable")
            return self.get_response(request)
        if response is not None:
            return response
        response = self.get_response(request)
        if (
            getattr(response, CACHEABLE_ATTRIBUTE, False)
            and response.status_code == 200
            and not response.cookies
            and not response.streaming
        ):
            try:
                cache.set(key, response, settings.PAGE_CACHE_SECONDS)
            except Exception:  # noqa: BLE001
                log.warning("page cache unavailable; response not stored")
        return response

    @staticmethod
    def applies_to(request):
        return (
            request.method in ("GET", "HEAD")
            and not request.META.get("QUERY_STRING")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and "messages" not in request.COOKIES
        )
