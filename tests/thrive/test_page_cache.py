"""The whole-page cache in front of every middleware: what a hit must still do, and what it must never skip."""

import gzip
import os
import subprocess
import sys

import brotli
import pytest
from django.core.management import call_command
from django.db import connection

from tests.pages.factories import PageFactory, SectionFactory
from thrive import cache as thrive_cache

pytestmark = pytest.mark.django_db

PATH = "/does-ipt-work/"


@pytest.fixture
def content_page(site_settings):
    page = PageFactory(slug="does-ipt-work", title="Does IPT work?")
    SectionFactory(page=page, heading="Decades of research", body="More than 250 trials.")
    return page


def test_a_host_not_allowed_is_refused_before_and_after_the_page_is_cached(client, content_page):
    assert client.get(PATH, HTTP_HOST="evil.example").status_code == 400
    assert client.get(PATH).status_code == 200  # now cached

    assert client.get(PATH, HTTP_HOST="evil.example").status_code == 400
    assert client.head(PATH, HTTP_HOST="evil.example").status_code == 400


def test_a_hit_carries_every_header_a_fresh_page_does_csp_and_hsts_included(client, content_page, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    # A query string skips the page cache: this is the page as the whole stack makes it.
    fresh = client.get(f"{PATH}?fresh=1", secure=True)
    miss = client.get(PATH, secure=True)
    hit = client.get(PATH, secure=True)

    assert "Strict-Transport-Security" in fresh.headers
    assert "Content-Security-Policy" in fresh.headers
    for name, value in fresh.headers.items():
        if name.lower() not in ("content-length", "vary"):
            assert (name, hit.headers.get(name)) == (name, value)
    assert set(fresh.get("Vary", "").split(", ")) - {""} <= set(hit["Vary"].split(", "))
    assert dict(hit.headers) == dict(miss.headers)
    assert hit.content == miss.content == fresh.content


def test_https_pages_are_not_answered_from_an_http_entry_without_hsts(client, content_page, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    client.get(PATH)  # stored from plain HTTP, which has no HSTS header

    assert "Strict-Transport-Security" in client.get(PATH, secure=True).headers


def test_plain_http_still_gets_the_redirect_to_https_when_a_page_is_cached(client, content_page, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(PATH, secure=True).status_code == 200

    response = client.get(PATH)

    assert response.status_code == 301
    assert response["Location"].startswith("https://")


@pytest.mark.parametrize(
    ("accept_encoding", "expected"),
    [("gzip, deflate, br, zstd", "br"), ("gzip", "gzip"), ("br;q=0, gzip;q=0.5", "gzip"), ("", None), ("*;q=0", None)],
)
def test_a_page_is_sent_in_the_best_encoding_the_visitor_accepts(client, content_page, accept_encoding, expected):
    plain = client.get(f"{PATH}?fresh=1").content
    for _ in range(2):  # the miss, then the hit
        response = client.get(PATH, HTTP_ACCEPT_ENCODING=accept_encoding)

        assert "Accept-Encoding" in response["Vary"]
        assert response.get("Content-Encoding") == expected
        assert int(response["Content-Length"]) == len(response.content)
        decode = {"br": brotli.decompress, "gzip": gzip.decompress, None: bytes}[expected]
        assert decode(response.content) == plain


def test_a_browser_revalidating_an_unchanged_page_gets_304_and_a_changed_one_the_page(client, content_page):
    etag = client.get(PATH)["ETag"]

    not_modified = client.get(PATH, HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified["ETag"] == etag
    assert "Content-Security-Policy" in not_modified.headers

    section = content_page.sections.get()
    section.body = "Now with newer evidence."
    section.save()
    changed = client.get(PATH, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert "Now with newer evidence." in changed.content.decode()
    assert changed["ETag"] != etag


def test_head_sends_the_headers_of_get_without_the_body(client, content_page):
    get = client.get(PATH)

    head = client.head(PATH)

    assert head.status_code == 200
    assert head.content == b""
    assert head["Content-Length"] == get["Content-Length"]
    assert head["ETag"] == get["ETag"]


def test_a_page_with_a_pending_message_or_a_session_is_never_served_from_the_cache(client, content_page):
    client.get(PATH)
    content_page.sections.update(body="Changed without telling the cache.")  # no signal: the cache still has the old

    client.cookies["messages"] = "x"
    assert "Changed without telling the cache." in client.get(PATH).content.decode()


def test_a_release_serves_no_page_rendered_by_the_previous_release(client, content_page):
    client.get(PATH)
    content_page.sections.update(body="Rendered by the new release.")  # as if the templates had changed

    assert "Rendered by the new release." not in client.get(PATH).content.decode()
    call_command("clear_page_cache")  # deploy/release.sh, before the new web processes start
    assert "Rendered by the new release." in client.get(PATH).content.decode()


def test_each_process_asks_redis_for_the_generation_once_a_second_at_most(
    client, content_page, monkeypatch, django_assert_num_queries
):
    now = [1000.0]
    monkeypatch.setattr(thrive_cache, "clock", lambda: now[0])
    thrive_cache.forget_local_copies()
    client.get(PATH)
    calls = []
    monkeypatch.setattr(thrive_cache, "cache", CountingCache(thrive_cache.cache, calls))

    with django_assert_num_queries(0):
        client.get(PATH)
    assert calls == []  # answered from this process's own copy

    now[0] += 1.0
    client.get(PATH)
    assert calls == [(thrive_cache.GENERATION_KEY,)]


class CountingCache:
    """The cache, noting every key read from it."""

    def __init__(self, cache, calls):
        self.cache, self.calls = cache, calls

    def get(self, key, *args):
        self.calls.append((key,))
        return self.cache.get(key, *args)

    def __getattr__(self, name):
        return getattr(self.cache, name)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a real Redis shared by two processes: set REDIS_URL")
@pytest.mark.skipif(connection.vendor == "sqlite", reason="the other process needs this database: set DATABASE_URL")
def test_a_section_saved_in_another_process_shows_here_within_the_local_second(client, content_page, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(thrive_cache, "clock", lambda: now[0])
    thrive_cache.forget_local_copies()
    assert "More than 250 trials." in client.get(PATH).content.decode()
    section = content_page.sections.get()
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "thrive.settings",
        "DATABASE_URL": (
            f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:{database['PORT']}"
            f"/{database['NAME']}"
        ),
    }

    subprocess.run(  # noqa: S603 - this interpreter, with a fixed script
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from pages.models import Section; "
            f"section = Section.objects.get(pk={section.pk}); section.body = 'Saved elsewhere.'; section.save()",
        ],
        env=env,
        check=True,
        timeout=120,
    )

    # This process's copies are still trusted until the local second is up: no round trip to Redis.
    assert "More than 250 trials." in client.get(PATH).content.decode()
    now[0] += 1.0
    assert "Saved elsewhere." in client.get(PATH).content.decode()


def test_a_booking_keeps_what_shows_nothing_of_the_open_times():
    with_times, without = thrive_cache.versioned_key("x"), thrive_cache.versioned_key("x", with_open_times=False)
    thrive_cache.bump_open_times_generation()
    assert thrive_cache.versioned_key("x") != with_times
    assert thrive_cache.versioned_key("x", with_open_times=False) == without
    thrive_cache.bump_content_generation()
    assert thrive_cache.versioned_key("x", with_open_times=False) != without
