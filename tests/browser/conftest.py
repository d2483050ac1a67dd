"""Shared set-up for the tests that drive a real Chromium against Django's live server.

Playwright drives Debian's Chromium (never a downloaded browser). Without
Chromium the tests skip, unless PLAYWRIGHT_REQUIRED=1 (as in `.ci/run`), which
turns the skip into a failure. A failed test leaves a screenshot and a trace
under var/test-artifacts/ (see the --output/--tracing/--screenshot options in
pyproject.toml).
"""

import datetime
import importlib
import io
import os
import shutil
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.utils import timezone

from consultations.demo_content import HOLIDAYS
from consultations.timefmt import PRACTICE_TZ

# Playwright's sync API keeps an event loop running in the test's thread, which
# Django mistakes for async code; the test thread only sets up data, so this is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}
# The narrowest phones in common use; layout checks also run here.
NARROWEST = {"width": 320, "height": 640}
WIDTHS = {"narrowest": NARROWEST, "phone": PHONE, "desktop": DESKTOP}

CHROMIUM_LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
]


def chromium_path():
    """The Chromium to drive: CHROMIUM_PATH if set, else Debian's."""
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured if Path(configured).is_file() else None
    return shutil.which("chromium") or (str(Path("/usr/bin/chromium")) if Path("/usr/bin/chromium").is_file() else None)


def required():
    return os.environ.get("PLAYWRIGHT_REQUIRED") == "1"


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    browser_items = [item for item in items if here in Path(item.path).parents]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    if browser_items and not chromium_path() and not required():
        skip = pytest.mark.skip(
            reason="Chromium not found: install it with `apt-get install chromium` (or set CHROMIUM_PATH)"
        )
        for item in browser_items:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, live_server):
    # Through live_server, the browser is started after the live server and closed before it: the
    # connections Chromium keeps open end while the server can still close their database connection
    # (on SQLite, one shared with the test thread only as long as the server runs).
    executable = chromium_path()
    if not executable:
        pytest.fail("PLAYWRIGHT_REQUIRED=1 but Chromium is missing: `apt-get install chromium` or set CHROMIUM_PATH")
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_LAUNCH_ARGS}


@pytest.fixture(scope="session")
def base_url(live_server):
    """Pages are opened by path on Django's live server."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(live_server):
    # Depending on live_server here (not only through base_url) puts it in every browser test's
    # fixtures, so pytest-django allows its host, also for the suites that import this fixture.
    return {"base_url": live_server.url, "viewport": DESKTOP, "locale": "en-US"}


def a_working_morning(today):
    """6 AM Pacific on the first weekday after ``today`` on which the demo practice is open."""
    day = today + datetime.timedelta(days=1)
    closed = [(datetime.date.fromisoformat(first), datetime.date.fromisoformat(last)) for _, first, last in HOLIDAYS]
    while day.weekday() >= 5 or any(first <= day <= last for first, last in closed):
        day += datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time(6), tzinfo=PRACTICE_TZ)


@pytest.fixture(autouse=True)
def _on_a_working_morning():
    """Each browser test runs from 6 AM Pacific on a working day, with the clock running from there.

    What a journey is offered depends on the clock: late in the afternoon the first day with times has
    only one or two left (a journey that books one and moves it to another would find none), and the
    minimum notice closes a time on every quarter hour (a journey that took the first time could find
    it closed by the time it sent the form). From 6 AM the same day's times are open for hours. The
    browser's own clock is left alone: nothing on the site reads it, and cookies' lifetimes are sent
    as Max-Age.
    """
    with time_machine.travel(a_working_morning(timezone.localdate()), tick=True):
        yield


@pytest.fixture(params=["phone", "desktop"])
def width(request):
    """Run a journey once at a phone's width and once at a desktop's."""
    return request.param


@pytest.fixture
def page(page):
    # Fail in seconds, not Playwright's default 30, when something never appears.
    page.set_default_timeout(10_000)
    return page


@pytest.fixture
def sized_page(page, width):
    page.set_viewport_size(WIDTHS[width])
    return page


@pytest.fixture
def demo_content(transactional_db):
    """The practice's real starting content, as `make run` loads it."""
    call_command("seed_demo", stdout=io.StringIO())


@pytest.fixture
def staff_groups(transactional_db):
    """The Front desk and Clinicians groups, which a data migration makes and a live-server test's flush removes."""
    staff_groups_migration = importlib.import_module("staff.migrations.0001_staff_groups")
    for name, spec in staff_groups_migration.GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, models in spec.items()
            for model, actions in models.items()
            for codename in staff_groups_migration._codenames(model, actions)
        )
