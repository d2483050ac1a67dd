"""What the outbox knows of: the events it reports, the people it tells, and who hears of what."""

import smtplib

from django.db import models


class Event(models.TextChoices):
    BOOKED = "booked", "New booking"
    CALLBACK_REQUESTED = "callback_requested", "Callback request"
    RESCHEDULED = "rescheduled", "Rescheduled by the client"
    CANCELLED = "cancelled", "Cancelled by the client"
    PRACTICE_CANCELLED = "practice_cancelled", "Cancelled by the practice"
    PRACTICE_MOVED = "practice_moved", "Moved by the practice"
    REMINDER = "reminder", "Reminder"
    DIGEST = "digest", "Daily digest"
    PRIVACY_REQUEST = "privacy_request", "Privacy request"


class Role(models.TextChoices):
    CLIENT = "client", "Client"
    CLINICIAN = "clinician", "Clinician"
    PREVIOUS_CLINICIAN = "previous_clinician", "Clinician the call moved from"
    FRONT_DESK = "front_desk", "Front desk"


# Who hears about what. The front desk hears of every new booking and callback
# request; the clinician of every change to their calls; the client of every
# change to their own booking, when they gave an email address.
RECIPIENTS = {
    Event.BOOKED: (Role.CLINICIAN, Role.FRONT_DESK, Role.CLIENT),
    Event.CALLBACK_REQUESTED: (Role.FRONT_DESK, Role.CLIENT),
    Event.RESCHEDULED: (Role.CLINICIAN, Role.CLIENT),
    Event.CANCELLED: (Role.CLINICIAN, Role.CLIENT),
    Event.PRACTICE_CANCELLED: (Role.CLINICIAN, Role.CLIENT),
    Event.PRACTICE_MOVED: (Role.CLINICIAN, Role.PREVIOUS_CLINICIAN, Role.CLIENT),
    Event.REMINDER: (Role.CLIENT,),
}

# Client messages that describe a time which is no longer true once the call is cancelled.
STALE_WHEN_CANCELLED = {Event.BOOKED, Event.RESCHEDULED, Event.PRACTICE_MOVED, Event.REMINDER}

# Events that tell the client which time their call is at.
CLIENT_CONFIRMATIONS = (Event.BOOKED, Event.RESCHEDULED, Event.PRACTICE_MOVED)

# What a failed delivery looks like: the mail server refused, or could not be reached.
DELIVERY_ERRORS = (smtplib.SMTPException, OSError)
