"""Run axe-core (the npm package) in the page under test."""

from functools import cache

from django.conf import settings

AXE_PATH = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
# Every WCAG 2.0, 2.1 and 2.2 rule at levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@cache
def _axe_source():
    if not AXE_PATH.is_file():
        raise FileNotFoundError(f"{AXE_PATH} is missing: run `npm ci`")
    return AXE_PATH.read_text(encoding="utf-8")


def axe_violations(page):
    """The WCAG A/AA violations axe finds in the page as it is now, one readable line per failing element."""
    # Evaluated through the DevTools protocol, which the page's CSP (script-src 'self') does not govern.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return [
        f"{page.url} [{violation['id']}] {violation['help']}: {node['target']} {node['failureSummary']}"
        for violation in result["violations"]
        for node in violation["nodes"]
    ]
