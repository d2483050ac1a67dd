"""A per-visitor limit on what visitors send: bookings, callback requests and privacy requests, counted in the cache.

A visitor is their connection's address (an IPv6 /64, which one household or phone is given whole,
counts as one address) and, where the form carries one, the phone number typed.
"""

import hashlib
import hmac
import ipaddress
import logging
import time

from django.conf import settings
from django.core.cache import cache

from thrive.net import client_address

log = logging.getLogger(__name__)

# Every POST counts, typing mistakes included, so the limits leave room for a few.
BOOKING_POSTS_PER_ADDRESS = 10
BOOKING_POSTS_PER_PHONE = 5
WINDOW_SECONDS = 60 * 60


def address_bucket(address):
    """The address a limit counts: an IPv6 address's /64 network, an IPv4 address (mapped or not) as itself."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def _window():
    # The window number is part of the key, so a count simply expires at the end of its hour.
    return int(time.time() // WINDOW_SECONDS)


def _key(request, scope):
    return f"ratelimit:{scope}:{address_bucket(client_address(request))}:{_window()}"


def _phone_key(phone, scope):
    # The cache never holds the number itself, only a keyed digest of it.
    digest = hmac.new(settings.SECRET_KEY.encode(), str(phone).encode(), hashlib.sha256).hexdigest()[:32]
    return f"ratelimit:{scope}-phone:{digest}:{_window()}"


def _count(key):
    if cache.add(key, 1, WINDOW_SECONDS + 60):
        return 1
    return cache.incr(key)


def visitor_attempt_over_limit(
    request, *, scope, phone=None, per_address=BOOKING_POSTS_PER_ADDRESS, per_phone=BOOKING_POSTS_PER_PHONE
):
    """Count one attempt (whatever its outcome) against this address and phone; True once either is over its limit."""
    try:
        over = _count(_key(request, scope)) > per_address
        if phone:
            over = _count(_phone_key(phone, scope)) > per_phone or over
    except Exception:  # noqa: BLE001 - a cache outage must not stop people booking
        log.warning("cache unavailable; attempt not counted", extra={"scope": scope})
        return False
    return over
