"""Who hears about what, and what each message may say: the outbox, run inline with the in-memory mailer."""

import datetime
import smtplib
from unittest import mock

import icalendar
import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

from consultations.booking.services import consultation_cancel
from consultations.models import Consultation, ConsultationSettings, Notification
from consultations.outbox import services as outbox_services
from consultations.outbox.sending import notification_send
from consultations.outbox.services import notifications_record
from consultations.outbox.tasks import send_notification, send_notifications
from consultations.timefmt import PRACTICE_TZ
from consultations.tokens import consultation_from_token
from tests.consultations.factories import (
    PERSONAL_DETAIL_PIECES,
    PERSONAL_DETAILS,
    ClinicianFactory,
    ConsultationFactory,
    pt,
)
from tests.thrive.factories import SiteSettingsFactory

pytestmark = pytest.mark.django_db

NOTE = "I have been struggling with panic attacks since my divorce"


@pytest.fixture(autouse=True)
def site(db):
    return SiteSettingsFactory()


@pytest.fixture
def record(django_capture_on_commit_callbacks):
    """Record an event the way the booking services do: inside the transaction, sending after the commit."""

    def _record(consultation, event):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            rows = notifications_record(consultation=consultation, event=event)
        return rows

    return _record


def sent_to(address):
    return [message for message in mail.outbox if message.to == [address]]


def whole_text(message):
    """Everything a reader could see: subject, text, HTML and attachments."""
    parts = [message.subject, message.body, *(content for content, _ in message.alternatives)]
    parts += [content.decode() if isinstance(content, bytes) else str(content) for _, content, _ in message.attachments]
    return "\n".join(parts)


def booking(**kwargs):
    kwargs.setdefault("clinician", ClinicianFactory(full_name="Mari Tanaka", alert_email="mari@thrive.example"))
    kwargs.setdefault("starts_at", pt(2026, 3, 10, 15, 15))
    kwargs.setdefault("email", "river@example.com")
    return ConsultationFactory(**kwargs)


def test_a_booking_alerts_the_clinician_and_front_desk_and_confirms_to_the_client(record):
    consultation = booking()

    record(consultation, Notification.Event.BOOKED)

    assert sorted(message.to[0] for message in mail.outbox) == [
        "frontdesk@thrive.example",
        "mari@thrive.example",
        "river@example.com",
    ]
    client = sent_to("river@example.com")[0]
    assert "Tuesday, March 10, 2026 at 3:15 PM Pacific Time" in client.subject
    assert consultation.reference in client.body
    assert "Mari Tanaka" in client.body
    clinician = sent_to("mari@thrive.example")[0]
    assert consultation.reference in clinician.subject
    assert "/consultations/consultation/" in clinician.body
    assert f"/consultations/consultation/{consultation.pk}/change/" in clinician.body
    assert set(Notification.objects.values_list("status", flat=True)) == {Notification.Status.SENT}
    assert all(n.sent_at is not None and n.attempts == 1 for n in Notification.objects.all())


def test_every_message_has_text_and_html_and_comes_from_the_practice(record, site):
    record(booking(), Notification.Event.BOOKED)

    assert len(mail.outbox) == 3
    for message in mail.outbox:
        assert message.body.strip()
        assert message.alternatives[0].mimetype == "text/html"
        assert message.alternatives[0].content.lstrip().startswith("<!DOCTYPE html>")
        assert message.from_email == "Thrive for the People <hello@thriveforthepeople.example>"
    assert sent_to("river@example.com")[0].reply_to == ["hello@thrive.example"]
    assert sent_to("mari@thrive.example")[0].reply_to == ["frontdesk@thrive.example"]


def test_staff_messages_carry_no_client_details_and_never_the_note(record):
    consultation = booking(
        **PERSONAL_DETAILS, service=Consultation.Service.COUPLES, session_format=Consultation.Format.ONLINE
    )

    record(consultation, Notification.Event.BOOKED)
    consultation.refresh_from_db()
    record(consultation, Notification.Event.CANCELLED)

    staff = [m for m in mail.outbox if m.to != [consultation.email]]
    assert len(staff) == 4  # booked and cancelled, each to the clinician and the front desk
    for message in staff:
        text = whole_text(message)
        for private in PERSONAL_DETAIL_PIECES:
            assert private not in text, f"{private!r} leaked into {message.subject!r}"
        assert "Couples therapy, online" in text
        assert consultation.reference in text
    client_text = whole_text(sent_to(consultation.email)[0])
    assert consultation.note not in client_text
    assert "Billie" in client_text


