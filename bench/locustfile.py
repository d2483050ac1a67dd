"""The load the benchmark drives: one kind of visitor per run, chosen by class name on locust's command line.

Every user waits for nothing between requests, so 16 users keep 16 requests in flight.
"""

import os
import random
import re
import uuid

from locust import FastHttpUser, constant, task

PATH = os.environ.get("BENCH_PATH", "/")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FORM_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')
SLOT_LINK = re.compile(r'href="/consultation/details/\?slot=([0-9TZ]{14})"')


class PageVisitor(FastHttpUser):
    """Reads one page, again and again, as an anonymous visitor."""

    wait_time = constant(0)

    @task
    def read(self):
        self.client.get(PATH, name=PATH)


class Booker(FastHttpUser):
    """Chooses an open time, fills in the form and books it, each time as a different visitor."""

    wait_time = constant(0)

    def on_start(self):
        # The open times once per visitor: the slot page has its own measurement.
        page = self.client.get("/consultation/", name="slot page (before booking)")
        self.slots = SLOT_LINK.findall(page.text or "")

    @task
    def book(self):
        if not self.slots:
            return
        # Each booking comes from its own address (behind the one trusted proxy), as real visitors do.
        address = f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
        headers = {"X-Forwarded-For": address}
        key = random.choice(self.slots)
        form_page = self.client.get(f"/consultation/details/?slot={key}", name="booking form", headers=headers)
        csrf, form_token = CSRF.search(form_page.text or ""), FORM_TOKEN.search(form_page.text or "")
        if not (csrf and form_token):
            return
        form = {
            "csrfmiddlewaretoken": csrf.group(1),
            "form_token": form_token.group(1),
            "slot": key,
            "first_name": "Bench",
            "last_name": "Visitor",
            "phone": f"206-{random.randint(200, 999)}-{random.randint(0, 9999):04d}",
            "email": f"visitor-{uuid.uuid4().hex[:12]}@bench.example",
            "voicemail_ok": "yes",
            "service": "not_sure",
            "session_format": "either",
            "state_of_residence": "WA",
            "consent": "on",
            "website": "",
        }
        with self.client.post(
            "/consultation/details/",
            data=form,
            headers={**headers, "Referer": f"{self.host}/consultation/details/?slot={key}"},
            name="booking POST",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            # A redirect to the booking's private page is success; a 200 re-shows the form
            # (someone took the time first), which the benchmark counts as a failure.
            if response.status_code not in (302, 303):
                response.failure(f"booking not made: {response.status_code}")
