"""Database faults on the real PostgreSQL: a saved booking is answered as saved, an unreachable one gets the 503 page.

Connections are cut from the server's side (pg_terminate_backend), as a failover, a restarted
pooler or an idle timeout does; "unreachable" points the site at a port where nothing listens.
Each fault fires at a chosen point of the request, so the tests are deterministic.
"""

import datetime
import socket
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property

import psycopg
import pytest
from django.db import OperationalError, connection, transaction
from django.db.models.signals import post_save
from django.test import Client
from django.utils import timezone

from consultations.models import Consultation
from consultations.scheduling.selectors import slot_key
from consultations.tokens import consultation_token
from tests.clinicians.factories import StaffUserFactory
from tests.consultations.booking_pages import form_token
from tests.consultations.factories import (
    ConsultationFactory,
    booking_form_data,
    open_practice,
)
from tests.responses import assert_page
from thrive.outage import wait_for_transaction_end

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="cuts connections with pg_terminate_backend: set DATABASE_URL to a PostgreSQL database",
    ),
]

PHONE = "206-555-0199"


def terminate_backend(pid):
    """Cut one database connection from the server's side; returns once the backend has gone."""
    params = connection.get_connection_params()
    where = {key: params[key] for key in ("dbname", "user", "password", "host", "port") if params.get(key)}
    with psycopg.connect(**where, autocommit=True) as admin:
        return admin.execute("SELECT pg_terminate_backend(%s, 5000)", [pid]).fetchone()[0]


def cut_this_connection():
    return terminate_backend(connection.connection.info.backend_pid)


@contextmanager
def database_unreachable():
    """Point the site at a loopback port nobody listens on: every connection attempt is refused."""
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))  # bound, never listening: nothing else can take it meanwhile
        where = connection.settings_dict
        original = where["HOST"], where["PORT"]
        connection.close()
        where["HOST"], where["PORT"] = "127.0.0.1", unused.getsockname()[1]
        try:
            yield
        finally:
            connection.close()
            where["HOST"], where["PORT"] = original


@pytest.fixture
def practice():
    """The slot key of an open time at a practice with its own phone number, which the 503 page must show."""
    _, starts_at = open_practice(phone=PHONE)
    return slot_key(starts_at)


@pytest.fixture
def visitor():
    # Error pages are part of what is tested: the client answers as a browser would see them.
    return Client(raise_request_exception=False)


def booking_form(client, slot):
    token = form_token(client.get("/consultation/details/", {"slot": slot}))
    return booking_form_data(
        slot=slot,
        first_name="River",
        last_name="Example",
        phone="206-555-0242",
        email="river@example.com",
        voicemail_ok="no",
        note="Mornings are best for me.",
        form_token=token,
    )


@contextmanager
def cut_right_after_a_booking_commits():
    cuts = []

    def on_booking(sender, instance, created, **kwargs):
        if created:
            transaction.on_commit(lambda: cuts.append(cut_this_connection()))

    post_save.connect(on_booking, sender=Consultation, weak=False)
    try:
        yield cuts
    finally:
        post_save.disconnect(on_booking, sender=Consultation)


@contextmanager
def cut_at_a_commit(*, went_through, armed=lambda: True):
    """Cut the connection at the first COMMIT once ``armed()``: after the server applied it (reply lost) or before."""
    cuts = []
    real_commit = connection._commit

    def commit():
        if not armed() or cuts:
            return real_commit()
        if went_through:
            real_commit()
        cuts.append(cut_this_connection())
        if went_through:
            raise OperationalError("server closed the connection unexpectedly")
        return real_commit()  # the server has gone: this raises

    connection._commit = commit
    try:
        yield cuts
    finally:
        del connection._commit


@contextmanager
def cut_as_the_booking_commits(*, went_through):
    """Cut the connection at the COMMIT of the transaction that saves a booking."""
    booked = []

    def on_booking(sender, instance, created, **kwargs):
        booked.append(created)

    post_save.connect(on_booking, sender=Consultation, weak=False)
    try:
        with cut_at_a_commit(went_through=went_through, armed=lambda: booked) as cuts:
            yield cuts
    finally:
        post_save.disconnect(on_booking, sender=Consultation)


@contextmanager
def cut_before_the_next_query():
    cuts = []

    def cut_once(execute, sql, params, many, context):
        if not cuts:
            cuts.append(terminate_backend(context["connection"].connection.info.backend_pid))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(cut_once):
        yield cuts


def assert_confirmation(response, consultation):
    assert response.status_code == 200
    # The private link's token carries a timestamp, so compare where it leads, not its text.
    assert response.redirect_chain[-1][0].startswith("/consultation/")
    page = response.content.decode()
    assert "Your free consultation" in page
    assert consultation.reference in page


