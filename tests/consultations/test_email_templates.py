"""Every kind of message in the catalogue renders, in both formats, for everyone the catalogue sends it to."""

import datetime
import inspect
import re
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.db import transaction
from django.utils.timezone import now

from consultations import events
from consultations.events import EVENTS
from consultations.models import ExternalCalendar, Notification, PrivacyRequest
from consultations.outbox import emails
from consultations.outbox.services import (
    calendar_outage_record,
    digest_record,
    notifications_record,
    private_link_record,
)
from consultations.privacy.services import access_code_send, privacy_request_create
from tests.consultations.factories import ClinicianFactory, ConsultationFactory, pt
from tests.html_checker import html_errors
from tests.thrive.factories import SiteSettingsFactory

pytestmark = pytest.mark.django_db

EMAIL_TEMPLATES = Path(settings.BASE_DIR) / "templates" / "consultations" / "email"
TEMPLATE_NAME = re.compile(r'"(consultations/email/[\w.-]+)(#[\w-]+)?"')
# Any tag that names another template: each must name it in full, between quotes (an include may then pass values).
NAMING_TAG = re.compile(r"{%\s*(?:extends|include)\s+([^%]*?)(?:\s+with\s[^%]*?)?\s*%}")
HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
HTML_ENTITY = re.compile(r"&(?:[a-z]+|#\d+|#x[0-9a-fA-F]+);")

EVERY_KIND = sorted((event, role) for event, messages in EVENTS.items() for role in messages.roles)


@pytest.fixture(autouse=True)
def site(db):
    return SiteSettingsFactory()


def record(consultation, event):
    with transaction.atomic():
        notifications_record(consultation=consultation, event=event)


def record_every_event():
    """One outbox row for every event and every recipient the catalogue names, as the services write them."""
    # Names a text part would show escaped if it were rendered as HTML.
    mari = ClinicianFactory(full_name="Mari O'Neil", alert_email="mari@thrive.example")
    sam = ClinicianFactory(full_name="Sam Ortiz & Lee", alert_email="sam@thrive.example")
    call = ConsultationFactory(
        clinician=mari, starts_at=pt(2030, 3, 11, 10, 0), email="river@example.com", preferred_name="Riv & Jo"
    )
    record(call, Notification.Event.BOOKED)
    call.starts_at = pt(2030, 3, 11, 11, 30)
    call.save()
    record(call, Notification.Event.RESCHEDULED)
    # Given to another clinician at a new time: the clinician who had it hears too.
    call.clinician, call.starts_at = sam, pt(2030, 3, 12, 9, 0)
    call.save()
    record(call, Notification.Event.PRACTICE_MOVED)
    record(call, Notification.Event.REMINDER)
    record(call, Notification.Event.CANCELLED)
    record(call, Notification.Event.PRACTICE_CANCELLED)
    callback = ConsultationFactory(
        clinician=None, starts_at=None, email="cb@example.com", preferred_days="Tuesdays", preferred_times="mornings"
    )
    record(callback, Notification.Event.CALLBACK_REQUESTED)
    with transaction.atomic():
        digest_record(clinician=sam, day=datetime.date(2030, 3, 12))
    privacy_request_create(kind=PrivacyRequest.Kind.DELETE, full_name="Sam Lee", email="s@example.com")
    with transaction.atomic():
        private_link_record(consultation=callback)
    access_code_send(consultation=call)
    calendar = ExternalCalendar(
        clinician=sam,
        name="Sessions & supervision",
        last_error="The calendar did not answer in time.",
        failing_since=now(),
    )
    calendar.address = "https://calendar.example/private-abc/basic.ics"
    calendar.save()
    calendar_outage_record(calendar=calendar)
    return list(Notification.objects.order_by("pk"))


def render_every_message():
    """{(event, role): (message, the template names the rendering asked for)} for every row written."""
    rendered = {}
    for row in record_every_event():
        with mock.patch.object(emails, "render_to_string", wraps=emails.render_to_string) as render:
            message = emails.notification_message(row)
        names = {call.args[0] for call in render.call_args_list}
        rendered[(row.event, row.recipient_role)] = (message, names)
    return rendered


def catalogue_source_names():
    """The template names written out in the catalogue's source."""
    source = Path(inspect.getsourcefile(events)).read_text()
    return [name for name, _ in TEMPLATE_NAME.findall(source)]


def test_every_event_is_recorded_for_every_recipient_the_catalogue_names():
    rendered = render_every_message()

    assert sorted(rendered) == EVERY_KIND
    assert (Notification.Event.PRACTICE_MOVED, Notification.Role.PREVIOUS_CLINICIAN) in rendered
    assert (Notification.Event.PRIVACY_REQUEST, Notification.Role.FRONT_DESK) in rendered


