"""`make drill`: the production stack on loopback, booked from many clients at once while things fail.

It starts web (granian), worker, beat, the release step, Redis and an SMTP server as drill/stack.py
describes, checks the production run (the home page served without a manual step, a booking made
as a browser makes it, its confirmation and alert delivered, /healthz 200 and then 503 without the
database), then books from many clients while it cuts every database connection, kills the worker,
stops Redis and the mail server and brings each back. It prints what visitors saw and what arrived,
and exits non-zero on any generic error page, error reply for a saved booking, double booking,
lost message or duplicate.

    python -m drill            # the full drill (about 10 minutes)
    python -m drill --short    # the short form .ci/run runs
"""

import argparse
import collections
import concurrent.futures
import contextlib
import datetime
import os
import random
import re
import signal
import sys
import tempfile
import threading
import time

from drill.stack import Stack, wait_for
from drill.visitor import Visitor

FRONT_DESK = "frontdesk@thriveforthepeople.example"
CLINICIAN = "mari@thriveforthepeople.example"
REFERENCE = re.compile(r"\(([0-9A-Z]{6,12})\)\s*$")


def say(message):
    print(f"[drill {datetime.datetime.now():%H:%M:%S}] {message}", flush=True)  # noqa: DTZ005 - a clock for people


class Phase:
    """Attempts from many clients at once while one fault happens beside them."""

    def __init__(self, name, attempts, fault=None):
        self.name, self.attempts, self.fault = name, attempts, fault


def book_many(stack, attempts, clients, slots):
    """`attempts` bookings from `clients` threads, half of them aimed at the same few times."""
    popular = slots[:5]

    def attempt(_):
        visitor = Visitor(stack.base_url)
        slot = random.choice(popular) if random.random() < 0.5 else random.choice(slots)
        return {**visitor.book(slot), "email": visitor.email}

    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        return list(pool.map(attempt, range(attempts)))


def cut_database_connections(stack, stop, every=0.5):
    while not stop.wait(every):
        stack.db_proxy.cut()


def kill_worker(stack, stop):
    # Wait until the worker is busy sending, then kill it without warning, and start a new one.
    stop.wait(2)
    stack.worker.kill(signal.SIGKILL)
    say("  worker killed (SIGKILL)")
    stop.wait(3)
    stack.worker.start()
    say("  worker started again")


def stop_redis(stack, stop, seconds=8):
    stop.wait(1)
    stack.redis.stop()
    say("  Redis stopped")
    stop.wait(seconds)
    stack.redis.start()
    say("  Redis started again")


def stop_mail(stack, stop, seconds=20):
    stack.mail.stop()
    say("  mail server stopped")
    stop.wait(seconds)
    stack.mail.start()
    say("  mail server started again")


