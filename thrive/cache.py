"""Caching of what visitors read far more often than staff write it.

Every cached thing is keyed by a "content generation" number; saving anything
a visitor sees (content, clinicians, open consultation times) bumps the number,
so a change shows at once and stale entries simply expire.

Each process keeps its own copy of the generation for CONTENT_GENERATION_LOCAL_SECONDS
(a second), and the pages it served most recently under it, so that a cached page costs
no round trip to Redis at all. A change made in this process shows on its next request;
one made in another process shows here within that second.
"""

import logging
import time
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

log = logging.getLogger(__name__)

GENERATION_KEY = "content:generation"
# Bumped with it by every change except a booking's: what the site shows apart from the open times
# (the header and footer, the menu, an empty form) is kept under this one, and outlives the bookings.
SITE_GENERATION_KEY = "content:site-generation"
# Pages this process keeps beside Redis; past this many it starts afresh (a site has a few dozen pages).
LOCAL_PAGES_MAX = 500

# The clock the in-process copies age by; tests move it forward instead of sleeping.
clock = time.monotonic

# Redis key -> (generation, trusted until clock()); each a tuple so threads swap it whole.
_local_generations = {}
# Page entries by their full versioned key: a new generation or day makes a new key.
local_pages = {}
# get_or_build's values the same way, each with the clock() reading after which it is built or fetched again.
local_values = {}


def _remember_generation(generation, key=GENERATION_KEY):
    _local_generations[key] = (generation, clock() + settings.CONTENT_GENERATION_LOCAL_SECONDS)


def content_generation(key=GENERATION_KEY):
    generation, trusted_until = _local_generations.get(key, (None, 0.0))
    if generation is not None and clock() < trusted_until:
        return generation
    generation = cache.get(key)
    if generation is None:
        # Start from the clock, not 1, so that a lost counter never comes back to a
        # number that stale entries were stored under.
        cache.add(key, time.time_ns(), timeout=None)
        generation = cache.get(key) or 0
    _remember_generation(generation, key)
    return generation


def _bump(keys=(GENERATION_KEY, SITE_GENERATION_KEY)):
    try:
        for key in keys:
            try:
                _remember_generation(cache.incr(key), key)
            except ValueError:
                generation = time.time_ns()
                cache.set(key, generation, timeout=None)
                _remember_generation(generation, key)
    except Exception:  # noqa: BLE001 - a cache outage must never stop a booking or an edit being saved
        forget_local_copies()
        log.warning("cache unavailable; cached pages may show the old version until they expire")


def _bump_now_and_after_commit(keys):
    _bump(keys)
    # Again after the commit: a page built between the first bump and the commit saw the old
    # data, and must not outlive it.
    transaction.on_commit(partial(_bump, keys))


def bump_content_generation(**kwargs):
    """Show a change at once, everywhere. Call it inside or outside a transaction."""
    _bump_now_and_after_commit((GENERATION_KEY, SITE_GENERATION_KEY))


def bump_open_times_generation(**kwargs):
    """Show a change to the open times at once (a booking, a clinician's busy times), keeping the site's chrome
    and empty forms cached."""
    _bump_now_and_after_commit((GENERATION_KEY,))


def forget_local_copies():
    """Drop this process's copies of the generation and of pages; the next request asks Redis."""
    _local_generations.clear()
    local_pages.clear()
    local_values.clear()


def page_cache_clear():
    """Rebuild every cached page and fragment: here at once, in other processes within the local second."""
    forget_local_copies()
    _bump()


def invalidate_on_change(*models, open_times_only=False):
    """Show a change to any of these models at once on every cached page.

    ``open_times_only``: the models are bookings, which change the open times and nothing else cached.
    """
    bump = bump_open_times_generation if open_times_only else bump_content_generation
    for model in models:
        post_save.connect(bump, sender=model, dispatch_uid=f"content-{model._meta.label}-save")
        post_delete.connect(bump, sender=model, dispatch_uid=f"content-{model._meta.label}-delete")


def versioned_key(name, *, with_open_times=True):
    """The cache key for name under the current generation: without_open_times, one a booking leaves alone."""
    generation = content_generation(GENERATION_KEY if with_open_times else SITE_GENERATION_KEY)
    # The date is part of the key so that announcements start and end at midnight.
    return f"{name}:{generation}:{timezone.localdate().isoformat()}"


def get_or_build(name, build, timeout=None, *, with_open_times=True, shared=True):
    """Return the cached value for name, building it when missing; degrade to building it if the cache is down.

    The value is kept in this process too, under the same versioned key, so that a page built from
    it costs no round trip to Redis; callers must treat it as read-only, since requests share it.
    ``with_open_times=False``: the value shows nothing of the open times, so a booking leaves it be.
    ``shared=False``: kept in this process alone, not in Redis, for what has a cache of its own already
    (django-solo's singletons) but is read several times a request.
    """
    timeout = timeout or settings.PAGE_CACHE_SECONDS
    try:
        key = versioned_key(name, with_open_times=with_open_times)
        kept = local_values.get(key)
        if kept is not None and clock() < kept[1]:
            return kept[0]
        value = cache.get(key) if shared else None
    except Exception:  # noqa: BLE001 - a cache outage must never take the site down
        log.warning("cache unavailable; building %s uncached", name)
        return build()
    if value is None:
        value = build()
        try:
            if shared:
                cache.set(key, value, timeout)
        except Exception:  # noqa: BLE001
            log.warning("cache unavailable; could not store %s", name)
    if len(local_values) >= LOCAL_PAGES_MAX:
        local_values.clear()
    local_values[key] = (value, clock() + timeout)
    return value


def page_get(key):
    """A whole page stored under key: from this process if it has it, else from Redis (then kept here)."""
    entry = local_pages.get(key)
    if entry is None:
        entry = cache.get(key)
        if entry is None:
            return None
        _keep_locally(key, entry)
    if entry["expires"] <= time.time():
        local_pages.pop(key, None)
        return None
    return entry


def page_set(key, entry):
    _keep_locally(key, entry)
    cache.set(key, entry, settings.PAGE_CACHE_SECONDS)


def _keep_locally(key, entry):
    if len(local_pages) >= LOCAL_PAGES_MAX:
        local_pages.clear()
    local_pages[key] = entry
