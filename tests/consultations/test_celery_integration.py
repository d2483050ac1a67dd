"""A real booking through a real Celery worker (Redis) to a real SMTP server on loopback, and the faults in between.

These run only with REDIS_URL and a database server (as `.ci/run` does). The worker runs in a
thread of this process and reads committed rows, so the tests use transactional database access.
"""

import asyncio
import datetime
import email
import logging
import os
import socket
import threading
import time
from contextlib import contextmanager
from email import policy

import icalendar
import psycopg
import pytest
from aiosmtpd.controller import Controller
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connection, connections, transaction
from django.db.backends.signals import connection_created

from consultations.booking.services import consultation_book
from consultations.models import Consultation, Notification
from consultations.outbox.services import notifications_record, notifications_requeue_stale
from consultations.outbox.tasks import send_notification
from consultations.scheduling.selectors import slot_key
from tests.consultations.booking_pages import form_token
from tests.consultations.factories import (
    booking_form_data,
    open_practice,
)
from thrive.celery import app as celery_app

pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a real Redis: set REDIS_URL"),
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="a worker thread beside the test needs a real database server: SQLite's shared in-memory "
        "test database locks whole tables between threads. Set DATABASE_URL, as .ci/run does.",
    ),
]

CLOSED_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def wait_for(condition, timeout=30.0, what="the condition"):
    """Poll until condition() is true; fail with a clear message after timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"Timed out after {timeout} s waiting for {what}")


class Mailbox:
    """An SMTP server's handler: keeps what it accepts, can refuse the first tries or hold its answer."""

    def __init__(self):
        self.messages = []
        self.tries = {}
        self.refuse_first = 0
        # Cleared, the server takes each message in but answers nothing until it is set again.
        self.answering = threading.Event()
        self.answering.set()
        self.after_accepting = None  # called once a message is stored, before the 250 reply goes out
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        await asyncio.get_running_loop().run_in_executor(None, self.answering.wait)
        recipient = envelope.rcpt_tos[0]
        with self.lock:
            self.tries[recipient] = self.tries.get(recipient, 0) + 1
            if self.tries[recipient] <= self.refuse_first:
                return "451 4.3.0 Mailbox busy, try again later"
            self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        if self.after_accepting:
            self.after_accepting()
        return "250 Message accepted for delivery"

    def to(self, address):
        with self.lock:
            return [message for message in self.messages if message["To"] == address]

    def count(self):
        with self.lock:
            return len(self.messages)


class LoopbackController(Controller):
    """An SMTP server on loopback, on a port the system picks, so test runs side by side never collide."""

    def __init__(self, handler):
        self.listening = socket.create_server(("127.0.0.1", 0))
        super().__init__(handler, hostname="127.0.0.1", port=self.listening.getsockname()[1])

    def _create_server(self):
        return self.loop.create_server(self._factory_invoker, sock=self.listening, ssl=self.ssl_context)


@pytest.fixture
def mailbox(settings):
    handler = Mailbox()
    controller = LoopbackController(handler)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 15},
        }
    }
    yield handler
    handler.answering.set()
    controller.stop()


@contextmanager
def broker_for_publishing(url):
    """Point where this process publishes tasks (not where the worker listens) at another broker."""
    original = celery_app.conf.broker_url

    def point(to):
        # Only drop the references: kombu keeps one pool per broker address, and the
        # real broker's pool must still be open when publishing goes back to it.
        celery_app.conf.broker_url = to
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    point(url)
    try:
        yield
    finally:
        point(original)


@contextmanager
def logged_by(name):
    """The records one logger emits meanwhile (the embedded worker reconfigures logging, so caplog misses them)."""
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger(name)
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)  # the worker sets the root logger to errors only
    try:
        yield records
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


@pytest.fixture
def finished_tasks():
    """The ids of tasks the worker has finished, to know when a queue has been worked through."""
    finished = []

    def record(task_id=None, **kwargs):
        finished.append(task_id)
        # The worker thread's database connection: closed after each task so nothing outlives the test.
        connections.close_all()

    task_postrun.connect(record, weak=False)
    yield finished
    task_postrun.disconnect(record)


def _purge():
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge(celery_app.conf.task_default_queue)


@pytest.fixture
def worker_factory(settings, mailbox, finished_tasks):
    # Short waits between tries, so a test sees three attempts in well under a second.
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 0.2
    settings.NOTIFICATION_RETRY_MAX_SECONDS = 1.0
    celery_app.conf.task_always_eager = False
    _purge()

    @contextmanager
    def run(pool="solo", concurrency=1):
        with start_worker(
            celery_app, pool=pool, concurrency=concurrency, perform_ping_check=False, shutdown_timeout=30
        ) as worker:
            yield worker

    # Starting a worker sets up logging for it (the root logger at errors only); later tests
    # that look at warnings must find logging as they expect it.
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    yield run
    root.setLevel(level)
    root.handlers[:] = handlers
    _purge()


