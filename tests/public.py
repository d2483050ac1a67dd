"""The pages a visitor can reach, for the checks that must hold on every one of them."""

from django.test import RequestFactory
from django.urls import resolve

from clinicians.models import Clinician
from consultations.scheduling.selectors import open_slots
from pages.models import HOME_SLUG, Page
from thrive.outage import OutcomeUnknown

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


def database_down_requests(slot_key):
    """(request, exception) pairs that met the database down, each a state of the 503 page.

    A booking and a privacy request (their forms kept), a page, a cancellation, and a booking and a
    cancellation whose commit was cut and then the check of whether it was made (it can't tell yet).
    """
    booking = {"slot": slot_key, "first_name": "Sam", "voicemail_ok": "no", "consent": "on", "form_token": "t" * 20}
    privacy = {"kind": "delete", "full_name": "Sam Example", "email": "sam@example.com"}
    requests = {
        "booking": RequestFactory().post("/consultation/details/", booking),
        "privacy-request": RequestFactory().post("/privacy/request/", privacy),
        "page": RequestFactory().get("/consultation/"),
        "cancel": RequestFactory().post("/consultation/a-private-link:token/cancel/"),
    }
    for request in requests.values():
        request.resolver_match = resolve(request.path)
    states = {name: (request, None) for name, request in requests.items()}
    for name in ("booking", "cancel"):
        states[f"{name}-outcome-unknown"] = (requests[name], OutcomeUnknown("the check was cut too"))
    return states
