"""How much a browser downloads to show a page: bytes on the wire, by kind of resource."""

import os
import shutil
from collections import defaultdict

from playwright.sync_api import sync_playwright

LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def page_weights(base_url, paths):
    """{path: {"total": bytes, "by_type": {...}, "requests": n}} for a first visit with an empty browser cache."""
    executable = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if not executable:
        return {"skipped": "Chromium not found: `apt-get install chromium` to measure page weight"}
    result = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
        for path in paths:
            context = browser.new_context(base_url=base_url)
            page = context.new_page()
            finished = []
            page.on("requestfinished", lambda request, finished=finished: finished.append(request))
            page.goto(path, wait_until="load")
            by_type = defaultdict(int)
            for request in finished:
                sizes = request.sizes()
                by_type[request.resource_type] += sizes["responseBodySize"] + sizes["responseHeadersSize"]
            result[path] = {"total": sum(by_type.values()), "by_type": dict(by_type), "requests": len(finished)}
            context.close()
        browser.close()
    return result