def test_client_confirmation_carries_the_private_manage_link(record):

    consultation = booking()

    record(consultation, Notification.Event.BOOKED)

    body = sent_to("river@example.com")[0].body
    link = next(line for line in body.splitlines() if "/consultation/" in line).strip()
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert link.startswith("http://127.0.0.1:8000/consultation/")
    assert consultation_from_token(token) == consultation


@pytest.mark.parametrize(
    ("local_start", "utc_offset_hours"),
    [
        # The Monday after daylight saving starts (March 8, 2026) and after it ends (November 1, 2026).
        (datetime.datetime(2026, 3, 9, 10, 0), -7),
        (datetime.datetime(2026, 11, 2, 10, 0), -8),
        (datetime.datetime(2026, 3, 6, 10, 0), -8),
    ],
)
def test_calendar_invitation_is_in_pacific_time_across_daylight_saving(record, local_start, utc_offset_hours):
    consultation = booking(starts_at=local_start.replace(tzinfo=PRACTICE_TZ))

    record(consultation, Notification.Event.BOOKED)

    message = sent_to("river@example.com")[0]
    [(filename, content, mimetype)] = message.attachments
    assert filename == f"consultation-{consultation.reference}.ics"
    assert mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(content)
    [event] = calendar.walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == "America/Los_Angeles"
    assert event.start.replace(tzinfo=None) == local_start
    assert event.start.utcoffset() == datetime.timedelta(hours=utc_offset_hours)
    assert event.end - event.start == datetime.timedelta(minutes=15)
    assert event.start == consultation.starts_at
    assert [tz.tz_name for tz in calendar.timezones] == ["America/Los_Angeles"]
    assert consultation.reference in str(event["UID"])


def test_a_callback_request_alerts_the_front_desk_and_acknowledges_the_client(record):
    consultation = booking(starts_at=None, clinician=None, preferred_days="Tuesdays", preferred_times="evenings")

    record(consultation, Notification.Event.CALLBACK_REQUESTED)

    assert sorted(m.to[0] for m in mail.outbox) == ["frontdesk@thrive.example", "river@example.com"]
    front_desk = sent_to("frontdesk@thrive.example")[0]
    assert "callback" in front_desk.subject.lower()
    assert "Tuesdays" in front_desk.body
    assert not sent_to("river@example.com")[0].attachments


def test_without_an_email_address_the_client_gets_nothing_but_staff_are_still_told(record):
    record(booking(email=""), Notification.Event.BOOKED)

    assert sorted(m.to[0] for m in mail.outbox) == ["frontdesk@thrive.example", "mari@thrive.example"]


def test_front_desk_alerts_go_to_the_practice_address_when_no_front_desk_address_is_set(record, site):
    site.front_desk_email = ""
    site.save()

    record(booking(), Notification.Event.BOOKED)

    assert len(sent_to("hello@thrive.example")) == 1


def test_a_client_cancellation_tells_the_clinician_and_confirms_to_the_client(django_capture_on_commit_callbacks):
    consultation = booking(starts_at=pt(2030, 3, 10, 15, 15))

    with django_capture_on_commit_callbacks(execute=True):
        consultation_cancel(consultation=consultation)

    assert sorted(m.to[0] for m in mail.outbox) == [
        "frontdesk@thrive.example",
        "mari@thrive.example",
        "river@example.com",
    ]
    assert "cancelled" in sent_to("river@example.com")[0].subject
    assert "Sunday, March 10, 2030 at 3:15 PM" in sent_to("river@example.com")[0].body
    assert not sent_to("river@example.com")[0].attachments


