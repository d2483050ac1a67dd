"""The pages a visitor can reach, for the checks that must hold on every one of them."""

from clinicians.models import Clinician
from consultations.scheduling.selectors import open_slots
from pages.models import HOME_SLUG, Page

NOT_FOUND_PATH = "/no-such-page/"


def public_paths():
    """Home, every published content page, the clinicians, every step of booking, and the not-found page."""
    paths = [
        "/",
        "/clinicians/",
        "/clinicians/?service=couples&accepting=on",
        "/consultation/",
        "/consultation/callback/",
        "/privacy/request/",
        NOT_FOUND_PATH,
    ]
    paths += [page.get_absolute_url() for page in Page.objects.published().exclude(slug=HOME_SLUG)]
    clinicians = list(Clinician.objects.active())
    # Profiles share one template; two with different details (photo, couples work, …) are enough.
    paths += [clinician.get_absolute_url() for clinician in clinicians[:2]]
    if clinicians:
        paths.append(f"/consultation/?clinician={clinicians[0].slug}")
    slots = open_slots()
    if slots:
        paths.append(f"/consultation/details/?slot={slots[0].key}")
    return paths
