"""The load the benchmark drives: one kind of visitor per run, chosen by class name on locust's command line.

Every user waits for nothing between requests, so 16 users keep 16 requests in flight.
"""

import os
import random
import re

from locust import FastHttpUser, constant, task

PATH = os.environ.get("BENCH_PATH", "/")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FORM_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')
SLOT = re.compile(r'name="slot" value="([0-9TZ]{14})"')


class PageVisitor(FastHttpUser):
    """Reads one page, again and again, as an anonymous visitor."""

    wait_time = constant(0)

    @task
    def read(self):
        self.client.get(PATH, name=PATH)


class Booker(FastHttpUser):
    """Opens the booking page, picks an open time and books it, each time as a different visitor."""

    wait_time = constant(0)

    @task
    def book(self):
        # Each booking comes from its own address (behind the one trusted proxy), as real visitors do.
        address = f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
        headers = {"X-Forwarded-For": address}
        page = self.client.get("/consultation/", name="slot page (before booking)", headers=headers)
        slots = SLOT.findall(page.text or "")
        csrf, form_token = CSRF.search(page.text or ""), FORM_TOKEN.search(page.text or "")
        if not (slots and csrf and form_token):
            return
        form = {
            "csrfmiddlewaretoken": csrf.group(1),
            "form_token": form_token.group(1),
            "slot": random.choice(slots),
            "first_name": "Bench",
            "last_name": "Visitor",
            "phone": f"206-555-{random.randint(0, 9999):04d}",
            "email": "visitor@bench.example",
            "voicemail_ok": "yes",
            "service": "not_sure",
            "session_format": "either",
            "state_of_residence": "WA",
            "consent": "on",
            "website": "",
        }
        with self.client.post(
            "/consultation/",
            data=form,
            headers={**headers, "Referer": f"{self.host}/consultation/"},
            name="booking POST",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            # A redirect to the booking's page is success; a 200 re-shows the form (someone took the time first).
            if response.status_code not in (302, 303):
                response.failure(f"booking not made: {response.status_code}")
