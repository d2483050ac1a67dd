"""The load the benchmark drives: one kind of visitor per run, chosen by class name on locust's command line.

Every user waits for nothing between requests, so 16 users keep 16 requests in flight.
"""

import os
import random
import uuid
from collections import deque

from gevent.lock import Semaphore
from locust import FastHttpUser, constant, task

from drill.visitor import DAY_LINK, SLOT_LINK, booking_form_filled

PATH = os.environ.get("BENCH_PATH", "/")
# The open times of every day in the horizon, shared by all users of this process (locust runs them as
# greenlets in one): each booking takes the time at the front and puts it at the back, so that no two
# bookings in flight want the same time and a time comes round again only once every other has been tried.
OPEN_TIMES = deque()
OPEN_TIMES_READ = Semaphore()


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
        # The open times once per process, every day's, read by the first user while the others wait:
        # the slot page has its own measurement.
        if OPEN_TIMES_READ.locked() or OPEN_TIMES:
            with OPEN_TIMES_READ:
                return
        with OPEN_TIMES_READ:
            first = self.slot_page("/consultation/")
            days = dict.fromkeys(DAY_LINK.findall(first))
            pages = [first, *(self.slot_page(f"/consultation/?day={day}") for day in days)]
            OPEN_TIMES.extend(dict.fromkeys(key for page in pages for key in SLOT_LINK.findall(page)))

    def slot_page(self, path):
        return self.client.get(path, name="slot page (before booking)").text or ""

    @task
    def book(self):
        if not OPEN_TIMES:
            return
        # Each booking comes from its own address (behind the one trusted proxy), as real visitors do.
        address = f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
        headers = {"X-Forwarded-For": address}
        key = OPEN_TIMES.popleft()
        form_page = self.client.get(f"/consultation/details/?slot={key}", name="booking form", headers=headers)
        form = booking_form_filled(
            form_page.text or "",
            slot=key,
            first_name="Bench",
            phone=f"206-{random.randint(200, 999)}-{random.randint(0, 9999):04d}",
            email=f"visitor-{uuid.uuid4().hex[:12]}@bench.example",
        )
        if form is None:
            return
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
            if response.status_code in (302, 303):
                OPEN_TIMES.append(key)  # another clinician may still be free then
            else:
                response.failure(f"booking not made: {response.status_code}")
