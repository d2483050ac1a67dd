import json

from django import template
from django.conf import settings
from django.utils.safestring import mark_safe

from thrive.cache import get_or_build
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


class BlankFormNode(template.Node):
    def __init__(self, nodelist, form, name):
        self.nodelist, self.form, self.name = nodelist, form, name

    def render(self, context):
        if self.form.resolve(context).is_bound:  # what someone typed, or its errors: this request's alone
            return self.nodelist.render(context)
        html = get_or_build(
            f"blank-form:{self.name}", lambda: str(self.nodelist.render(context)), with_open_times=False
        )
        return mark_safe(html)  # noqa: S308 - rendered by the template engine


@register.tag
def blank_form(parser, token):
    """Render a form's fields once while it is empty, and keep that under the content generation.

    {% blank_form form "booking" %}{% crispy form %}{% endblank_form %}: an empty form's fields look
    the same to every visitor, and laying them out (crispy's templates, one per field and option)
    costs more than the rest of the page. Nothing per visitor may go inside (the CSRF or form token).
    """
    try:
        _, form, name = token.split_contents()
    except ValueError:
        raise template.TemplateSyntaxError('{% blank_form form "name" %} takes a form and a name') from None
    nodelist = parser.parse(("endblank_form",))
    parser.delete_first_token()
    return BlankFormNode(nodelist, parser.compile_filter(form), name.strip("\"'"))
