import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from tests.pages.factories import AnnouncementFactory, PageFactory, SectionFactory
from thrive.cache import page_cache_clear
from thrive.models import SiteSettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def content_page(site_settings):
    page = PageFactory(slug="does-ipt-work", title="Does IPT work?")
    SectionFactory(page=page, heading="Decades of research", body="More than 250 trials.")
    SectionFactory(page=page, heading="Beyond depression", body="Anxiety, PTSD and more.")
    return page


def test_published_page_renders_in_at_most_four_queries_uncached(client, content_page, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = client.get("/does-ipt-work/")

    assert response.status_code == 200


def test_repeat_visit_is_answered_from_the_cache_without_queries(client, content_page, django_assert_num_queries):
    client.get("/does-ipt-work/")

    with django_assert_num_queries(0):
        response = client.get("/does-ipt-work/")

    assert "More than 250 trials." in response.content.decode()


def test_editing_a_section_shows_at_once(client, content_page):
    client.get("/does-ipt-work/")
    section = content_page.sections.first()
    section.body = "Now with newer evidence."
    section.save()

    assert "Now with newer evidence." in client.get("/does-ipt-work/").content.decode()


def test_editing_the_page_shows_at_once(client, content_page):
    client.get("/does-ipt-work/")
    content_page.title = "Is IPT effective?"
    content_page.save()

    assert "Is IPT effective?" in client.get("/does-ipt-work/").content.decode()


def test_unpublishing_hides_the_page_at_once(client, content_page):
    assert client.get("/does-ipt-work/").status_code == 200
    content_page.status = content_page.Status.DRAFT
    content_page.save()

    assert client.get("/does-ipt-work/").status_code == 404


def test_changing_the_phone_number_shows_at_once(client, content_page):
    client.get("/does-ipt-work/")
    settings_row = SiteSettings.get_solo()
    settings_row.phone = "206-555-0100"
    settings_row.save()

    assert "206-555-0100" in client.get("/does-ipt-work/").content.decode()


def test_a_new_announcement_shows_at_once(client, content_page):
    client.get("/does-ipt-work/")
    AnnouncementFactory(message="Our office is closed on Friday.")

    assert "Our office is closed on Friday." in client.get("/does-ipt-work/").content.decode()


def test_deleting_a_section_shows_at_once(client, content_page):
    client.get("/does-ipt-work/")
    content_page.sections.get(heading="Beyond depression").delete()

    assert "Anxiety, PTSD and more." not in client.get("/does-ipt-work/").content.decode()


def test_signed_in_staff_never_get_or_fill_the_public_cache(client, content_page):
    staff = get_user_model().objects.create_user("desk", password="a-long-test-password", is_staff=True)
    client.force_login(staff)
    content_page.status = content_page.Status.DRAFT
    content_page.save()

    assert "Draft preview" in client.get("/does-ipt-work/").content.decode()
    client.logout()
    assert client.get("/does-ipt-work/").status_code == 404


def test_a_query_string_bypasses_the_page_cache(client, content_page, django_assert_max_num_queries):
    client.get("/does-ipt-work/")

    with django_assert_max_num_queries(4) as captured:
        client.get("/does-ipt-work/?utm=1")

    assert len(captured.captured_queries) > 0


def test_a_cache_outage_degrades_to_rendering_the_page(client, content_page, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }

    response = client.get("/does-ipt-work/")

    assert response.status_code == 200
    assert "More than 250 trials." in response.content.decode()


def test_home_page_queries_do_not_grow_with_the_clinicians_listed(client, site_settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from consultations.models import ConsultationSettings
    from tests.clinicians.factories import ClinicianFactory

    PageFactory(slug="home", title="Welcome")
    ClinicianFactory(accepting_new_clients=True)
    ConsultationSettings.get_solo()  # the home page's open times create it on first use
    cache.clear()
    page_cache_clear()
    with CaptureQueriesContext(connection) as one:
        client.get("/")
    ClinicianFactory.create_batch(9, accepting_new_clients=True)
    cache.clear()
    page_cache_clear()

    with CaptureQueriesContext(connection) as ten:
        html = client.get("/").content.decode()

    assert html.count('<article class="clinician-card') == 10
    assert len(ten.captured_queries) == len(one.captured_queries)
