"""Every public page passes axe-core's WCAG 2.0/2.1/2.2 A and AA rules and loads nothing from elsewhere."""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from consultations.scheduling.selectors import open_slots
from tests.browser.axe import axe_violations
from tests.public import NOT_FOUND_PATH, database_down_requests, public_paths
from thrive.outage import database_unavailable
from thrive.views import csrf_failure, server_error

pytestmark = pytest.mark.django_db(transaction=True)

# Links, buttons and fields smaller than 24 px either way (DESIGN.md: every target at least 24 px). A link inside
# a sentence is exempt, as WCAG 2.5.8 allows; a radio button or checkbox is reached through its label.
SMALL_TARGETS = """() => [...document.querySelectorAll(
    'a[href], button, summary, select, textarea, input:not([type=hidden], [type=radio], [type=checkbox])')]
  .filter(element => {
    const box = element.getBoundingClientRect(), style = getComputedStyle(element);
    return box.width > 0 && style.visibility !== 'hidden' && style.display !== 'inline'
      && !element.closest('[aria-hidden=true]') && (box.width < 24 || box.height < 24);
  })
  .map(element => `${element.outerHTML.slice(0, 60)} ${Math.round(element.getBoundingClientRect().width)}`
    + ` × ${Math.round(element.getBoundingClientRect().height)}`)"""


@pytest.mark.parametrize("width", ["narrowest", "phone", "desktop"])
def test_every_public_page_passes_axe_and_stays_on_this_site(sized_page, live_server, demo_content):
    page = sized_page
    origin = urlsplit(live_server.url)
    elsewhere, failed, console_errors, violations = [], [], [], []
    page.on("request", lambda request: elsewhere.append(request.url) if _leaves_site(request.url, origin) else None)
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)

    paths = public_paths()
    overflowing, small_targets = [], []
    for path in paths:
        page.goto(path, wait_until="load")
        violations += axe_violations(page)
        if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
            overflowing.append(path)
        small_targets += [f"{path}: {target}" for target in page.evaluate(SMALL_TARGETS)]

    assert not elsewhere, f"requests that leave the site: {elsewhere}"
    # The not-found page answers 404 by design; nothing else may fail (a missing stylesheet, icon, …).
    assert [url for url in failed if not url.endswith(NOT_FOUND_PATH)] == []
    assert not [error for error in console_errors if "404" not in error], console_errors
    assert not violations, "\n".join(violations)
    assert not overflowing, f"pages wider than the screen (sideways scrolling): {overflowing}"
    assert not small_targets, "targets under 24 × 24 px:\n" + "\n".join(small_targets)
    assert len(paths) >= 12


def _leaves_site(url, origin):
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return False
    return (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc)


def test_the_axe_check_catches_a_known_violation(page):
    """Guards the harness itself: if axe stopped running, every page above would pass silently."""
    page.set_content('<!doctype html><title>t</title><main><img src="data:,"><a href="/"></a></main>')
    violations = "\n".join(axe_violations(page))
    assert "[image-alt]" in violations
    assert "[link-name]" in violations
    assert "[html-has-lang]" in violations


def test_pages_shown_when_something_goes_wrong_pass_axe(sized_page, demo_content):
    """The server-error and expired-form pages have no address of their own; serve them at one."""
    page = sized_page
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    pages = {
        "server-error": server_error(request),
        "form-expired": csrf_failure(request),
    }
    for name, down in database_down_requests(open_slots()[0].key).items():
        pages[f"database-down-{name}"] = database_unavailable(*down)
    violations = []
    for name, response in pages.items():
        # Answered by the browser itself at an address on the live server, so the stylesheet loads as usual.
        page.route(f"**/__rendered/{name}/", _serve(response.content))
        page.goto(f"/__rendered/{name}/")
        assert page.locator("link[rel=stylesheet]").count() == 1
        violations += axe_violations(page)
    assert not violations, "\n".join(violations)


def _serve(body):
    return lambda route: route.fulfill(body=body, content_type="text/html; charset=utf-8")
