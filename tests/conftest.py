import pytest
from django.core.cache import cache

from tests.pages.factories import SiteSettingsFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache, so cached pages never leak between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def site_settings(db):
    return SiteSettingsFactory()