@pytest.fixture
def practice(db):
    return open_practice()


@pytest.fixture
def saved_booking(worker_factory, practice):
    """A confirmed call without a client email, saved with its outbox rows (the clinician's, the front desk's).

    The sending the commit enqueued is purged, so each test delivers exactly the tasks it names.
    """
    clinician, starts_at = practice
    with transaction.atomic():
        consultation = Consultation.objects.create(
            clinician=clinician,
            starts_at=starts_at,
            status=Consultation.Status.CONFIRMED,
            first_name="River",
            last_name="Example",
            phone="+12062010142",
            state_of_residence="WA",
        )
        rows = notifications_record(consultation=consultation, event=Notification.Event.BOOKED)
    _purge()
    return rows


@pytest.fixture
def one_waiting_row(saved_booking):
    """The clinician's row of that booking, the only one still to be sent."""
    row, *others = saved_booking
    Notification.objects.filter(pk__in=[other.pk for other in others]).update(status=Notification.Status.SENT)
    return row


def book(practice, **contact):
    clinician, starts_at = practice
    details = {
        "first_name": "River",
        "last_name": "Example",
        "phone": "+12062010142",
        "email": "river@example.com",
        "service": Consultation.Service.INDIVIDUAL,
        "session_format": Consultation.Format.ONLINE,
        "state_of_residence": "WA",
        "note": "Please don't leave a voicemail about my anxiety.",
    }
    consultation = Consultation(**(details | contact))
    return consultation_book(consultation=consultation, starts_at=starts_at, clinician=clinician)


def book_in_the_browser_way(client, practice, **overrides):
    """Submit the booking form as a person does: open the form for a time, fill it in, send it."""
    _, starts_at = practice
    slot = slot_key(starts_at)
    token = form_token(client.get("/consultation/details/", {"slot": slot}))
    data = booking_form_data(
        **{
            "slot": slot,
            "first_name": "River",
            "last_name": "Example",
            "phone": "206-201-0142",
            "email": "river@example.com",
            "voicemail_ok": "no",
            "service": "individual",
            "session_format": "online",
            "state_of_residence": "WA",
            "note": "Please don't leave a voicemail about my anxiety.",
            "form_token": token,
        }
        | overrides
    )
    return client.post("/consultation/details/", data)


def all_sent():
    return Notification.objects.exists() and not Notification.objects.exclude(status=Notification.Status.SENT).exists()


def test_a_real_booking_reaches_clinician_front_desk_and_client_through_the_worker(
    client, worker_factory, mailbox, practice
):
    with worker_factory():
        response = book_in_the_browser_way(client, practice)
        assert response.status_code == 302
        consultation = Consultation.objects.get()
        wait_for(lambda: mailbox.count() == 3, what="three messages")
        wait_for(all_sent, what="the outbox marked sent")

    client = mailbox.to("river@example.com")[0]
    assert consultation.reference in client.get_body(("plain",)).get_content()
    [ics] = [part for part in client.iter_attachments() if part.get_content_type() == "text/calendar"]
    [event] = icalendar.Calendar.from_ical(ics.get_content()).walk("VEVENT")
    assert event.start == consultation.starts_at
    assert event["DTSTART"].params["TZID"] == "America/Los_Angeles"
    for staff in ("mari@thrive.example", "frontdesk@thrive.example"):
        [message] = mailbox.to(staff)
        text = message.get_body(("plain",)).get_content()
        assert consultation.reference in text
        assert "anxiety" not in message.as_string()
        assert "River" not in message.as_string()


def test_a_mail_server_refusing_the_first_tries_gets_each_message_exactly_once(
    worker_factory, mailbox, practice, finished_tasks
):
    mailbox.refuse_first = 2

    with worker_factory():
        book(practice)
        wait_for(all_sent, what="every message sent after the refusals")
        # Deliver every task again: each finds its message sent and does nothing.
        extra = [send_notification.delay(pk).id for pk in Notification.objects.values_list("pk", flat=True)]
        wait_for(lambda: set(extra) <= set(finished_tasks), what="the repeated tasks to run")

    assert sorted(mailbox.tries.values()) == [3, 3, 3]
    for address in ("river@example.com", "mari@thrive.example", "frontdesk@thrive.example"):
        assert len(mailbox.to(address)) == 1
    assert set(Notification.objects.values_list("attempts", flat=True)) == {3}


