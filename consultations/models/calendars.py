"""Clinicians' own calendars: the private feed of their calls out, and the busy times of their calendars in."""

import base64
import hashlib
import secrets
from urllib.parse import urlsplit

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from clinicians.models import Clinician


def new_feed_token():
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A clinician's private calendar subscription address: their consultation calls, for any calendar app."""

    clinician = models.OneToOneField(Clinician, on_delete=models.CASCADE, related_name="calendar_feed")
    # Unguessable, and the only key to the feed: making a new one is how an old address stops working.
    token = models.CharField(max_length=64, unique=True, default=new_feed_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    renewed_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "calendar subscription"

    def __str__(self):
        return f"Calendar subscription for {self.clinician}"


def _address_cipher():
    """The key for external calendar addresses: CALENDAR_ADDRESS_KEY when set, else one derived from SECRET_KEY."""
    secret = settings.CALENDAR_ADDRESS_KEY or settings.SECRET_KEY
    key = hashlib.sha256(f"thrive.external-calendar-address:{secret}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def address_hint(address):
    """What the admin shows of a saved address: its host and the last few characters, never the secret part."""
    parts = urlsplit(address)
    return f"{parts.scheme}://{parts.hostname or '?'}/…{address[-4:]}"


class ExternalCalendarQuerySet(models.QuerySet):
    def out_of_date(self, now=None, *, grace=None):
        """Calendars without a good copy newer than the grace period: their clinician's times are not offered."""
        grace = grace if grace is not None else settings.CALENDAR_STALE_AFTER
        return self.filter(Q(last_success_at__isnull=True) | Q(last_success_at__lt=(now or timezone.now()) - grace))


class ExternalCalendar(models.Model):
    """A clinician's own calendar (Google, Outlook, Apple), read every few minutes for the times they are busy."""

    clinician = models.ForeignKey(Clinician, on_delete=models.CASCADE, related_name="external_calendars")
    name = models.CharField(max_length=100, help_text="A name you will recognise, such as “Google: therapy sessions”.")
    # Encrypted with CALENDAR_ADDRESS_KEY (or SECRET_KEY): the address alone gives anyone the whole calendar.
    address_encrypted = models.BinaryField(editable=False)
    address_hint = models.CharField(max_length=120, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the calendar was last read without a problem."
    )
    last_error = models.CharField(max_length=300, blank=True, editable=False)
    failing_since = models.DateTimeField(null=True, blank=True, editable=False)
    outage_reported_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the front desk was told this calendar stopped working."
    )
    event_count = models.PositiveIntegerField(
        default=0, editable=False, help_text="Busy times read from the calendar last time, within the booking horizon."
    )

    objects = ExternalCalendarQuerySet.as_manager()

    class Meta:
        ordering = ["clinician", "name"]
        verbose_name = "clinician's own calendar"
        verbose_name_plural = "clinicians' own calendars"

    def __str__(self):
        return self.name

    def is_out_of_date(self, now=None):
        """No good copy newer than CALENDAR_STALE_AFTER: the clinician's times are hidden (see the queryset's rule)."""
        return (
            self.last_success_at is None
            or self.last_success_at < (now or timezone.now()) - settings.CALENDAR_STALE_AFTER
        )

    @property
    def address(self):
        try:
            return _address_cipher().decrypt(bytes(self.address_encrypted)).decode()
        except InvalidToken:
            # The key changed since it was saved: the address has to be entered again.
            return ""

    @address.setter
    def address(self, value):
        self.address_encrypted = _address_cipher().encrypt(value.encode())
        self.address_hint = address_hint(value)


class BusyTime(models.Model):
    """A time a clinician is busy according to one of their own calendars, kept only within the booking horizon."""

    calendar = models.ForeignKey(ExternalCalendar, on_delete=models.CASCADE, related_name="busy_times")
    clinician = models.ForeignKey(Clinician, on_delete=models.CASCADE, related_name="busy_times")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["clinician", "starts_at"], name="busy_time_clinician_start")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="busy_time_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M}"
