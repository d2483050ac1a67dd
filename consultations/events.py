"""Every kind of message the outbox sends, described once: its name, who gets it, from which template, about what.

A new kind of message is one entry in `EVENTS` and its templates under templates/consultations/email/,
holding the subject, text and HTML as partials. `Notification.Event`, the choices an outbox row's event
takes, is made from the entries; recording (`consultations.outbox.services`), sending (`.sending`) and
rendering (`.emails`) read the entries themselves. It sits below the models so that they can use it too.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from django.db import models


class Role(models.TextChoices):
    """Who a message is for."""

    CLIENT = "client", "Client"
    CLINICIAN = "clinician", "Clinician"
    PREVIOUS_CLINICIAN = "previous_clinician", "Clinician the call moved from"
    FRONT_DESK = "front_desk", "Front desk"


class About(StrEnum):
    """What a message is about, which decides what its template is given (`consultations.outbox.emails.CONTEXT`)."""

    CALL = "call"  # one consultation: its time, clinician and reference; the client's own link for the client
    DAY = "day"  # one clinician's calls on one day
    PRIVACY_REQUEST = "privacy_request"  # a request from someone without a booking link
    ACCESS_CODE = "access_code"  # a one-time code before the client sees, downloads or deletes their data
    CALENDAR = "calendar"  # one clinician's own calendars (consultations/calendars/) that can't be read


@dataclass(frozen=True, kw_only=True)
class EventMessages:
    """The messages one event sends."""

    # What the event is called where staff see outbox rows (the admin's list of messages).
    label: str
    # Most messages are about one call: the catalogue names `about` only for the others.
    about: About = About.CALL
    # Who hears about it, in the order their rows are written and sent, and the template each gets. The
    # client comes first: theirs is the message a person is waiting for, and one change's rows go out in turn.
    templates: Mapping[Role, str]
    # Tells the client when their call is: carries the calendar file, is not sent once the call has
    # moved again (a newer message has the right time), and makes a reminder needless inside its window.
    confirms_time: bool = False
    # Says what the call was before (the time, the clinician): read before this change's rows are written.
    reports_move: bool = False
    # Can happen again to the same call at the same time (moved back, cancelled after a reinstatement):
    # each time is a message of its own, not a repeat of the first.
    repeatable: bool = False
    # Worth sending only while the call is still on, at the time it names, and ahead.
    only_before_call: bool = False
    # The client changed their own call: the front desk hears of it unless Site settings turn that off.
    client_change: bool = False

    @property
    def roles(self):
        return tuple(self.templates)


def everyone(*, staff, client):
    """The templates of a change everyone hears of: the client, the call's clinician and the front desk."""
    return {Role.CLIENT: client, Role.CLINICIAN: staff, Role.FRONT_DESK: staff}


def to_one(role, template, *, label, **rules):
    """The messages of an event that one recipient hears of."""
    return EventMessages(label=label, templates={role: template}, **rules)


EVENTS = {
    # The front desk hears of every new booking and callback request; the clinician of every change to
    # their calls; the client of every change to their own booking, when they gave an email address.
    "booked": EventMessages(
        label="New booking",
        templates=everyone(
            staff="consultations/email/booked_staff.html", client="consultations/email/booked_client.html"
        ),
        confirms_time=True,
    ),
    "callback_requested": EventMessages(
        label="Callback request",
        templates={
            Role.CLIENT: "consultations/email/callback_requested_client.html",
            Role.FRONT_DESK: "consultations/email/callback_requested_staff.html",
        },
    ),
    "rescheduled": EventMessages(
        label="Rescheduled by the client",
        templates=everyone(
            staff="consultations/email/rescheduled_staff.html", client="consultations/email/rescheduled_client.html"
        ),
        confirms_time=True,
        reports_move=True,
        repeatable=True,
        client_change=True,
    ),
    "cancelled": EventMessages(
        label="Cancelled by the client",
        templates=everyone(
            staff="consultations/email/cancelled_staff.html", client="consultations/email/cancelled_client.html"
        ),
        repeatable=True,
        client_change=True,
    ),
    "practice_cancelled": EventMessages(
        label="Cancelled by the practice",
        templates={
            Role.CLIENT: "consultations/email/practice_cancelled_client.html",
            Role.CLINICIAN: "consultations/email/practice_cancelled_staff.html",
        },
        repeatable=True,
    ),
    "practice_moved": EventMessages(
        label="Moved by the practice",
        templates={
            Role.CLIENT: "consultations/email/practice_moved_client.html",
            Role.CLINICIAN: "consultations/email/practice_moved_staff.html",
            # When the practice gives the call to someone else, the clinician who had it hears too.
            Role.PREVIOUS_CLINICIAN: "consultations/email/practice_moved_staff.html",
        },
        confirms_time=True,
        reports_move=True,
        repeatable=True,
    ),
    "reminder": to_one(
        Role.CLIENT, "consultations/email/reminder_client.html", label="Reminder", only_before_call=True
    ),
    # Recorded by services.digest_record, for each clinician with calls the next day.
    "digest": to_one(Role.CLINICIAN, "consultations/email/digest_staff.html", label="Daily digest", about=About.DAY),
    # Recorded by services.privacy_request_alert_record, when someone uses the privacy request form.
    "privacy_request": to_one(
        Role.FRONT_DESK,
        "consultations/email/privacy_request_staff.html",
        label="Privacy request",
        about=About.PRIVACY_REQUEST,
    ),
    # Recorded by services.private_link_record, when a client asks for a fresh link to their booking.
    "private_link": to_one(Role.CLIENT, "consultations/email/private_link_client.html", label="Fresh private link"),
    # Recorded by services.access_code_record, when a client asks for a code to see their data.
    "access_code": to_one(
        Role.CLIENT,
        "consultations/email/access_code_client.html",
        label="One-time code to see your data",
        about=About.ACCESS_CODE,
    ),
    # Recorded by services.calendar_outage_record, once per outage, when a clinician's own calendar has
    # failed for longer than CALENDAR_STALE_AFTER and their times are hidden.
    "calendar_failing": to_one(
        Role.FRONT_DESK,
        "consultations/email/calendar_failing_staff.html",
        label="A clinician's own calendar stopped working",
        about=About.CALENDAR,
    ),
}


# The choices an outbox row's event takes, one per entry, each named for its value: Event.BOOKED is "booked".
Event = models.TextChoices(
    "Event", [(event.upper(), (event, messages.label)) for event, messages in EVENTS.items()], module=__name__
)


def event_messages(event):
    """The catalogue's entry for an event (an `Event` or its stored value)."""
    return EVENTS[Event(event)]


# Client messages that tell the client when their call is (see EventMessages.confirms_time).
CLIENT_CONFIRMATIONS = [event for event, messages in EVENTS.items() if messages.confirms_time]