def test_every_kind_of_message_has_a_one_line_subject_a_plain_text_part_and_an_html_part():
    problems = []
    for (event, role), (message, _) in render_every_message().items():
        kind = f"{event} to {role}"
        html_part = message.alternatives[0]
        if not message.subject.strip() or "\n" in message.subject or "{" in message.subject:
            problems.append(f"{kind}: subject {message.subject!r}")
        if HTML_ENTITY.search(message.subject):
            problems.append(f"{kind}: escaped subject {message.subject!r}")
        if not message.body.strip():
            problems.append(f"{kind}: empty text")
        if found := HTML_TAG.search(message.body) or HTML_ENTITY.search(message.body):
            problems.append(f"{kind}: markup {found.group()!r} in the text")
        if "{%" in message.body or "{{" in message.body:
            problems.append(f"{kind}: template code in the text")
        if html_part.mimetype != "text/html" or not html_part.content.lstrip().startswith("<!DOCTYPE html>"):
            problems.append(f"{kind}: no HTML document")
    assert problems == []


def test_the_text_part_shows_what_people_typed_as_they_typed_it_and_the_html_escapes_it():
    rendered = render_every_message()

    for event in (Notification.Event.BOOKED, Notification.Event.PRACTICE_MOVED, Notification.Event.REMINDER):
        message, _ = rendered[(event, Notification.Role.CLIENT)]
        assert "Hi Riv & Jo," in message.body
        assert "Hi Riv &amp; Jo," in message.alternatives[0].content
    message, _ = rendered[(Notification.Event.PRACTICE_MOVED, Notification.Role.PREVIOUS_CLINICIAN)]
    assert "given it to Sam Ortiz & Lee." in message.body
    assert "given it to Sam Ortiz &amp; Lee." in message.alternatives[0].content


def test_client_and_staff_messages_each_end_with_their_own_footer():
    for (event, role), (message, _) in render_every_message().items():
        html_part = message.alternatives[0].content
        if role == Notification.Role.CLIENT:
            assert "because you asked us for a free consultation call" in message.body, event
            assert "because you asked us for a free consultation call" in html_part, event
            if event == Notification.Event.CALLBACK_REQUESTED:  # someone waiting for a call back booked nothing
                assert "you booked" not in message.body
        else:
            assert "this alert leaves out the client’s name" in message.body, (event, role)
            assert "this alert leaves out the client’s name" in html_part, (event, role)


def test_each_message_is_rendered_from_the_template_its_catalogue_entry_names():
    for (event, role), (_, names) in render_every_message().items():
        template = EVENTS[event].templates[role]
        assert names == {template, f"{template}#subject", f"{template}#text"}, (event, role)


def test_every_email_template_is_named_in_full_by_the_catalogue_or_another_template():
    """Grep finds each template's callers: no name is put together at run time."""
    files = {f"consultations/email/{path.name}" for path in EMAIL_TEMPLATES.glob("*.html")}
    named = set(catalogue_source_names())
    for path in EMAIL_TEMPLATES.glob("*.html"):
        source = path.read_text()
        for argument in NAMING_TAG.findall(source):
            assert TEMPLATE_NAME.fullmatch(argument), f"{path.name} names a template it builds: {argument}"
        named |= {name for name, _ in TEMPLATE_NAME.findall(source)}

    assert named <= files, f"named but missing: {sorted(named - files)}"
    assert files <= named, f"never named in full, so grep finds no caller: {sorted(files - named)}"
    assert {template for messages in EVENTS.values() for template in messages.templates.values()} <= files


def test_every_template_the_catalogue_uses_is_written_out_in_its_source():
    written = set(catalogue_source_names())

    for messages in EVENTS.values():
        assert set(messages.templates.values()) <= written


def test_every_kind_of_message_is_valid_html(vnu, tmp_path):
    for (event, role), (message, _) in render_every_message().items():
        (tmp_path / f"{event}-{role}.html").write_text(message.alternatives[0].content)

    assert len(list(tmp_path.glob("*.html"))) == len(EVERY_KIND)
    assert html_errors(vnu, tmp_path) == []


def test_a_call_without_a_clinician_yet_leaves_the_line_out_rather_than_blank():
    call = ConsultationFactory(clinician=None, starts_at=pt(2030, 3, 11, 10, 0), email="river@example.com")
    record(call, Notification.Event.PRACTICE_MOVED)

    [row] = Notification.objects.filter(recipient_role=Notification.Role.CLIENT)
    message = emails.notification_message(row)

    assert "Who calls you" not in message.body
    assert "Who calls you" not in message.alternatives[0].content
