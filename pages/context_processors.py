from django.utils.functional import SimpleLazyObject

from pages.selectors import site_chrome


def site(request):
    """The practice's details, menu and current announcement for every template, read only when used."""
    return {"site": SimpleLazyObject(site_chrome)}
