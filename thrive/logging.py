"""Logging and error reporting that never carry what a visitor typed.

Records are one JSON object a line in production. A record that carries the
request (Django's request and security loggers attach it) is reduced to the
method and path, with signed tokens in the path (a booking's private link)
blanked out, because a path can be enough to reach someone's booking. Email
addresses and phone numbers are blanked out of every message, extra field and
traceback (a mail server's refusal quotes the address it refused), since
erasing a client's data cannot reach into the logs.
"""

import logging
import re

from phonenumbers import Leniency, PhoneNumberMatcher
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

# A signed value from django.core.signing: segments joined by colons, the last a long signature.
SIGNED_VALUE = re.compile(r"[\w-]+(?::[\w-]+)*:[\w-]{20,}")
REDACTED = "[token]"
EMAIL_ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
EMAIL_REDACTED = "[email]"
PHONE_REDACTED = "[phone]"
# Seven digits close together: only then is the text worth handing to phonenumbers' matcher.
MAYBE_PHONE = re.compile(r"(?:\d\D{0,3}){7}")
# The practice's numbers are American; others are recognised by their leading "+".
PHONE_REGION = "US"
# A clinician's calendar subscription address (consultations/calendars/): a random token, not a signed value.
CALENDAR_FEED_TOKEN = re.compile(r"(/calendar/)[\w-]+")

# Attributes of a LogRecord that hold request data and must never reach the output.
REQUEST_ATTRIBUTES = ("request", "data", "POST", "body")


def redact_tokens(text):
    return CALENDAR_FEED_TOKEN.sub(rf"\g<1>{REDACTED}", SIGNED_VALUE.sub(REDACTED, text))


def redact_contact_details(text):
    """Blank out email addresses and phone numbers (those phonenumbers holds valid) in any text."""
    text = EMAIL_ADDRESS.sub(EMAIL_REDACTED, text)
    if not MAYBE_PHONE.search(text):
        return text
    # From the end, so the positions of earlier matches still hold after each replacement.
    for match in reversed(list(PhoneNumberMatcher(text, PHONE_REGION, leniency=Leniency.VALID))):
        text = text[: match.start] + PHONE_REDACTED + text[match.end :]
    return text


def redact(text):
    """Everything a log line must not carry: private links, email addresses and phone numbers."""
    return redact_contact_details(redact_tokens(text))


class RequestSummaryFilter(logging.Filter):
    """Keep only the method and the (token-free) path of a request attached to a record, and blank out
    private links, email addresses and phone numbers wherever the record carries text."""

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
        record.msg = redact(message)
        record.args = None
        # Extra fields (a username can be an email address).
        for name, value in list(vars(record).items()):
            if name not in RESERVED_ATTRS and isinstance(value, str):
                setattr(record, name, redact(value))
        # The traceback is formatted here, once, so that every formatter prints the redacted text.
        if record.exc_info:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
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
    return _without_contact_details(event)


def _without_contact_details(value):
    """The event with every email address and phone number blanked out, wherever it sits."""
    if isinstance(value, str):
        return redact_contact_details(value)
    if isinstance(value, dict):
        return {key: _without_contact_details(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_without_contact_details(item) for item in value]
    return value


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
