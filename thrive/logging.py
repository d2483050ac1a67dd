"""Logging and error reporting that never carry what a visitor typed.

Records are one JSON object a line in production. A record that carries the
request (Django's request and security loggers attach it) is reduced to the
method and path, with signed tokens in the path (a booking's private link)
blanked out, because a path can be enough to reach someone's booking.
"""

import logging
import re

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

# A signed value from django.core.signing: segments joined by colons, the last a long signature.
SIGNED_VALUE = re.compile(r"[\w-]+(?::[\w-]+)*:[\w-]{20,}")
REDACTED = "[token]"

# Attributes of a LogRecord that hold request data and must never reach the output.
REQUEST_ATTRIBUTES = ("request", "data", "POST", "body")


def redact_tokens(text):
    return SIGNED_VALUE.sub(REDACTED, text)


class RequestSummaryFilter(logging.Filter):
    """Keep only the method and the (token-free) path of a request attached to a record."""

    def filter(self, record):
        request = getattr(record, "request", None)
        if request is not None:
            record.http_method = getattr(request, "method", "")
            record.http_path = redact_tokens(getattr(request, "path", ""))
        for name in REQUEST_ATTRIBUTES:
            if hasattr(record, name):
                delattr(record, name)
        # Format the message now, so arguments (a path, say) are redacted before any handler sees them.
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            # A malformed call must still log something, never raise from logging itself.
            message = str(record.msg)
        record.msg = redact_tokens(message)
        record.args = None
        return True


class JsonFormatter(BaseJsonFormatter):
    """One JSON object a line: time, level, logger, message and any extra fields."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(message)s")
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"})
        # Django's development server adds the socket object, which says nothing useful.
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "server_time"])
        super().__init__(*args, **kwargs)


# -- Sentry ------------------------------------------------------------------

# Request parts Sentry may keep: enough to find the failing view, nothing a visitor sent.
SAFE_REQUEST_KEYS = ("method",)


def scrub_event(event, hint=None):
    """Remove personal data from a Sentry event before it leaves the server."""
    request = event.get("request")
    if request:
        kept = {key: request[key] for key in SAFE_REQUEST_KEYS if key in request}
        if "url" in request:
            kept["url"] = redact_tokens(request["url"].split("?", 1)[0])
        event["request"] = kept
    event.pop("user", None)
    event.pop("server_name", None)
    for crumb in (event.get("breadcrumbs") or {}).get("values", []):
        crumb.pop("data", None)
        if crumb.get("message"):
            crumb["message"] = redact_tokens(crumb["message"])
    if event.get("transaction"):
        event["transaction"] = redact_tokens(event["transaction"])
    for exception in (event.get("exception") or {}).get("values", []):
        if exception.get("value"):
            exception["value"] = redact_tokens(exception["value"])
        for frame in (exception.get("stacktrace") or {}).get("frames", []):
            frame.pop("vars", None)
    if event.get("logentry"):
        event["logentry"] = {"message": redact_tokens(str(event["logentry"].get("formatted") or ""))}
    return event


def sentry_init(*, dsn, environment):
    """Start Sentry error reporting with every personal-data option off."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        traces_sample_rate=0,
        before_send=scrub_event,
        before_send_transaction=scrub_event,
    )