@pytest.mark.parametrize("event", [Notification.Event.CANCELLED, Notification.Event.RESCHEDULED])
def test_the_front_desk_hears_when_a_client_cancels_or_moves_unless_turned_off(record, site, event):
    consultation = booking(note=NOTE, first_name="River")
    record(consultation, event)
    [alert] = sent_to("frontdesk@thrive.example")
    assert consultation.reference in alert.subject
    for private in ("River", NOTE, "river@example.com", str(consultation.phone)):
        assert private not in alert.body
        assert private not in alert.alternatives[0].content

    site.alert_front_desk_of_client_changes = False
    site.save()
    mail.outbox.clear()
    Consultation.objects.filter(pk=consultation.pk).update(updated_at=pt(2026, 3, 2))
    consultation.refresh_from_db()
    record(consultation, event)
    assert mail.outbox and not sent_to("frontdesk@thrive.example")


def test_each_of_two_reschedules_sends_its_own_messages_with_the_time_it_moved_from(record):
    consultation = booking()
    record(consultation, Notification.Event.BOOKED)
    mail.outbox.clear()

    for hour in (11, 14):
        Consultation.objects.filter(pk=consultation.pk).update(
            starts_at=pt(2026, 3, 12, hour),
            updated_at=pt(2026, 3, 1, hour),
        )
        consultation.refresh_from_db()
        record(consultation, Notification.Event.RESCHEDULED)

    client = sent_to("river@example.com")
    assert [m.subject for m in client] == [
        "Your call has moved to Thursday, March 12, 2026 at 11:00 AM Pacific Time",
        "Your call has moved to Thursday, March 12, 2026 at 2:00 PM Pacific Time",
    ]
    assert "It was Tuesday, March 10, 2026 at 3:15 PM" in client[0].body
    assert "It was Thursday, March 12, 2026 at 11:00 AM" in client[1].body
    assert len(sent_to("mari@thrive.example")) == 2
    assert (
        Notification.objects.filter(event=Notification.Event.RESCHEDULED).count() == 6
    )  # client, clinician and front desk, each time


def test_recording_the_same_change_twice_writes_and_sends_it_once(record):
    consultation = booking()

    record(consultation, Notification.Event.BOOKED)
    record(consultation, Notification.Event.BOOKED)

    assert Notification.objects.count() == 3
    assert len(mail.outbox) == 3


def test_a_row_written_by_a_racing_call_after_the_check_is_neither_an_error_nor_sent_twice(record, monkeypatch):
    consultation = booking()
    (first, *_) = record(consultation, Notification.Event.BOOKED)
    # As if a concurrent call had written the rows between this call's check and its insert.
    monkeypatch.setattr(outbox_services, "_already_written", lambda keys: set())

    again = record(consultation, Notification.Event.BOOKED)

    assert again[0].pk == first.pk
    assert Notification.objects.count() == 3
    assert len(mail.outbox) == 3


def test_when_the_practice_moves_a_call_to_another_clinician_both_clinicians_hear(record):
    consultation = booking()
    record(consultation, Notification.Event.BOOKED)
    mail.outbox.clear()

    consultation.clinician = ClinicianFactory(full_name="Sam Ortiz", alert_email="sam@thrive.example")
    consultation.starts_at = pt(2026, 3, 11, 9, 30)
    consultation.save()
    record(consultation, Notification.Event.PRACTICE_MOVED)

    assert sorted(m.to[0] for m in mail.outbox) == ["mari@thrive.example", "river@example.com", "sam@thrive.example"]
    assert "no longer on your list" in sent_to("mari@thrive.example")[0].body
    assert "Sam Ortiz" in sent_to("mari@thrive.example")[0].body
    assert sent_to("sam@thrive.example")[0].subject.startswith("Call given to you")
    assert "which was with Mari Tanaka" in sent_to("sam@thrive.example")[0].body
    client = sent_to("river@example.com")[0]
    assert "which was Tuesday, March 10, 2026 at 3:15 PM" in client.body
    assert "Sam Ortiz will call you instead of Mari Tanaka" in client.body
    assert "Wednesday, March 11, 2026 at 9:30 AM" in client.body
    assert client.attachments


