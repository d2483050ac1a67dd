"""The whole-page cache: anonymous visitors' pages answered as stored, before the rest of the stack runs."""

import functools
import gzip
import hashlib
import logging
import time

import brotli
from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags

from thrive.cache import page_get, page_set, versioned_key

log = logging.getLogger(__name__)

CACHEABLE_ATTRIBUTE = "cache_whole_page"
# A view whose page goes out of date with the clock (not only with content) says when, as a Unix time.
CACHEABLE_UNTIL_ATTRIBUTE = "cache_whole_page_until"
# Headers a hit sets from the chosen copy of the body, not from the stored response.
BODY_HEADERS = {"content-length", "content-encoding", "etag"}
# What a 304 leaves out: it has no body (RFC 9110, 15.4.5).
NOT_MODIFIED_DROPS = {"content-type", "content-length", "content-encoding", "content-language"}
# Compressed once per page and content change, while that first visitor waits: Brotli's quality 11
# saves another tenth of the bytes at ten times the time, so the miss stays quick with these.
BROTLI_QUALITY = 5
GZIP_LEVEL = 6


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

    It comes first in MIDDLEWARE, so a hit skips every other middleware: the entry was stored
    after they had all run, with every header they set (security, CSP, frame and permissions
    policies), and the host check they would make is made here first. An entry holds what the
    wire needs: status, headers, and the body as is, gzipped and Brotli-compressed once when
    stored, chosen by the visitor's Accept-Encoding, with an ETag for a browser's revalidation.
    Signed-in staff (who may preview drafts) and visitors with a pending message always get a
    fresh page.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        # WhiteNoise serves these further in; the page cache has nothing for them.
        self.skipped_prefixes = tuple(url for url in (settings.STATIC_URL, settings.MEDIA_URL) if url)

    def __call__(self, request):
        if not self.applies_to(request):
            return self.get_response(request)
        # A host not in ALLOWED_HOSTS raises DisallowedHost here (400) before any page is served from the cache.
        request.get_host()
        scheme = "https" if request.is_secure() else "http"  # HSTS is sent over HTTPS only
        try:
            # HEAD shares GET's entry; the path is hashed so odd or long paths make valid keys.
            key = versioned_key(f"page:{scheme}:{hashlib.sha256(request.path.encode()).hexdigest()}")
            entry = page_get(key)
        except Exception:  # noqa: BLE001 - a cache outage must never take the site down
            log.warning("page cache unavailable")
            return self.get_response(request)
        if entry is None:
            response = self.get_response(request)
            entry = entry_from(response)
            if entry is None:
                return response
            try:
                page_set(key, entry)
            except Exception:  # noqa: BLE001
                log.warning("page cache unavailable; response not stored")
        # A miss is answered from its new entry too, so a hit and a miss carry the same headers.
        return respond(entry, request)

    def applies_to(self, request):
        return (
            request.method in ("GET", "HEAD")
            and not request.META.get("QUERY_STRING")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and "messages" not in request.COOKIES
            and not request.path.startswith(self.skipped_prefixes)
            # SecurityMiddleware answers plain HTTP with its redirect to HTTPS.
            and (request.is_secure() or not settings.SECURE_SSL_REDIRECT)
        )


def entry_from(response):
    """What to store of a response, or None when it must not be shared between visitors."""
    if not (
        getattr(response, CACHEABLE_ATTRIBUTE, False)
        and response.status_code == 200
        and not response.cookies
        and not response.streaming
        and not response.has_header("Content-Encoding")
        # A page that used the per-request CSP nonce is this request's alone.
        and "'nonce-" not in response.get("Content-Security-Policy", "")
    ):
        return None
    patch_vary_headers(response, ["Accept-Encoding"])
    body = response.content
    bodies = {"identity": body}
    for encoding, compressed in (
        ("br", brotli.compress(body, quality=BROTLI_QUALITY)),
        ("gzip", gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)),
    ):
        if len(compressed) < len(body):
            bodies[encoding] = compressed
    # Weak: the gzip and Brotli copies are the same page, byte for byte once decoded.
    etag = f'W/"{hashlib.sha256(body).hexdigest()[:32]}"'
    headers = [(name, value) for name, value in response.items() if name.lower() not in BODY_HEADERS]
    headers.append(("ETag", etag))
    return {
        "status": response.status_code,
        "etag": etag,
        "bodies": bodies,
        # Ready to use as a response's header store, one per copy of the body: the values were
        # checked when the view's response was made, so a hit needn't check each one again.
        "headers": {
            encoding: _header_store(
                [
                    *headers,
                    *([("Content-Encoding", encoding)] if encoding != "identity" else []),
                    ("Content-Length", str(len(encoded))),
                ]
            )
            for encoding, encoded in bodies.items()
        },  # fmt: skip
        "not_modified_headers": _header_store(
            [(name, value) for name, value in headers if name.lower() not in NOT_MODIFIED_DROPS]
        ),
        "expires": min(
            time.time() + settings.PAGE_CACHE_SECONDS, getattr(response, CACHEABLE_UNTIL_ATTRIBUTE, float("inf"))
        ),
    }


def _header_store(headers):
    return {name.lower(): (name, value) for name, value in headers}


def respond(entry, request):
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match and etag_matches(if_none_match, entry["etag"]):
        response = HttpResponseNotModified()
        response.headers._store = dict(entry["not_modified_headers"])
        return response
    encoding = preferred_encoding(request.META.get("HTTP_ACCEPT_ENCODING", ""), tuple(entry["bodies"]))
    response = HttpResponse(b"" if request.method == "HEAD" else entry["bodies"][encoding], status=entry["status"])
    # Django's own store (a dict of lower-case name: (name, value)), filled in one step.
    response.headers._store = dict(entry["headers"][encoding])
    return response


def etag_matches(if_none_match, etag):
    """If-None-Match's weak comparison (RFC 9110, 13.1.2)."""
    tags = parse_etags(if_none_match)
    return "*" in tags or etag.removeprefix("W/") in {tag.removeprefix("W/") for tag in tags}


@functools.lru_cache(maxsize=64)
def preferred_encoding(accept_encoding, available):
    """Brotli, then gzip, if the visitor accepts it (q > 0) and the entry has it; else the body as is."""
    accepted, refused = set(), set()
    for part in accept_encoding.lower().split(","):
        coding, _, parameters = part.partition(";")
        try:
            quality = float(parameters.strip().removeprefix("q=")) if parameters else 1.0
        except ValueError:
            quality = 0.0
        (accepted if quality > 0 else refused).add(coding.strip())
    for encoding in ("br", "gzip"):
        if encoding in available and encoding not in refused and (encoding in accepted or "*" in accepted):
            return encoding
    return "identity"