def test_with_the_broker_down_the_booking_still_succeeds_fast_and_the_sweeper_sends_later(
    worker_factory, mailbox, practice
):
    with worker_factory():
        with broker_for_publishing(CLOSED_BROKER), logged_by("consultations.outbox.services") as logged:
            started = time.monotonic()
            consultation = book(practice)
            booking_seconds = time.monotonic() - started

        assert booking_seconds < 2.5
        # One refused publish is enough: the other two messages don't make the client wait again.
        assert [r.levelname for r in logged if "Broker unreachable" in r.getMessage()] == ["WARNING"]
        assert Consultation.objects.filter(pk=consultation.pk, status=Consultation.Status.CONFIRMED).exists()
        assert set(Notification.objects.values_list("status", flat=True)) == {Notification.Status.PENDING}
        assert mailbox.count() == 0

        # The broker is back; beat's sweeper finds the waiting rows.
        assert notifications_requeue_stale(older_than=datetime.timedelta(0)) == 3
        wait_for(lambda: mailbox.count() == 3, what="the swept messages")
        wait_for(all_sent, what="the outbox marked sent")

    assert len(mailbox.to("river@example.com")) == 1


def test_the_same_task_delivered_twice_sends_once(worker_factory, mailbox, saved_booking, finished_tasks):
    rows = saved_booking
    with worker_factory():
        duplicates = [send_notification.delay(row.pk).id for row in rows for _ in range(2)]
        wait_for(lambda: set(duplicates) <= set(finished_tasks), what="all the deliveries to run")

    assert len(rows) == 2  # clinician and front desk: no client email given
    assert mailbox.count() == 2


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks with SKIP LOCKED need PostgreSQL")
def test_two_workers_racing_for_one_message_send_it_once(worker_factory, mailbox, one_waiting_row, finished_tasks):
    row = one_waiting_row
    # The copy that claims the message is held at the mail server until the other copy has run.
    mailbox.answering.clear()

    with worker_factory(pool="threads", concurrency=2):
        copies = [send_notification.delay(row.pk).id for _ in range(2)]
        wait_for(lambda: set(copies) & set(finished_tasks), what="the copy that found the message claimed")
        mailbox.answering.set()
        wait_for(lambda: set(copies) <= set(finished_tasks), what="both copies to run")

    assert mailbox.count() == 1
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT
    assert row.attempts == 1


def test_with_a_mail_server_not_answering_the_booking_request_does_not_wait_for_it(
    client, worker_factory, mailbox, practice
):
    mailbox.answering.clear()
    _, starts_at = practice

    with worker_factory():
        slot = slot_key(starts_at)
        client.get("/consultation/details/", {"slot": slot})  # warm up: the first request loads templates
        started = time.monotonic()
        response = book_in_the_browser_way(client, practice)
        booking_seconds = time.monotonic() - started
        # The booking has returned while the mail server still holds every message unanswered.
        assert mailbox.count() == 0
        mailbox.answering.set()
        wait_for(lambda: mailbox.count() >= 1, what="the first message once the server answers")

    assert response.status_code == 302
    # Sending in the request would have waited for the SMTP timeout (15 s): the server answers only
    # after the request returned. The bound leaves a loaded machine room and still tells the two apart.
    assert booking_seconds < 10, f"booking took {booking_seconds:.2f} s with a mail server not answering"


@contextmanager
def worker_connections():
    """The backend process ids of the database connections other threads open meanwhile (the worker's)."""
    pids = []
    test_thread = threading.get_ident()

    def record(sender, connection, **kwargs):
        if threading.get_ident() != test_thread:
            pids.append(connection.connection.info.backend_pid)

    connection_created.connect(record, weak=False)
    try:
        yield pids
    finally:
        connection_created.disconnect(record)


def terminate_backend(pid):
    """Cut one database connection from the server's side, as a failover or a restarted pooler does."""
    params = connection.get_connection_params()
    where = {key: params[key] for key in ("dbname", "user", "password", "host", "port") if params.get(key)}
    with psycopg.connect(**where, autocommit=True) as admin:
        # The timeout makes the call wait until the backend has really gone.
        return admin.execute("SELECT pg_terminate_backend(%s, 5000)", [pid]).fetchone()[0]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="cuts a connection with pg_terminate_backend")
def test_a_message_the_mail_server_accepted_is_sent_once_when_the_worker_then_loses_the_database(
    worker_factory, mailbox, one_waiting_row, finished_tasks
):
    row = one_waiting_row
    cut = []

    with worker_factory(), worker_connections() as pids:
        # Right after the mail server accepts, the connection the worker sends with is cut.
        mailbox.after_accepting = lambda: cut.append(terminate_backend(pids[-1]))
        send_notification.delay(row.pk)
        wait_for(lambda: Notification.objects.get(pk=row.pk).status == Notification.Status.SENT, what="sent")
        mailbox.after_accepting = None
        # Everything that could send it again: the sweeper, and the task delivered a second time.
        assert notifications_requeue_stale(older_than=datetime.timedelta(0)) == 0
        again = send_notification.delay(row.pk).id
        wait_for(lambda: again in finished_tasks, what="the repeated task to run")

    assert cut == [True]
    [message] = mailbox.messages
    assert message["Message-ID"] == row.message_id
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Notification.Status.SENT, 1)