def test_a_call_given_to_another_clinician_at_the_same_time_says_only_that(record):
    consultation = booking()
    record(consultation, Notification.Event.BOOKED)
    mail.outbox.clear()

    consultation.clinician = ClinicianFactory(full_name="Sam Ortiz", alert_email="sam@thrive.example")
    consultation.save()
    record(consultation, Notification.Event.PRACTICE_MOVED)

    client = sent_to("river@example.com")[0]
    assert client.subject == "A change to your free consultation call on Tue, Mar 10, 3:15 PM"
    assert "Sam Ortiz will call you instead of Mari Tanaka. The time stays the same." in client.body
    assert "which was" not in client.body
    assert "moved it from" not in sent_to("sam@thrive.example")[0].body


def test_a_callback_request_given_a_time_is_a_new_call_for_the_clinician_and_a_booking_for_the_client(record):
    consultation = booking(starts_at=None)
    record(consultation, Notification.Event.CALLBACK_REQUESTED)
    mail.outbox.clear()

    consultation.starts_at = pt(2026, 3, 11, 9, 30)
    consultation.save()
    record(consultation, Notification.Event.PRACTICE_MOVED)

    assert sent_to("mari@thrive.example")[0].subject.startswith("New consultation call: Wed, Mar 11, 9:30 AM")
    client = sent_to("river@example.com")[0]
    assert "We’ve found a time for your free consultation call." in client.body
    assert client.attachments


def test_practice_cancellation_sends_the_client_a_notice_with_a_way_to_rebook(record):
    consultation = booking(status=Consultation.Status.CANCELLED)

    record(consultation, Notification.Event.PRACTICE_CANCELLED)

    notice = sent_to("river@example.com")[0]
    assert "sorry" in notice.body.lower()
    assert "http://127.0.0.1:8000/consultation/" in notice.body
    assert len(sent_to("mari@thrive.example")) == 1


def test_user_text_is_escaped_in_html_messages(record):
    record(booking(preferred_name="<script>alert(1)</script>"), Notification.Event.BOOKED)

    html = sent_to("river@example.com")[0].alternatives[0].content
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<script>alert(1)</script>" in sent_to("river@example.com")[0].body


def test_a_confirmation_overtaken_by_a_later_change_is_not_sent(record):
    consultation = booking()
    with transaction.atomic():
        notifications_record(
            consultation=consultation, event=Notification.Event.BOOKED
        )  # no commit callbacks: still waiting
    consultation.starts_at = pt(2026, 3, 11, 9, 30)
    consultation.save()
    waiting = Notification.objects.get(event=Notification.Event.BOOKED, recipient_role=Notification.Role.CLIENT)

    assert notification_send(notification_id=waiting.pk).status == Notification.Status.SKIPPED
    assert mail.outbox == []


class RefusingMailer(BaseEmailBackend):
    """A mail server that refuses everything: what the SMTP backend raises when delivery fails."""

    def send_messages(self, messages):
        raise smtplib.SMTPDataError(451, b"Try again later")


