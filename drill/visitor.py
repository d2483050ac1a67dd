"""A visitor booking a call over HTTP as a browser does: the slot page, the form (CSRF cookie and token), the POST."""

import random
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.cookiejar import CookieJar

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FORM_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')
SLOT_LINK = re.compile(r'href="/consultation/details/\?slot=([0-9TZ]{14})"')
DAY_LINK = re.compile(r'class="day-strip__day[^"]*" href="\?day=([0-9-]+)#times"')


def booking_form_filled(form_page, *, slot, first_name, phone, email):
    """What a visitor sends to book `slot` from the form page they were shown; None if the page has no form."""
    csrf, token = CSRF.search(form_page), FORM_TOKEN.search(form_page)
    if not (csrf and token):
        return None
    return {
        "csrfmiddlewaretoken": csrf.group(1),
        "form_token": token.group(1),
        "slot": slot,
        "first_name": first_name,
        "last_name": "Visitor",
        "phone": phone,
        "email": email,
        "voicemail_ok": "yes",
        "service": "not_sure",
        "session_format": "either",
        "state_of_residence": "WA",
        "consent": "on",
        "website": "",
    }


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the drill looks at each redirect itself


class Visitor:
    def __init__(self, base_url):
        self.base_url = base_url
        # Each visitor comes from its own address, as the one trusted proxy (Caddy) reports it.
        self.address = f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect)
        self.email = f"visitor-{uuid.uuid4().hex[:12]}@drill.example"
        self.phone = f"206-{random.randint(200, 549)}-{random.randint(0, 9999):04d}"

    def request(self, path, data=None):
        """(status, body, Location) of one request; never raises for an HTTP status or a dropped connection."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, data=body, headers={"X-Forwarded-For": self.address})
        if data is not None:
            request.add_header("Referer", self.base_url + path)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode(errors="replace"), None
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), error.headers.get("Location")
        except OSError as error:
            return None, str(error), None

    def open_times(self):
        """Every open time of the horizon: the slot page shows one day, and links each other day in its strip."""
        status, body, _ = self.request("/consultation/")
        if status != 200:
            return []
        slots = SLOT_LINK.findall(body)
        for day in dict.fromkeys(DAY_LINK.findall(body)):
            status, page, _ = self.request(f"/consultation/?day={day}")
            if status == 200:
                slots += SLOT_LINK.findall(page)
        return list(dict.fromkeys(slots))

    def book(self, slot):
        """What the visitor saw: booked, refused, unavailable (503), error (an error page), or saved_error."""
        path = f"/consultation/details/?slot={slot}"
        status, body, _ = self.request(path)
        if status != 200:
            return {"outcome": _failure(status), "step": "form", "status": status}
        form = booking_form_filled(body, slot=slot, first_name="Drill", phone=self.phone, email=self.email)
        if form is None:
            return {"outcome": "error", "step": "form", "status": status}
        status, body, location = self.request(path, form)
        if status in (302, 303) and location:
            confirmation = urllib.parse.urlsplit(location).path
            status, body, _ = self.request(confirmation)
            if status == 200:
                return {"outcome": "booked", "step": "confirmation", "status": status}
            return {"outcome": _failure(status), "step": "confirmation", "status": status}
        if status in (200, 409, 429):
            return {"outcome": "refused", "step": "booking", "status": status}
        return {"outcome": _failure(status), "step": "booking", "status": status}


def _failure(status):
    return "unavailable" if status == 503 else "error"
