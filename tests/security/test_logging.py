"""Logs and error reports carry no form contents, no private links and no personal details."""

import datetime
import io
import json
import logging
import smtplib
import sys

import pytest
from django.test import RequestFactory

from consultations.events import Role
from consultations.models import Notification
from consultations.outbox.sending import notification_send
from consultations.outbox.services import notifications_record
from tests.consultations.factories import ConsultationFactory
from tests.loopback_smtp import LoopbackSMTP
from tests.thrive.factories import SiteSettingsFactory
from thrive.logging import JsonFormatter, RequestSummaryFilter, scrub_event

TOKEN = "WzEsIjNFS0xGTTROIl0:1xWIKj:VzuwoX2lVfqwO5a7xcJk0Oj3fAGtdybBGKWZ4jKBguw"


def emit(record):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestSummaryFilter())
    handler.handle(record)
    return stream.getvalue()


def test_a_request_on_a_record_is_reduced_to_method_and_path_with_tokens_blanked():
    request = RequestFactory().post(f"/consultation/{TOKEN}/delete/", {"first_name": "Robin", "phone": "2065550123"})
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", (request.path,), None
    )
    record.request = request
    record.status_code = 500
    line = emit(record)
    data = json.loads(line)
    assert data["level"] == "ERROR"
    assert data["http_method"] == "POST"
    assert data["http_path"] == "/consultation/[token]/delete/"
    assert data["message"] == "Internal Server Error: /consultation/[token]/delete/"
    assert data["status_code"] == 500
    assert "request" not in data
    for secret in ("Robin", "2065550123", TOKEN):
        assert secret not in line


def test_times_and_plain_words_are_not_mistaken_for_tokens():
    record = logging.LogRecord("thrive", logging.INFO, __file__, 1, "Call at 12:30 moved to 14:45", (), None)
    assert json.loads(emit(record))["message"] == "Call at 12:30 moved to 14:45"


def test_a_sentry_event_keeps_no_request_data_cookies_user_or_local_variables():
    event = {
        "request": {
            "method": "POST",
            "url": f"https://thrive.example/consultation/{TOKEN}/?email=robin@example.com",
            "data": {"first_name": "Robin"},
            "cookies": {"sessionid": "abc"},
            "headers": {"X-Forwarded-For": "198.51.100.7"},
            "query_string": "email=robin@example.com",
        },
        "user": {"ip_address": "198.51.100.7", "email": "staff@thrive.example"},
        "server_name": "web-1",
        "exception": {
            "values": [
                {
                    "value": f"No booking for {TOKEN}",
                    "stacktrace": {"frames": [{"function": "details", "vars": {"form": "Robin"}}]},
                }
            ]
        },
        "breadcrumbs": {"values": [{"category": "query", "message": "SELECT 1", "data": {"params": ["Robin"]}}]},
    }
    scrubbed = json.dumps(scrub_event(event))
    for secret in ("Robin", "robin@example.com", "sessionid", "198.51.100.7", "staff@thrive.example", TOKEN):
        assert secret not in scrubbed
    assert event["request"] == {"method": "POST", "url": "https://thrive.example/consultation/[token]/"}


@pytest.mark.django_db
def test_an_error_page_shows_no_traceback_or_form_contents(client, settings, monkeypatch):
    from consultations.privacy import views as privacy_views

    def broken(**kwargs):
        raise RuntimeError("database exploded while saving Robin Example")

    monkeypatch.setattr(privacy_views, "privacy_request_create", broken)
    client.raise_request_exception = False
    response = client.post(
        "/privacy/request/", {"kind": "access", "full_name": "Robin Example", "email": "r@example.com"}
    )
    assert response.status_code == 500
    body = response.content.decode()
    assert "Robin" not in body
    assert "r@example.com" not in body
    assert "Traceback" not in body
    assert "RuntimeError" not in body


# -- Email addresses and phone numbers -----------------------------------------------------------

CLIENT_EMAIL = "robin.client@example.com"
CLIENT_PHONE = "+12065550123"


