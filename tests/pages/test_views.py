import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from pages.models import Page
from tests.pages.factories import AnnouncementFactory, PageFactory, SectionFactory
from tests.responses import assert_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def content_page(site_settings):
    page = PageFactory(slug="what-is-ipt", title="What is IPT?")
    SectionFactory(page=page, heading="Your mood and your relationships", body="They shape each other.")
    return page


@pytest.fixture
def staff_client():
    user = get_user_model().objects.create_user("desk", password="a-long-test-password", is_staff=True)
    client = Client()
    client.force_login(user)
    return client


def test_published_page_shows_its_sections_and_the_practice_phone(client, content_page):
    response = client.get("/what-is-ipt/")

    assert_page(
        response,
        says=[
            "<h1>What is IPT?</h1>",
            'id="your-mood-and-your-relationships"',
            'href="tel:+12064031148"',
            "Call or text 988",
        ],
    )


def test_every_page_has_one_h1_and_the_landmarks(client, content_page):
    html = client.get("/what-is-ipt/").content.decode()

    assert html.count("<h1") == 1
    for landmark in ('<header class="site-header"', '<main id="main"', '<footer class="site-footer"', "<nav"):
        assert landmark in html
    assert 'href="#main"' in html


def test_draft_is_404_for_visitors(client, site_settings):
    PageFactory(slug="coming-soon", status=Page.Status.DRAFT)

    response = client.get("/coming-soon/")

    assert_page(response, 404, says=["We couldn't find that page"])


def test_staff_can_preview_a_draft_marked_noindex(staff_client, site_settings):
    PageFactory(slug="coming-soon", title="Coming soon", status=Page.Status.DRAFT)

    response = staff_client.get("/coming-soon/")

    assert_page(response, says=["Draft preview", '<meta name="robots" content="noindex">'])


def test_drafts_are_left_out_of_the_navigation(client, content_page):
    PageFactory(slug="secret-draft", title="Secret draft", status=Page.Status.DRAFT, show_in_navigation=True)

    html = client.get("/what-is-ipt/").content.decode()

    assert "Secret draft" not in html
    assert 'href="/what-is-ipt/"' in html


@pytest.mark.parametrize("path", ["/no-such-page/", "/%ff/", "/a/b/c/", "/home%00/", "/" + "x" * 300 + "/"])
def test_bad_paths_are_404_in_the_site_design(client, site_settings, path):
    response = client.get(path)

    assert_page(response, 404, says=["site-header"])


def test_home_slug_redirects_to_the_root(client, site_settings):
    PageFactory(slug="home")

    response = client.get("/home/")

    assert response.status_code == 301
    assert response["Location"] == "/"


def test_markdown_cannot_inject_script_handlers_or_javascript_links(client, site_settings):
    page = PageFactory(slug="hostile")
    SectionFactory(
        page=page,
        body='<script>alert(1)</script> <img src=x onerror="alert(2)"> [click](javascript:alert(3)) '
        '<a href="https://example.org" onclick="alert(4)">ok</a> <iframe src="https://evil.example"></iframe>',
    )

    html = client.get("/hostile/").content.decode()
    main = html[html.index('<main id="main"') : html.index("</main>")]

    assert "<script" not in main
    assert "onerror" not in main
    assert "onclick" not in main
    assert "javascript:" not in main
    assert "<iframe" not in main
    assert 'href="https://example.org"' in main


def test_page_title_is_escaped_everywhere(client, site_settings):
    PageFactory(slug="escaped", title='<b>"Bold"</b> & co', lead="<script>x()</script>")

    html = client.get("/escaped/").content.decode()

    assert "<b>" not in html
    assert "&lt;b&gt;" in html
    assert "<script>x()" not in html


def test_announcement_shows_only_within_its_dates(client, content_page, time_machine):
    time_machine.move_to("2026-12-01 12:00:00-08:00")
    AnnouncementFactory(message="Closed for the holidays", starts_on="2026-12-20", ends_on="2026-12-31")

    assert "Closed for the holidays" not in client.get("/what-is-ipt/").content.decode()

    time_machine.move_to("2026-12-22 12:00:00-08:00")
    assert "Closed for the holidays" in client.get("/what-is-ipt/").content.decode()


def test_seo_tags_and_structured_data_come_from_site_settings(client, content_page, settings):
    settings.SITE_URL = "https://thrive.example"

    html = client.get("/what-is-ipt/").content.decode()

    assert '<link rel="canonical" href="https://thrive.example/what-is-ipt/">' in html
    assert '<meta property="og:title" content="What is IPT?">' in html
    assert '<meta name="description" content="What this page is about.">' in html
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(blocks[0])
    assert data["@type"] == "MedicalClinic"
    assert data["telephone"] == "206-403-1148"
    assert data["address"]["streetAddress"] == "5306 Ballard Ave NW"
    assert data["address"]["addressLocality"] == "Seattle"
    assert data["geo"]["latitude"] == pytest.approx(47.66706)
    assert data["openingHours"] == "Mo-Fr 09:00-18:00"
    assert data["areaServed"]["name"] == "Washington"


def test_structured_data_cannot_break_out_of_its_script_element(client, content_page, site_settings):
    site_settings.practice_name = "</script><script>alert(1)</script>"
    site_settings.save()

    html = client.get("/what-is-ipt/").content.decode()

    assert "</script><script>alert(1)" not in html
    block = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[0]
    assert json.loads(block)["name"] == "</script><script>alert(1)</script>"


def test_sitemap_lists_published_pages_only(client, content_page):
    PageFactory(slug="unfinished", status=Page.Status.DRAFT)

    xml = client.get("/sitemap.xml").content.decode()

    assert "/what-is-ipt/</loc>" in xml
    assert "unfinished" not in xml


def test_sitemap_lists_the_clinician_directory_and_the_booking_page(client, content_page):
    xml = client.get("/sitemap.xml").content.decode()

    assert "/clinicians/</loc>" in xml
    assert "/consultation/</loc>" in xml


def test_robots_points_at_the_sitemap_and_keeps_the_admin_path_secret(client, site_settings, settings):
    settings.SITE_URL = "https://thrive.example"
    settings.ADMIN_URL = "office-7f3k/"

    response = client.get("/robots.txt")

    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Sitemap: https://thrive.example/sitemap.xml" in text
    # robots.txt is public: naming the admin's path there would undo choosing an unguessable one.
    # The admin's own pages tell crawlers not to index them.
    assert "office-7f3k" not in text


def test_csrf_failure_page_explains_and_offers_the_way_back(site_settings):
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("consultations:book"), {}, HTTP_REFERER="http://testserver/consultation/")

    assert_page(response, 403, says=["Please try that again", 'href="http://testserver/consultation/"'])


def test_csrf_failure_page_never_links_to_another_site(site_settings):
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("consultations:book"), {}, HTTP_REFERER="https://evil.example/phish")

    assert "evil.example" not in response.content.decode()
