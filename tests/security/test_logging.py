"""Logs and error reports carry no form contents, no private links and no personal details."""

import io
import json
import logging

import pytest
from django.test import RequestFactory

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