def run_phase(stack, phase, clients, slots):
    stop = threading.Event()
    fault = threading.Thread(target=phase.fault, args=(stack, stop), daemon=True) if phase.fault else None
    if fault:
        fault.start()
    results = book_many(stack, phase.attempts, clients, slots)
    if fault:
        stop.set()
        fault.join()
    counts = collections.Counter(result["outcome"] for result in results)
    say(f"{phase.name}: {phase.attempts} attempts: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return [{**result, "phase": phase.name} for result in results]


def production_run(stack):
    """The checks of issue 14's production run; a list of what failed."""
    failed = []
    home = stack.status("/")
    say(f"home page on a fresh install: {home}")
    if home != 200:
        failed.append(f"the home page of a fresh install answered {home}, not 200")
    health = stack.status("/healthz")
    say(f"/healthz: {health}")
    if health != 200:
        failed.append(f"/healthz answered {health}, not 200")

    visitor = Visitor(stack.base_url)
    slots = visitor.open_times()
    if not slots:
        return [*failed, "the booking page offered no open time"]
    result = visitor.book(slots[len(slots) // 2])
    say(f"one booking over HTTP, as a browser: {result['outcome']} ({result['status']} at the {result['step']})")
    if result["outcome"] != "booked":
        return [*failed, f"a booking over HTTP was not made: {result}"]
    reference = stack.query("SELECT reference FROM consultations_consultation WHERE email = %s", [visitor.email])
    reference = reference[0][0] if reference else None
    with contextlib.suppress(RuntimeError):
        wait_for(
            lambda: {visitor.email, CLINICIAN} <= {m["to"] for m in stack.mail.mailbox.received()}, 60, "the emails"
        )
    received = stack.mail.mailbox.received()
    client = [m for m in received if m["to"] == visitor.email]
    alert = [m for m in received if m["to"] == CLINICIAN and reference and f"({reference})" in m["subject"]]
    say(f"client's confirmation arrived: {len(client)}; clinician's alert arrived: {len(alert)}")
    if len(client) != 1 or len(alert) != 1:
        failed.append(f"expected one confirmation and one alert, got {len(client)} and {len(alert)}")

    stack.db_proxy.stop()
    down = stack.status("/healthz")
    stack.db_proxy.start()
    say(f"/healthz with PostgreSQL unreachable: {down}")
    if down != 503:
        failed.append(f"/healthz answered {down} with the database unreachable, not 503")
    try:
        wait_for(lambda: stack.status("/healthz") == 200, 30, "/healthz to recover")
    except RuntimeError as error:
        failed.append(str(error))
    return failed


def messages_by_key(stack, emails):
    """Received messages per (recipient, booking reference), and the Message-IDs each arrived with."""
    refs = dict(stack.query("SELECT email, reference FROM consultations_consultation WHERE email = ANY(%s)", [emails]))
    keys = collections.defaultdict(list)
    for message in stack.mail.mailbox.received():
        reference = refs.get(message["to"])
        if reference is None and (found := REFERENCE.search(message["subject"])):
            reference = found.group(1)
        if reference:
            keys[(message["to"], reference)].append(message["id"])
    return keys


def expected_messages(stack, emails):
    """The booked messages the outbox holds for the drill's saved bookings: (recipient, reference) each."""
    rows = stack.query(
        "SELECT n.to_email, c.reference FROM consultations_notification n "
        "JOIN consultations_consultation c ON c.id = n.consultation_id "
        "WHERE c.email = ANY(%s) AND n.event = 'booked'",
        [emails],
    )
    return {(to.lower(), reference) for to, reference in rows}


def report(stack, results, quiet_seconds, drain_seconds):
    emails = [result["email"] for result in results]
    saved = {
        email
        for (email,) in stack.query("SELECT email FROM consultations_consultation WHERE email = ANY(%s)", [emails])
    }
    expected = expected_messages(stack, emails)
    {(email, ref) for email, ref in expected if email in saved}

    say(f"waiting up to {drain_seconds} s for the outbox to deliver {len(expected)} messages")
    deadline = time.monotonic() + drain_seconds
    while time.monotonic() < deadline:
        if expected <= set(messages_by_key(stack, emails)):
            break
        time.sleep(1)
    say(f"then {quiet_seconds} s more, for any late second copy")
    time.sleep(quiet_seconds)
    received = messages_by_key(stack, emails)

    outcomes = collections.Counter(result["outcome"] for result in results)
    generic_errors = [r for r in results if r["outcome"] == "error" and r["email"] not in saved]
    saved_errors = [r for r in results if r["outcome"] != "booked" and r["email"] in saved]
    unsaved_booked = [r for r in results if r["outcome"] == "booked" and r["email"] not in saved]
    doubles = stack.query(
        "SELECT clinician_id, starts_at, count(*) FROM consultations_consultation "
        "WHERE status = 'confirmed' AND starts_at IS NOT NULL GROUP BY 1, 2 HAVING count(*) > 1"
    )
    lost = sorted(expected - set(received))
    no_confirmation = [email for email in saved if not any(key[0] == email for key in received)]
    duplicates = {key: ids for key, ids in received.items() if len(set(ids)) > 1}
    same_id_copies = {key: ids for key, ids in received.items() if len(ids) > len(set(ids))}
    failed_rows = stack.query(
        "SELECT count(*) FROM consultations_notification n JOIN consultations_consultation c "
        "ON c.id = n.consultation_id WHERE c.email = ANY(%s) AND n.status = 'failed'",
        [emails],
    )[0][0]

    rows = [
        ("attempts", len(results), None),
        ("booked (confirmation page shown)", outcomes["booked"], None),
        ("refused (time taken, or the form shown again)", outcomes["refused"], None),
        ("503 pages (nothing booked, try again)", outcomes["unavailable"], None),
        ("generic error pages", len(generic_errors), 0),
        ("error replies for saved bookings", len(saved_errors), 0),
        ("confirmation shown but nothing saved", len(unsaved_booked), 0),
        ("double bookings", len(doubles), 0),
        ("messages expected (3 per saved booking)", len(expected), None),
        ("lost messages (never delivered)", len(lost), 0),
        ("saved bookings without a client confirmation", len(no_confirmation), 0),
        ("duplicates (one message twice, different Message-IDs)", sum(len(set(i)) - 1 for i in duplicates.values()), 0),
        ("repeats with the same Message-ID", sum(len(i) - len(set(i)) for i in same_id_copies.values()), None),
        ("outbox rows marked failed", failed_rows, 0),
    ]
    width = max(len(name) for name, _, _ in rows)
    print()
    for name, value, allowed in rows:
        flag = "  <-- FAILED" if allowed is not None and value > allowed else ""
        print(f"  {name:<{width}}  {value:>5}{flag}")
    print()
    by_phase = collections.defaultdict(collections.Counter)
    for result in [*generic_errors, *saved_errors]:
        by_phase[result["phase"]][f"{result['step']} {result['status']}"] += 1
    for phase, counts in by_phase.items():
        say(f"errors during {phase}: " + ", ".join(f"{k} ×{v}" for k, v in counts.items()))
    if duplicates:
        say(f"duplicated: {list(duplicates)[:5]}")
    if lost:
        say(f"lost: {lost[:5]}")
    return [name for name, value, allowed in rows if allowed is not None and value > allowed]


def main():
    parser = argparse.ArgumentParser(prog="python -m drill", description=__doc__.split("\n\n")[0])
    parser.add_argument("--short", action="store_true", help="the short form for CI: fewer attempts, compressed clocks")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--skip", action="append", default=[], help="leave out a phase (by its first word)")
    args = parser.parse_args()
    started = time.monotonic()
    database_url = os.environ.get("DRILL_DATABASE_URL") or os.environ.get(
        "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/thrive"
    )
    if not database_url.startswith(("postgres://", "postgresql://")):
        parser.error("the drill needs PostgreSQL: set DATABASE_URL (or DRILL_DATABASE_URL) to a postgres:// URL")
    n = 10 if args.short else 40
    phases = [
        Phase("load", 2 * n),
        Phase("database connections cut every 0.5 s", 3 * n, cut_database_connections),
        Phase("worker killed mid-send", n, kill_worker),
        Phase("Redis stopped", n, stop_redis),
        Phase("mail server down", n, stop_mail),
    ]
    phases = [phase for phase in phases if phase.name.split()[0].lower() not in args.skip]
    workdir = tempfile.mkdtemp(prefix="thrive-drill-")
    stack = Stack(
        workdir, database_url=database_url, settings_module="drill.settings" if args.short else "thrive.settings"
    )
    failed = []
    say(f"starting the stack (logs in {stack.logs})")
    try:
        stack.start()
        say(f"web on {stack.base_url}, Redis on {stack.redis.port}, mail on {stack.mail.port}")
        failed += production_run(stack)
        slots = Visitor(stack.base_url).open_times()
        say(f"{len(slots)} open times; {args.clients} clients")
        results = []
        for phase in phases:
            results += run_phase(stack, phase, args.clients, slots)
        stale = 60 if args.short else 5 * 60
        failed += report(stack, results, quiet_seconds=stale + 20, drain_seconds=3 * stale + 60)
    finally:
        stack.stop()
    say(f"done in {time.monotonic() - started:.0f} s")
    if failed:
        say("FAILED: " + "; ".join(failed))
        say(f"the processes' logs: {stack.logs}")
        sys.exit(1)
    say("passed")


if __name__ == "__main__":
    main()
