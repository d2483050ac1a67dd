"""A per-visitor limit on what visitors send: bookings, callback requests and privacy requests, counted in the cache."""

import logging
import time

from django.core.cache import cache

from thrive.net import client_address

log = logging.getLogger(__name__)

BOOKINGS_PER_HOUR = 5
WINDOW_SECONDS = 60 * 60


def _key(request, scope):
    # The window number is part of the key, so a count simply expires at the end of its hour.
    window = int(time.time() // WINDOW_SECONDS)
    return f"ratelimit:{scope}:{client_address(request)}:{window}"


def visitor_limit_reached(request, scope="booking", limit=BOOKINGS_PER_HOUR):
    """True when this address has already made `limit` bookings or requests this hour."""
    try:
        return (cache.get(_key(request, scope)) or 0) >= limit
    except Exception:  # noqa: BLE001 - a cache outage must not stop people booking
        log.warning("cache unavailable; booking limit not checked")
        return False


def visitor_limit_count(request, scope="booking"):
    """Count one booking or request against this address."""
    key = _key(request, scope)
    try:
        if not cache.add(key, 1, WINDOW_SECONDS + 60):
            cache.incr(key)
    except Exception:  # noqa: BLE001
        log.warning("cache unavailable; booking not counted")
