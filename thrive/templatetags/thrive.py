import json

from django import template
from django.conf import settings
from django.utils.safestring import mark_safe

from thrive.facts import missing_facts as all_missing_facts

register = template.Library()

# Characters that could close the <script> element or start markup inside it.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def json_ld(data):
    """Structured data for search engines, safe inside a <script> element."""
    payload = json.dumps(data, separators=(",", ":"), ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # noqa: S308 - escaped above


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    """The public address of a path on this site, for canonical and Open Graph links."""
    return f"{settings.SITE_URL}{path}"


@register.simple_tag
def missing_facts():
    """What the front desk has still to fill in, for the admin's index."""
    return all_missing_facts()
