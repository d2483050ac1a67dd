from django.utils.functional import SimpleLazyObject

from thrive.chrome import site_chrome


def site(request):
    """The practice's details for every template, read only when used."""
    return {"site": SimpleLazyObject(site_chrome)}