def test_email_addresses_and_phone_numbers_are_blanked_from_message_extras_and_traceback():
    try:
        raise smtplib.SMTPRecipientsRefused({CLIENT_EMAIL: (550, b"5.1.1 User unknown")})
    except smtplib.SMTPRecipientsRefused:
        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "thrive", logging.ERROR, __file__, 1, "Mail to %s or call (206) 555-0123 failed", (CLIENT_EMAIL,), exc_info
    )
    record.username = "owner@thrive.example"
    line = emit(record)
    data = json.loads(line)
    assert data["message"] == "Mail to [email] or call [phone] failed"
    assert data["username"] == "[email]"
    assert "SMTPRecipientsRefused" in data["exc_info"]
    for secret in (CLIENT_EMAIL, "owner@thrive.example", "555-0123"):
        assert secret not in line


def test_numbers_that_are_not_phone_numbers_are_kept():
    message = "Notification 1234567 retrying in 480.0s at 2026-06-01 17:00 from 198.51.100.7"
    record = logging.LogRecord("thrive", logging.INFO, __file__, 1, message, (), None)
    assert json.loads(emit(record))["message"] == message


def test_a_sentry_event_keeps_no_email_address_or_phone_number_anywhere():
    event = {
        "logentry": {"formatted": f"Mail to {CLIENT_EMAIL} refused"},
        "exception": {"values": [{"type": "SMTPRecipientsRefused", "value": f"{{'{CLIENT_EMAIL}': (550, b'')}}"}]},
        "extra": {"phone": CLIENT_PHONE, "note": f"call {CLIENT_PHONE}"},
        "breadcrumbs": {"values": [{"message": f"sending to {CLIENT_EMAIL}"}]},
    }
    scrubbed = json.dumps(scrub_event(event))
    assert CLIENT_EMAIL not in scrubbed
    assert "2065550123" not in scrubbed
    assert "SMTPRecipientsRefused" in scrubbed


class RefuseEveryRecipient:
    """An aiosmtpd handler that refuses every recipient, quoting the address as real servers do."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown in local recipient table"


@pytest.fixture
def site_log():
    """What the site's own log handler (LOGGING's console handler, with its filter) writes."""
    [handler] = [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(log_filter, RequestSummaryFilter) for log_filter in handler.filters)
    ]
    stream = io.StringIO()
    original = handler.setStream(stream)
    yield stream
    handler.setStream(original)


@pytest.mark.django_db
def test_a_refused_recipient_leaves_no_address_or_phone_in_the_logs(settings, site_log, time_machine):
    SiteSettingsFactory()
    time_machine.move_to(datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC), tick=False)
    consultation = ConsultationFactory(
        email=CLIENT_EMAIL, phone=CLIENT_PHONE, starts_at=datetime.datetime(2026, 3, 10, 23, 15, tzinfo=datetime.UTC)
    )
    rows = notifications_record(consultation=consultation, event=Notification.Event.BOOKED)
    [to_client] = [row for row in rows if row.recipient_role == Role.CLIENT]

    with LoopbackSMTP(RefuseEveryRecipient()) as server:
        settings.MAILERS = server.mailers()
        retry = notification_send(notification_id=to_client.pk)
        time_machine.shift(datetime.timedelta(seconds=retry.retry_in))
        final = notification_send(notification_id=to_client.pk, last_try=True)

    assert final.status == Notification.Status.FAILED
    output = site_log.getvalue()
    lines = [json.loads(line) for line in output.splitlines()]
    retried = [
        line for line in lines if line["level"] == "WARNING" and f"Notification {to_client.pk} " in line["message"]
    ]
    failed = [line for line in lines if line["level"] == "ERROR" and f"Notification {to_client.pk} " in line["message"]]
    assert retried and failed
    for line in retried + failed:
        assert "SMTPRecipientsRefused" in line["message"]
        assert "booked" in line["message"]
    for secret in (CLIENT_EMAIL, "robin.client", "2065550123", "555-0123"):
        assert secret not in output
