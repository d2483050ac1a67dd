"""Every public page: the security headers, a CSP it can live under, nothing from another host, no stray cookies."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from tests.public import NOT_FOUND_PATH
from tests.public import public_paths as every_public_page

pytestmark = pytest.mark.django_db

# Elements whose URL makes the browser fetch something, and the attribute holding it.
FETCHING = {
    "script": ("src",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "input": ("src",),
}
# <link rel=…> values that only name a page (never fetched by the browser).
NON_FETCHING_LINKS = {"canonical", "alternate", "author", "license", "me", "next", "prev", "help"}
ALLOWED_SCRIPT_TYPES = {"application/ld+json"}


class PageAudit(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems = []
        self.fetched = []
        self._in_script = None
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, _value in attrs:
            if name.startswith("on"):
                self.problems.append(f"inline event handler {name} on <{tag}>")
            if name == "style":
                self.problems.append(f"style attribute on <{tag}>")
        if tag == "style":
            self.problems.append("inline <style> element")
        if tag == "script" and "src" not in attributes and attributes.get("type") not in ALLOWED_SCRIPT_TYPES:
            self.problems.append(f"inline <script type={attributes.get('type')!r}>")
        if tag == "form":
            self.forms.append((attributes.get("method") or "get").lower())
        if tag == "link" and set((attributes.get("rel") or "").split()) <= NON_FETCHING_LINKS:
            return
        for name in FETCHING.get(tag, ()):
            value = attributes.get(name)
            if value:
                urls = [part.strip().split(" ")[0] for part in value.split(",")] if name == "srcset" else [value]
                self.fetched.extend((tag, url) for url in urls)


NOT_FOUND = NOT_FOUND_PATH


def public_paths():
    """Every page the browser checks visit, and the files for machines."""
    return [*every_public_page(), "/sitemap.xml", "/robots.txt"]


@pytest.fixture
def seeded(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_the_crawl_covers_the_pages_the_law_and_the_brief_name(seeded):
    paths = public_paths()
    for expected in ("/privacy/", "/fees/", "/privacy/request/", "/consultation/callback/"):
        assert expected in paths
    assert any(path.startswith("/consultation/details/") for path in paths)
    assert any(path.startswith("/clinicians/") and path != "/clinicians/" for path in paths)


def test_every_public_page_carries_the_security_headers_and_a_strict_csp(client, seeded):
    for path in public_paths():
        for attempt in ("fresh", "cached"):
            response = client.get(path)
            assert response.status_code == (404 if path == NOT_FOUND else 200), (path, attempt)
            csp = response["Content-Security-Policy"]
            directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
            assert directives["default-src"] == ["'self'"], path
            assert directives["frame-ancestors"] == ["'none'"], path
            assert directives["form-action"] == ["'self'"], path
            assert directives["object-src"] == ["'none'"], path
            assert "'unsafe-inline'" not in directives["script-src"], path
            assert "'unsafe-inline'" not in directives["style-src"], path
            assert response["X-Frame-Options"] == "DENY", path
            assert response["Referrer-Policy"] == "same-origin", path
            assert response["X-Content-Type-Options"] == "nosniff", path
            assert "camera=()" in response["Permissions-Policy"], path
            assert "geolocation=()" in response["Permissions-Policy"], path


def audited_public_pages(client):
    """(path, audit) for every public page that is HTML."""
    for path in public_paths():
        response = client.get(path)
        if response["Content-Type"].startswith("text/html"):
            audit = PageAudit()
            audit.feed(response.content.decode())
            yield path, audit


def test_no_public_page_has_inline_script_handlers_or_styles(client, seeded):
    for path, audit in audited_public_pages(client):
        assert audit.problems == [], path


def test_no_public_page_loads_anything_from_another_host(client, seeded):
    for path, audit in audited_public_pages(client):
        assert audit.fetched, f"{path} loads no stylesheet at all?"
        for tag, url in audit.fetched:
            parts = urlsplit(url)
            assert parts.scheme in ("", "data"), (path, tag, url)
            assert not parts.netloc, (path, tag, url)
            assert not url.startswith("//"), (path, tag, url)
        assert not any(tag in ("iframe", "frame", "embed", "object") for tag, _ in audit.fetched), path


def test_public_pages_set_no_cookie_except_csrf_where_a_form_posts(client, seeded):
    for path in public_paths():
        client.cookies.clear()
        response = client.get(path)
        audit = PageAudit()
        if response["Content-Type"].startswith("text/html"):
            audit.feed(response.content.decode())
        allowed = {"csrftoken"} if "post" in audit.forms else set()
        assert set(response.cookies) <= allowed, (path, set(response.cookies))


def test_the_csrf_cookie_is_secure_and_hidden_from_script_in_production(client, seeded):
    response = client.get("/privacy/request/")
    cookie = response.cookies["csrftoken"]
    assert cookie["secure"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_hsts_is_sent_over_https(client, seeded):
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_privacy_policy_is_linked_from_every_page_footer_and_names_the_rights(client, seeded):
    for path in ("/", "/clinicians/", "/fees/", "/consultation/"):
        assert 'href="/privacy/"' in client.get(path).content.decode(), path
    policy = client.get("/privacy/").content.decode()
    for words in ("What we collect", "Who receives it", "How long we keep it", "Your rights", "/privacy/request/"):
        assert words in policy
    assert "Good Faith Estimate" in client.get("/fees/").content.decode()


def test_the_crisis_notice_names_988_911_and_the_king_county_line(client, seeded):
    body = client.get("/").content.decode()
    for number in ("988", "911", "206-461-3222"):
        assert number in body


def test_robots_txt_does_not_reveal_the_admin_path(client, seeded, settings):
    settings.ADMIN_URL = "office-7f3k/"
    body = client.get("/robots.txt").content.decode()
    assert "office-7f3k" not in body
    assert "Disallow: /consultation/" in body
