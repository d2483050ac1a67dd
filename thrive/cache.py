"""Caching of what visitors read far more often than staff write it.

Every cached thing is keyed by a "content generation" number; saving anything
a visitor sees (content, clinicians, open consultation times) bumps the number,
so a change shows at once and stale entries simply expire.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

log = logging.getLogger(__name__)

GENERATION_KEY = "content:generation"


def content_generation():
    # Start from the clock, not 1, so that a lost counter never comes back to a
    # number that stale entries were stored under.
    cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
    return cache.get(GENERATION_KEY) or 0


def _bump():
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, time.time_ns(), timeout=None)
    except Exception:  # noqa: BLE001 - a cache outage must never stop a booking or an edit being saved
        log.warning("cache unavailable; cached pages may show the old version until they expire")


def bump_content_generation(**kwargs):
    """Show a change at once. Call it inside or outside a transaction."""
    _bump()
    # Again after the commit: a page built between the first bump and the commit saw the old
    # data, and must not outlive it.
    transaction.on_commit(_bump)


def invalidate_on_change(*models):
    """Show a change to any of these models at once on every cached page."""
    for model in models:
        post_save.connect(bump_content_generation, sender=model, dispatch_uid=f"content-{model._meta.label}-save")
        post_delete.connect(bump_content_generation, sender=model, dispatch_uid=f"content-{model._meta.label}-delete")


def versioned_key(name):
    # The date is part of the key so that announcements start and end at midnight.
    return f"{name}:{content_generation()}:{timezone.localdate().isoformat()}"


def get_or_build(name, build, timeout=None):
    """Return the cached value for name, building it when missing; degrade to building it if the cache is down."""
    try:
        key = versioned_key(name)
        value = cache.get(key)
    except Exception:  # noqa: BLE001 - a cache outage must never take the site down
        log.warning("cache unavailable; building %s uncached", name)
        return build()
    if value is None:
        value = build()
        try:
            cache.set(key, value, timeout or settings.PAGE_CACHE_SECONDS)
        except Exception:  # noqa: BLE001
            log.warning("cache unavailable; could not store %s", name)
    return value
