from django.utils.functional import SimpleLazyObject

from pages.selectors import content_chrome


def content(request):
    """The menu and current announcement for every template, read only when used."""
    return {"content": SimpleLazyObject(content_chrome)}
