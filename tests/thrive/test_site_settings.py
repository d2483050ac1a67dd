import pytest
from django.core.cache import cache

from thrive.cache import forget_local_copies
from thrive.models import SiteSettings

pytestmark = pytest.mark.django_db


def test_a_saved_change_is_read_at_once(site_settings):
    assert SiteSettings.get_solo().phone == site_settings.phone
    edited = SiteSettings.objects.get(pk=site_settings.pk)  # as the admin edits it: its own copy
    edited.phone = "206-555-0100"
    edited.save()
    assert SiteSettings.get_solo().phone == "206-555-0100"


def test_read_from_the_cache_once_per_change_in_this_process(site_settings, monkeypatch, django_assert_num_queries):
    SiteSettings.get_solo()
    reads = []
    original_get = cache.get
    monkeypatch.setattr(cache, "get", lambda key, *args: reads.append(key) or original_get(key, *args))
    with django_assert_num_queries(0):
        for _ in range(3):
            assert SiteSettings.get_solo().phone == site_settings.phone
    assert not [key for key in reads if "solo" in key]
    site_settings.save()
    SiteSettings.get_solo()
    assert [key for key in reads if "solo" in key]


def test_a_cache_outage_still_reads_the_settings(site_settings, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get", down)
    monkeypatch.setattr(cache, "add", down)
    forget_local_copies()
    assert SiteSettings.get_solo().phone == site_settings.phone