@pytest.fixture
def refusing_mail_server(settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RefusingMailer"}}


def test_delivery_errors_are_retried_with_growing_waits_then_marked_failed(refusing_mail_server, time_machine):
    time_machine.move_to(pt(2026, 3, 1, 9, 0), tick=False)
    consultation = booking()
    with transaction.atomic():
        [row, *_] = notifications_record(consultation=consultation, event=Notification.Event.BOOKED)

    waits = []
    for _ in range(5):
        result = notification_send(notification_id=row.pk)
        waits.append(result.retry_in)
        # Not due yet: a duplicate task arriving early does nothing.
        assert notification_send(notification_id=row.pk).status == "nothing to do"
        time_machine.shift(datetime.timedelta(seconds=result.retry_in))
    final = notification_send(notification_id=row.pk)

    assert waits == [30, 60, 120, 240, 480]
    assert final.status == Notification.Status.FAILED
    row.refresh_from_db()
    assert row.status == Notification.Status.FAILED
    assert row.attempts == 6
    assert "Try again later" in row.last_error
    assert row.sent_at is None


def test_run_inline_a_delivery_error_fails_at_once_and_never_reaches_the_booking(refusing_mail_server, record):
    consultation = booking()

    record(consultation, Notification.Event.BOOKED)  # must not raise

    assert set(Notification.objects.values_list("status", flat=True)) == {Notification.Status.FAILED}
    assert all("451" in n.last_error for n in Notification.objects.all())


def test_a_sent_message_is_never_sent_again(record):
    record(booking(), Notification.Event.BOOKED)
    row = Notification.objects.get(recipient_role=Notification.Role.CLIENT)

    send_notification.apply(args=[row.pk])
    send_notification.delay(row.pk)

    assert len(sent_to("river@example.com")) == 1


def test_inline_mail_lands_as_files_in_the_mail_folder(record, settings, tmp_path):
    settings.MAILERS = {
        "default": {"BACKEND": "django.core.mail.backends.filebased.EmailBackend", "OPTIONS": {"file_path": tmp_path}}
    }

    record(booking(), Notification.Event.BOOKED)

    written = "".join(path.read_text() for path in tmp_path.iterdir())
    assert written.count("Subject:") == 3
    assert "To: river@example.com" in written


def test_an_erased_client_is_not_written_to(record):
    consultation = booking()
    with transaction.atomic():
        notifications_record(consultation=consultation, event=Notification.Event.BOOKED)
    Consultation.objects.filter(pk=consultation.pk).update(email="", erased_at=pt(2026, 3, 1))
    waiting = Notification.objects.get(recipient_role=Notification.Role.CLIENT)

    assert notification_send(notification_id=waiting.pk).status == Notification.Status.SKIPPED
    assert mail.outbox == []


def test_a_booking_is_handed_to_the_workers_in_one_task_that_sends_every_row_the_clients_first(
    django_capture_on_commit_callbacks,
):
    consultation = booking()
    with (
        mock.patch.object(send_notifications, "delay") as publish,
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        rows = notifications_record(consultation=consultation, event=Notification.Event.BOOKED)
    [(ids,)] = [call.args for call in publish.call_args_list]
    assert ids == [row.pk for row in rows] and len(ids) == 3
    assert mail.outbox == []

    send_notifications.apply(args=[ids])

    assert sorted(message.to[0] for message in mail.outbox) == sorted(row.to_email for row in rows)
    # The rows go out in turn, and the person waiting for theirs is the client.
    assert mail.outbox[0].to == ["river@example.com"]
    assert set(Notification.objects.values_list("status", flat=True)) == {Notification.Status.SENT}


class RefusingOneAddress(BaseEmailBackend):
    """A mail server that turns one recipient away for now and takes the others."""

    def send_messages(self, messages):
        for message in messages:
            if message.to == ["river@example.com"]:
                raise smtplib.SMTPDataError(451, b"Try again later")
            mail.outbox.append(message)
        return len(messages)


def test_one_task_sends_the_other_rows_when_one_is_turned_away_and_gives_that_one_a_retry_of_its_own(settings):

    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RefusingOneAddress"}}
    with transaction.atomic():
        rows = notifications_record(consultation=booking(), event=Notification.Event.BOOKED)
    to_client = next(row for row in rows if row.to_email == "river@example.com")

    with mock.patch.object(send_notification, "apply_async") as retry:
        send_notifications.run([row.pk for row in rows])  # as a worker runs it, not inline

    assert sorted(message.to[0] for message in mail.outbox) == ["frontdesk@thrive.example", "mari@thrive.example"]
    statuses = dict(Notification.objects.values_list("pk", "status"))
    assert statuses.pop(to_client.pk) == Notification.Status.PENDING
    assert set(statuses.values()) == {Notification.Status.SENT}
    [call] = retry.call_args_list
    assert call.args == ((to_client.pk,),) and call.kwargs == {"countdown": settings.NOTIFICATION_RETRY_BASE_SECONDS}


def test_sending_a_message_claims_it_in_one_short_transaction_and_records_the_outcome_in_one_update(
    django_assert_num_queries,
):
    ConsultationSettings.get_solo()  # kept in the cache, as the worker finds it
    with transaction.atomic():
        rows = notifications_record(consultation=booking(), event=Notification.Event.BOOKED)
    to_client = next(row for row in rows if row.recipient_role == Notification.Role.CLIENT)
    # The claim: its transaction (here a savepoint), the row locked, marked being sent. The outcome: one UPDATE.
    with django_assert_num_queries(5):
        assert notification_send(notification_id=to_client.pk).status == Notification.Status.SENT
