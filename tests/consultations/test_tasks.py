"""Beat's work (reminders, daily lists, the sweeper), the Celery settings that keep messages safe, and the admin."""

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerConnectionError

from consultations import tasks
from consultations.models import Consultation, ConsultationSettings, Notification
from consultations.outbox.sending import notification_send
from consultations.outbox.services import notifications_record, notifications_requeue_stale
from consultations.outbox.tasks import send_notifications
from tests.clinicians.factories import clinician_user, front_desk_user
from tests.consultations.admin_pages import admin_url
from tests.consultations.factories import ClinicianFactory, ConsultationFactory, pt
from tests.thrive.factories import SiteSettingsFactory
from thrive.celery import app as celery_app

pytestmark = pytest.mark.django_db

CALL = pt(2026, 3, 12, 15, 0)  # a Thursday afternoon


@pytest.fixture(autouse=True)
def site(db):
    return SiteSettingsFactory()


def recorded(consultation, event):
    """The outbox rows of ``event``, written in a transaction of their own as a service writes them."""
    with transaction.atomic():
        return notifications_record(consultation=consultation, event=event)


def book_at(moment, **kwargs):
    """A call booked (created) at ``moment``."""
    with time_machine.travel(moment, tick=False):
        return ConsultationFactory(**kwargs)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a beat task, then what it enqueued after its commits, as the worker would."""

    def _run(task):
        with django_capture_on_commit_callbacks(execute=True):
            return task.delay().get()

    return _run


@pytest.fixture
def run_reminders_at(run):
    def _run_at(moment):
        with time_machine.travel(moment, tick=False):
            return run(tasks.record_due_reminders)

    return _run_at


def reminders():
    return [m for m in mail.outbox if m.subject.startswith("A reminder")]


# -- Reminders ---------------------------------------------------------------------------------


def test_the_reminder_goes_once_when_the_window_opens(run_reminders_at):
    consultation = book_at(pt(2026, 3, 8, 9, 0), starts_at=CALL, email="river@example.com")

    assert run_reminders_at(CALL - datetime.timedelta(hours=24, minutes=5)) == 0
    assert run_reminders_at(CALL - datetime.timedelta(hours=23, minutes=58)) == 1
    assert run_reminders_at(CALL - datetime.timedelta(hours=23, minutes=50)) == 0

    [reminder] = reminders()
    assert reminder.to == ["river@example.com"]
    assert "Thursday, March 12, 2026 at 3:00 PM Pacific Time" in reminder.subject
    assert "/consultation/" in reminder.body
    assert consultation.reference in reminder.body


def test_the_reminder_time_is_set_by_the_front_desk(run_reminders_at):
    ConsultationSettings.objects.update_or_create(pk=1, defaults={"reminder_hours_before": 48})
    book_at(pt(2026, 3, 1, 9, 0), starts_at=CALL, email="river@example.com")

    run_reminders_at(CALL - datetime.timedelta(hours=47))

    assert len(reminders()) == 1


def test_no_reminder_for_a_call_booked_inside_the_reminder_window(run_reminders_at):
    book_at(CALL - datetime.timedelta(hours=10), starts_at=CALL, email="river@example.com")

    assert run_reminders_at(CALL - datetime.timedelta(hours=9)) == 0
    assert reminders() == []


def test_no_reminder_for_a_cancelled_call_or_a_client_without_email(run_reminders_at):
    book_at(pt(2026, 3, 1, 9, 0), starts_at=CALL, email="river@example.com", status=Consultation.Status.CANCELLED)
    book_at(pt(2026, 3, 1, 9, 0), starts_at=CALL, email="", clinician=ClinicianFactory())

    assert run_reminders_at(CALL - datetime.timedelta(hours=2)) == 0
    assert reminders() == []


def test_a_reminder_waiting_to_send_when_the_call_is_cancelled_is_not_sent():
    consultation = book_at(pt(2026, 3, 1, 9, 0), starts_at=CALL, email="river@example.com")
    with time_machine.travel(CALL - datetime.timedelta(hours=20), tick=False):
        with transaction.atomic():  # written, but (with no commit callbacks in this test) not yet sent
            [reminder] = notifications_record(consultation=consultation, event=Notification.Event.REMINDER)
        Consultation.objects.filter(pk=consultation.pk).update(status=Consultation.Status.CANCELLED)

        result = notification_send(notification_id=reminder.pk)

    assert result.status == Notification.Status.SKIPPED
    assert reminders() == []


def practice_moves(consultation, *, to, at):
    """The practice moves the call to ``to`` at the moment ``at``, and the outbox records the notice."""
    with time_machine.travel(at, tick=False):
        Consultation.objects.filter(pk=consultation.pk).update(starts_at=to)
        consultation.refresh_from_db()
        recorded(consultation, Notification.Event.PRACTICE_MOVED)


def test_a_call_moved_inside_the_window_gets_no_extra_reminder_but_a_call_moved_later_gets_its_own(run_reminders_at):
    consultation = book_at(pt(2026, 3, 1, 9, 0), starts_at=CALL, email="river@example.com")
    run_reminders_at(CALL - datetime.timedelta(hours=23))
    assert len(reminders()) == 1

    # Moved by the practice to the next day, a few hours before the first time: the client
    # hears the new time from the notice and then, when its window opens, gets its reminder.
    later = CALL + datetime.timedelta(days=1)
    practice_moves(consultation, to=later, at=CALL - datetime.timedelta(hours=5))
    run_reminders_at(later - datetime.timedelta(hours=23))
    assert len(reminders()) == 2

    # Moved again, inside its window: the notice of the move is the reminder.
    latest = later + datetime.timedelta(hours=2)
    practice_moves(consultation, to=latest, at=later - datetime.timedelta(hours=12))
    assert run_reminders_at(latest - datetime.timedelta(hours=10)) == 0
    assert len(reminders()) == 2


# -- Daily lists ---------------------------------------------------------------------------------


def test_each_clinician_gets_a_list_of_tomorrows_calls_without_client_details(run):
    mari = ClinicianFactory(full_name="Mari Tanaka", alert_email="mari@thrive.example")
    sam = ClinicianFactory(full_name="Sam Ortiz", alert_email="sam@thrive.example")
    ClinicianFactory(full_name="Ana Free", alert_email="ana@thrive.example")  # nothing tomorrow
    first = ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 12, 9, 15), first_name="Rivka", note="grief")
    second = ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 12, 16, 45))
    ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 12, 11, 0), status=Consultation.Status.CANCELLED)
    ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 13, 9, 0))  # the day after
    ConsultationFactory(clinician=sam, starts_at=pt(2026, 3, 12, 10, 0))

    with time_machine.travel(pt(2026, 3, 11, 17, 0), tick=False):
        assert run(tasks.record_daily_digests) == 2
        assert run(tasks.record_daily_digests) == 0

    assert sorted(m.to[0] for m in mail.outbox) == ["mari@thrive.example", "sam@thrive.example"]
    [digest] = [m for m in mail.outbox if m.to == ["mari@thrive.example"]]
    assert digest.subject == "2 consultation calls for you on Thursday, March 12"
    assert digest.body.index("9:15 AM") < digest.body.index("4:45 PM")
    assert "11:00 AM" not in digest.body
    assert first.reference in digest.body and second.reference in digest.body
    # One link: the clinician's day view for that date, not one per call.
    day_view = f"/consultations/consultation/day/?date=2026-03-12&clinician={mari.pk}"
    assert digest.body.count("http") == 1 and day_view in digest.body
    html = digest.alternatives[0].content
    assert html.count("<a ") == 1 and day_view.replace("&", "&amp;") in html
    for private in ("Rivka", "grief", first.email, str(first.phone)):
        assert private not in digest.body
        assert private not in digest.alternatives[0].content


def test_the_daily_list_covers_the_whole_day_when_the_clocks_go_back(run):
    mari = ClinicianFactory(alert_email="mari@thrive.example")
    # November 1, 2026 has 25 hours in Seattle.
    late = ConsultationFactory(clinician=mari, starts_at=pt(2026, 11, 1, 23, 30))
    next_day = ConsultationFactory(clinician=mari, starts_at=pt(2026, 11, 2, 0, 30))

    with time_machine.travel(pt(2026, 10, 31, 17, 0), tick=False):
        run(tasks.record_daily_digests)

    [digest] = mail.outbox
    assert late.reference in digest.body
    assert next_day.reference not in digest.body
    assert "11:30 PM" in digest.body


# -- The sweeper ---------------------------------------------------------------------------------


def test_the_sweeper_sends_messages_left_waiting_and_nothing_else(run):
    consultation = ConsultationFactory(email="river@example.com")
    now = pt(2026, 3, 2, 9, 0)
    with time_machine.travel(now, tick=False):
        with transaction.atomic():  # written without the commit callbacks running: as if the broker was down
            rows = notifications_record(consultation=consultation, event=Notification.Event.BOOKED)
        by_role = {row.recipient_role: row for row in rows}
        Notification.objects.filter(pk=by_role[Notification.Role.CLINICIAN].pk).update(
            next_attempt_at=now - datetime.timedelta(minutes=10)
        )
        Notification.objects.filter(pk=by_role[Notification.Role.FRONT_DESK].pk).update(
            next_attempt_at=now - datetime.timedelta(minutes=10), status=Notification.Status.FAILED
        )
        Notification.objects.filter(pk=by_role[Notification.Role.CLIENT].pk).update(
            next_attempt_at=now - datetime.timedelta(minutes=1)
        )

        assert run(tasks.requeue_stale_notifications) == 1

    assert [m.to for m in mail.outbox] == [[consultation.clinician.alert_email]]
    statuses = dict(Notification.objects.values_list("recipient_role", "status"))
    assert statuses == {
        Notification.Role.CLINICIAN: Notification.Status.SENT,
        Notification.Role.FRONT_DESK: Notification.Status.FAILED,
        Notification.Role.CLIENT: Notification.Status.PENDING,
    }


def test_a_message_left_mid_send_past_its_lease_is_sent_again_with_its_message_id(settings, run):
    consultation = ConsultationFactory(email="")
    now = pt(2026, 3, 2, 9, 0)
    with time_machine.travel(now, tick=False):
        [row, _] = recorded(consultation, Notification.Event.BOOKED)
        lease = datetime.timedelta(seconds=settings.NOTIFICATION_LEASE_SECONDS)
        # Its worker claimed it a lease and a second ago, then died before recording the outcome.
        Notification.objects.filter(pk=row.pk).update(
            status=Notification.Status.SENDING, attempts=1, next_attempt_at=now - datetime.timedelta(seconds=1)
        )
        Notification.objects.exclude(pk=row.pk).update(
            status=Notification.Status.SENDING, attempts=1, next_attempt_at=now - datetime.timedelta(seconds=1) + lease
        )

        assert run(tasks.requeue_stale_notifications) == 1

    [message] = mail.outbox
    assert message.to == [row.to_email]
    assert message.message()["Message-ID"] == row.message_id
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Notification.Status.SENT, 2)
    # The other is still inside its lease: its worker may be talking to the mail server right now.
    assert Notification.objects.exclude(pk=row.pk).get().status == Notification.Status.SENDING


def broker_down(*args, **kwargs):
    raise BrokerConnectionError("Redis is down")


def test_the_front_desk_sees_a_message_left_mid_send_as_maybe_delivered_while_it_waits(monkeypatch):
    consultation = ConsultationFactory(email="")
    [row, _] = recorded(consultation, Notification.Event.BOOKED)
    Notification.objects.filter(pk=row.pk).update(
        status=Notification.Status.SENDING, next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )

    monkeypatch.setattr(send_notifications, "delay", broker_down)

    assert notifications_requeue_stale() == 1

    row.refresh_from_db()
    assert row.status == Notification.Status.PENDING
    assert "may have been delivered" in row.last_error


def test_a_message_being_sent_is_not_sent_by_a_second_copy_of_its_task():
    consultation = ConsultationFactory(email="")
    [row, _] = recorded(consultation, Notification.Event.BOOKED)
    Notification.objects.filter(pk=row.pk).update(
        status=Notification.Status.SENDING, next_attempt_at=timezone.now() + datetime.timedelta(minutes=1)
    )

    assert notification_send(notification_id=row.pk).status == "nothing to do"
    assert mail.outbox == []


def test_each_message_carries_the_message_id_fixed_when_its_row_was_written(settings, run):
    settings.SITE_URL = "https://thriveforthepeople.example"
    consultation = ConsultationFactory(email="river@example.com")
    rows = recorded(consultation, Notification.Event.BOOKED)
    ids = [row.message_id for row in rows]

    for row in rows:
        notification_send(notification_id=row.pk)

    assert len(set(ids)) == 3
    assert all(re.fullmatch(r"<notification\.[0-9a-f]{32}@thriveforthepeople\.example>", i) for i in ids)
    assert sorted(m.message()["Message-ID"] for m in mail.outbox) == sorted(ids)
    assert consultation.email not in "".join(ids)
    assert [row.message_id for row in Notification.objects.order_by("pk")] == ids


def test_a_message_waiting_for_its_retry_is_left_to_it(settings, run):
    consultation = ConsultationFactory(email="")
    now = pt(2026, 3, 2, 9, 0)
    with time_machine.travel(now, tick=False):
        [row, other] = recorded(consultation, Notification.Event.BOOKED)
        # Written an hour ago, but its next try (the longest wait) is due in 10 minutes: not stale.
        Notification.objects.filter(pk=row.pk).update(next_attempt_at=now + datetime.timedelta(minutes=10))
        Notification.objects.filter(pk=other.pk).update(next_attempt_at=now - datetime.timedelta(hours=1))

        assert run(tasks.requeue_stale_notifications) == 1  # only the other one

    row.refresh_from_db()
    assert row.status == Notification.Status.PENDING


# -- Celery settings -----------------------------------------------------------------------------


def test_every_scheduled_beat_task_exists():
    celery_app.loader.import_default_modules()

    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in celery_app.tasks, entry["task"]


def test_tasks_survive_a_dying_worker_and_retries_fit_inside_the_visibility_timeout():
    conf = celery_app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.worker_cancel_long_running_tasks_on_connection_loss is False
    assert conf.task_publish_retry_policy["max_retries"] <= 2
    assert conf.broker_transport_options["socket_connect_timeout"] <= 2

    waits = [
        min(settings.NOTIFICATION_RETRY_BASE_SECONDS * 2**n, settings.NOTIFICATION_RETRY_MAX_SECONDS)
        for n in range(settings.NOTIFICATION_MAX_ATTEMPTS - 1)
    ]
    # A retry waits on the broker unacknowledged; Redis must not hand it out again meanwhile.
    assert max(waits) * 3 < conf.broker_transport_options["visibility_timeout"]


# -- The admin -----------------------------------------------------------------------------------


@pytest.fixture
def failed_and_sent():
    consultation = ConsultationFactory(email="river@example.com")
    with transaction.atomic():
        rows = {
            row.recipient_role: row
            for row in notifications_record(consultation=consultation, event=Notification.Event.BOOKED)
        }
    Notification.objects.filter(pk=rows[Notification.Role.CLIENT].pk).update(
        status=Notification.Status.FAILED, attempts=6, last_error="SMTPDataError: (451, 'Mailbox busy')"
    )
    Notification.objects.filter(pk=rows[Notification.Role.CLINICIAN].pk).update(status=Notification.Status.SENT)
    return rows


def test_the_front_desk_sees_failed_messages_with_their_error(client, failed_and_sent):
    client.force_login(front_desk_user())

    response = client.get(reverse("admin:consultations_notification_changelist"), {"status__exact": "failed"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Mailbox busy" in page
    assert "river@example.com" in page
    assert failed_and_sent[Notification.Role.FRONT_DESK].to_email not in page


def resend_from_the_admin(client, selected, **extra):
    return client.post(
        reverse("admin:consultations_notification_changelist"),
        {"action": "resend", "_selected_action": selected, **extra},
        follow=True,
    )


def test_resending_failed_messages_from_the_admin_sends_each_once_without_asking(
    client, failed_and_sent, django_capture_on_commit_callbacks
):
    client.force_login(front_desk_user())

    with django_capture_on_commit_callbacks(execute=True):
        response = resend_from_the_admin(client, [failed_and_sent[Notification.Role.CLIENT].pk])

    assert response.status_code == 200
    assert [m.to for m in mail.outbox] == [["river@example.com"]]
    resent = Notification.objects.get(pk=failed_and_sent[Notification.Role.CLIENT].pk)
    assert resent.status == Notification.Status.SENT
    assert resent.attempts == 1
    assert "will be sent again now" in response.content.decode()


@pytest.mark.parametrize("status", [Notification.Status.SENT, Notification.Status.SENDING])
def test_resending_a_message_that_may_have_been_delivered_asks_first_and_sends_nothing(
    client, failed_and_sent, django_capture_on_commit_callbacks, status
):
    clinician_row = failed_and_sent[Notification.Role.CLINICIAN]
    Notification.objects.filter(pk=clinician_row.pk).update(status=status)
    client.force_login(front_desk_user())
    selected = [failed_and_sent[Notification.Role.CLIENT].pk, clinician_row.pk]

    with django_capture_on_commit_callbacks(execute=True):
        response = resend_from_the_admin(client, selected)

    assert response.status_code == 200
    assert "may already be in the recipient" in response.content.decode()
    assert clinician_row.to_email in response.content.decode()
    assert mail.outbox == []
    assert Notification.objects.get(pk=clinician_row.pk).status == status


def test_a_confirmed_resend_sends_the_delivered_message_again_with_its_message_id(
    client, failed_and_sent, django_capture_on_commit_callbacks
):
    clinician_row = failed_and_sent[Notification.Role.CLINICIAN]
    client.force_login(front_desk_user())
    selected = [failed_and_sent[Notification.Role.CLIENT].pk, clinician_row.pk]

    with django_capture_on_commit_callbacks(execute=True):
        resend_from_the_admin(client, selected, confirmed="yes")

    assert sorted(m.to[0] for m in mail.outbox) == sorted(["river@example.com", clinician_row.to_email])
    [again] = [m for m in mail.outbox if m.to == [clinician_row.to_email]]
    assert again.message()["Message-ID"] == clinician_row.message_id
    assert Notification.objects.get(pk=clinician_row.pk).status == Notification.Status.SENT


def test_clinicians_cannot_open_the_outbox(client, failed_and_sent):
    client.force_login(clinician_user(ClinicianFactory()))

    response = client.get(reverse("admin:consultations_notification_changelist"))

    assert response.status_code == 403


def test_each_consultation_shows_its_emails_and_their_state(client, failed_and_sent):
    client.force_login(front_desk_user())
    consultation = failed_and_sent[Notification.Role.CLIENT].consultation

    response = client.get(admin_url("change", consultation))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Emails about this consultation" in page
    assert page.count("New booking") >= 3
    assert "Mailbox busy" in page
