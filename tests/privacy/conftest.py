# The browser journeys here drive the same Debian Chromium as tests/browser, with the same settings.
from tests.browser.conftest import (  # noqa: F401
    browser_context_args,
    browser_type_launch_args,
    chromium_path,
    page,
    required,
)