def test_a_booking_whose_connection_is_cut_right_after_it_commits_is_answered_with_its_confirmation(visitor, practice):
    data = booking_form(visitor, practice)

    with cut_right_after_a_booking_commits() as cuts:
        response = visitor.post("/consultation/details/", data, follow=True)

    assert cuts == [True]
    consultation = Consultation.objects.get()
    assert_confirmation(response, consultation)


def test_a_booking_committed_as_its_connection_is_cut_is_answered_with_its_confirmation_and_its_messages(
    visitor, practice, mailoutbox
):
    data = booking_form(visitor, practice)

    with cut_as_the_booking_commits(went_through=True) as cuts:
        response = visitor.post("/consultation/details/", data, follow=True)

    assert cuts == [True]
    consultation = Consultation.objects.get()
    assert_confirmation(response, consultation)
    # The commit's own enqueueing was lost with the connection; the messages went out all the same.
    assert consultation.notifications.filter(status="pending").count() == 0
    assert {message.to[0] for message in mailoutbox} >= {"river@example.com"}


def test_a_booking_whose_connection_is_cut_before_it_commits_gets_the_503_page(visitor, practice):
    data = booking_form(visitor, practice)

    with cut_as_the_booking_commits(went_through=False) as cuts:
        response = visitor.post("/consultation/details/", data)

    assert cuts == [True]
    assert_database_down_page(response, says="Nothing was booked.")
    assert not Consultation.objects.exists()


@contextmanager
def cut_the_first_query_after(cuts):
    """Once ``cuts`` has a cut in it, cut the next query's connection as well: the check after a lost commit."""
    second = []

    def cut_once(execute, sql, params, many, context):
        if cuts and not second:
            second.append(terminate_backend(context["connection"].connection.info.backend_pid))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(cut_once):
        yield second


@pytest.mark.parametrize("went_through", [True, False])
def test_a_booking_whose_commit_and_then_its_check_are_cut_says_it_cant_tell_and_sending_again_books_once(
    visitor, practice, went_through
):
    data = booking_form(visitor, practice)

    with cut_as_the_booking_commits(went_through=went_through) as cuts, cut_the_first_query_after(cuts) as second:
        response = visitor.post("/consultation/details/", data)

    assert (cuts, second) == ([True], [True])
    page = assert_database_down_page(response, says="We can't tell yet whether that went through")
    assert "Nothing was booked" not in page
    assert "never books twice" in page
    # The form comes back with its one-time token, which is what makes sending it again safe.
    assert f'name="form_token" value="{data["form_token"]}"' in page
    assert Consultation.objects.count() == (1 if went_through else 0)

    again = visitor.post("/consultation/details/", data, follow=True)

    consultation = Consultation.objects.get()
    assert_confirmation(again, consultation)


def test_the_confirmation_page_loads_when_its_connection_is_cut_as_it_loads(visitor, practice):
    response = visitor.post("/consultation/details/", booking_form(visitor, practice))
    assert response.status_code == 302

    with cut_before_the_next_query() as cuts:
        confirmation = visitor.get(response["Location"], follow=True)

    assert cuts == [True]
    confirmation.redirect_chain = [(response["Location"], 302)]
    assert_confirmation(confirmation, Consultation.objects.get())


def assert_database_down_page(response, *, says):
    page = assert_page(response, 503, says=[says, PHONE], leaves_out=["Something went wrong"])
    assert response["Retry-After"].isdigit()
    assert "no-store" in response["Cache-Control"]
    return page


@dataclass
class ChangeToACall:
    """A cancel or a move from the private link of a call booked through the form (Mari's, at the open time)."""

    name: str
    consultation: Consultation
    told: str  # what the client reads once it is made
    not_done: str  # what the 503 page says wasn't done

    @cached_property
    def path(self):
        # Once: the private link's token carries the moment it was made.
        return f"/consultation/{consultation_token(self.consultation)}/{self.name}/"

    def post(self, visitor, **kwargs):
        data = {}
        if self.name == "reschedule":
            data = {"slot": slot_key(self.moved_to), "current": slot_key(self.consultation.starts_at)}
        return visitor.post(self.path, data, **kwargs)

    @property
    def moved_to(self):
        return self.consultation.starts_at + datetime.timedelta(hours=1)

    def made(self):
        now = Consultation.objects.get(pk=self.consultation.pk)
        if self.name == "cancel":
            return now.status == Consultation.Status.CANCELLED
        return now.starts_at == self.moved_to


