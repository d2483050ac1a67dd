"""Pages the same for every visitor but for a few values: rendered once per content change, then filled in.

The booking form is the same page for everyone except its CSRF token, its one-time form token and
the time chosen. Rendering it (the base page, the menu, the form's fields) costs far more than
the rest of the request, so it is rendered once with a marker where each of those values goes,
kept under the content generation like any cached page, and each request only fills in its own.

The skeleton is rendered for a stand-in request that has the page's address and nothing of the
visitor's (no cookies, session, user, messages, CSRF token or CSP nonce), so nothing of the first
visitor's can reach the next one. The CSRF token and the CSP nonce are always holes, filled from
the real request, so a page that shows them gets this visitor's and the middleware sees them used.
"""

import re

from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.html import conditional_escape

from thrive.cache import get_or_build

# A hole's marker: characters no template writes, which autoescaping and attribute quoting leave alone.
_MARKER = "\x1e{}\x1e"
_MARKERS = re.compile("\x1e([a-z_]+)\x1e")
# What Django's context processors give each request, filled in from the real one.
_REQUEST_HOLES = {"csrf_token": get_token, "csp_nonce": lambda request: str(get_nonce(request))}


def hole(name):
    """The marker a skeleton's context puts where this request's value called name goes."""
    return _MARKER.format(name)


def _stand_in(request):
    """A request for the same address carrying nothing of the visitor's."""
    stand_in = HttpRequest()
    stand_in.method = "GET"
    stand_in.path, stand_in.path_info = request.path, request.path_info
    return stand_in


def skeleton_response(request, template_name, *, name, context, values, with_open_times=True):
    """Render template_name once with markers for values, keep it under name, and answer with this request's values.

    ``context``: a callable giving the template's context (called only when the page is built), which
    writes ``hole(name)`` wherever one of ``values`` goes; ``name`` must tell apart every page that
    differs in anything else. ``values``: this request's value of each hole, escaped as the template would.
    """

    def build():
        page = render_to_string(
            template_name, {**context(), **{key: hole(key) for key in _REQUEST_HOLES}}, _stand_in(request)
        )
        return tuple(_MARKERS.split(page))  # literal text, hole name, literal text, …

    filled = {key: conditional_escape(value) for key, value in values.items()}
    parts = list(get_or_build(f"skeleton:{name}", build, with_open_times=with_open_times))
    for index in range(1, len(parts), 2):
        key = parts[index]
        if key not in filled:  # the token or nonce: made only when the page shows it, once
            filled[key] = conditional_escape(_REQUEST_HOLES[key](request))
        parts[index] = filled[key]
    return HttpResponse("".join(parts))