@pytest.fixture(params=["cancel", "reschedule"])
def change(request, visitor, practice):
    assert visitor.post("/consultation/details/", booking_form(visitor, practice)).status_code == 302
    told, not_done = {
        "cancel": ("Your call is cancelled.", "Your call was not cancelled."),
        "reschedule": ("Your call has been moved to its new time.", "Your call was not moved."),
    }[request.param]
    return ChangeToACall(request.param, Consultation.objects.get(), told=told, not_done=not_done)


def test_a_change_committed_as_its_connection_is_cut_is_answered_as_made_and_its_messages_sent(
    visitor, change, mailoutbox
):
    mailoutbox.clear()

    with cut_at_a_commit(went_through=True) as cuts:
        response = change.post(visitor, follow=True)

    assert cuts == [True]
    assert_page(response, 200, says=[change.told])
    assert change.made()
    # The commit's own enqueueing was lost with the connection; the messages went out all the same.
    assert not change.consultation.notifications.filter(status="pending").exists()
    assert "river@example.com" in {message.to[0] for message in mailoutbox}


def test_a_change_whose_connection_is_cut_before_it_commits_says_it_was_not_made(visitor, change):
    with cut_at_a_commit(went_through=False) as cuts:
        response = change.post(visitor)

    assert cuts == [True]
    assert_database_down_page(response, says=change.not_done)
    assert not change.made()


@pytest.mark.parametrize("went_through", [True, False])
def test_a_change_whose_commit_and_then_its_check_are_cut_says_it_cant_tell_and_how_to_see(
    visitor, change, went_through
):
    with cut_at_a_commit(went_through=went_through) as cuts, cut_the_first_query_after(cuts) as second:
        response = change.post(visitor)

    assert (cuts, second) == ([True], [True])
    page = assert_database_down_page(response, says="We can't tell yet whether that went through")
    assert change.not_done not in page
    assert f'<a href="{change.path}">Open this page again</a>' in page
    assert change.made() == went_through


def test_a_booking_with_the_database_unreachable_gets_the_503_page_with_what_was_typed(visitor, practice):
    data = booking_form(visitor, practice)

    with database_unreachable():
        response = visitor.post("/consultation/details/", data)

    page = assert_database_down_page(response, says="Nothing was booked.")
    for typed in ('value="River"', 'value="Example"', 'value="206-555-0242"', 'value="river@example.com"'):
        assert typed in page
    assert "Mornings are best for me." in page
    assert f'name="form_token" value="{data["form_token"]}"' in page
    assert f'name="slot" value="{practice}"' in page
    assert 'action="/consultation/details/"' in page
    assert not Consultation.objects.exists()


def test_opening_the_booking_form_with_the_database_unreachable_gets_the_503_page(visitor, practice):
    with database_unreachable():
        response = visitor.get("/consultation/details/", {"slot": practice})

    assert_database_down_page(response, says="We can't open this page right now")


def test_a_privacy_request_with_the_database_unreachable_keeps_what_was_typed(visitor, practice):
    data = {"kind": "delete", "full_name": "River Example", "email": "river@example.com", "details": "Booked in May."}

    with database_unreachable():
        response = visitor.post("/privacy/request/", data)

    page = assert_database_down_page(response, says="Your request was not sent.")
    assert 'value="River Example"' in page
    assert "Booked in May." in page


@pytest.mark.parametrize(
    ("action", "says"), [("cancel", "Your call was not cancelled."), ("reschedule", "Your call was not moved.")]
)
def test_a_private_link_action_with_the_database_unreachable_gets_the_503_page(visitor, practice, action, says):
    consultation = ConsultationFactory(starts_at=timezone.now() + datetime.timedelta(days=3))
    url = f"/consultation/{consultation_token(consultation)}/{action}/"

    with database_unreachable():
        response = visitor.post(url, {"slot": practice})

    assert_database_down_page(response, says=says)
    consultation.refresh_from_db()
    assert consultation.status != Consultation.Status.CANCELLED


def test_staff_in_the_admin_get_a_plain_message_when_the_database_is_unreachable(visitor, practice, settings):
    visitor.force_login(StaffUserFactory(is_superuser=True))

    with database_unreachable():
        response = visitor.get(f"/{settings.ADMIN_URL}consultations/consultation/")

    assert response.status_code == 503
    page = response.content.decode()
    assert "The database can't be reached" in page
    assert "Traceback" not in page


def test_waiting_for_a_lost_connection_ends_once_its_transaction_has():
    params = connection.get_connection_params()
    where = {key: params[key] for key in ("dbname", "user", "password", "host", "port") if params.get(key)}
    with psycopg.connect(**where) as other:
        other.execute("SELECT 1")  # a transaction left open, as one cut before its COMMIT arrived
        process = other.info.backend_pid

        assert wait_for_transaction_end(process, seconds=0.1, every=0.01) is False

        other.commit()
        assert wait_for_transaction_end(process, seconds=5) is True
