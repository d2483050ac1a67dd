"""Requests made under Washington's My Health My Data Act by people without a booking link."""

import secrets
from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from phonenumber_field.modelfields import PhoneNumberField

from consultations.models.consultation import Consultation, new_reference


class PrivacyRequest(models.Model):
    """A Washington My Health My Data Act request from someone without a booking link, worked by the front desk."""

    class Kind(models.TextChoices):
        ACCESS = "access", "See the data held about me"
        DELETE = "delete", "Delete my data"
        WITHDRAW_CONSENT = "withdraw", "Withdraw my consent"

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        VERIFYING = "verifying", "Verifying identity"
        COMPLETED = "completed", "Completed"
        DECLINED = "declined", "Declined"

    reference = models.CharField(max_length=12, unique=True, default=new_reference, editable=False)
    kind = models.CharField(max_length=10, choices=Kind)
    full_name = models.CharField(max_length=120)
    email = models.EmailField(blank=True)
    phone = PhoneNumberField(blank=True)
    details = models.TextField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.RECEIVED, db_index=True)
    received_at = models.DateTimeField(auto_now_add=True)
    due_on = models.DateField(help_text="The law gives 45 days to answer.")
    completed_at = models.DateTimeField(null=True, blank=True)
    staff_notes = models.TextField(blank=True, help_text="How identity was verified and what was done.")

    class Meta:
        ordering = ["due_on"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.reference})"


def new_code_nonce():
    return secrets.token_hex(16)


class DataAccessCodeQuerySet(models.QuerySet):
    def usable(self, now=None):
        """Codes not used yet, still inside their few minutes, with tries left."""
        now = now or timezone.now()
        return self.filter(
            used_at__isnull=True,
            created_at__gt=now - DataAccessCode.LIFETIME,
            failed_attempts__lt=DataAccessCode.MAX_ATTEMPTS,
        )


class DataAccessCode(models.Model):
    """A one-time code emailed to the address on file before anyone sees, downloads or deletes a client's data.

    Only a random nonce is stored: the code is derived from it with the site's secret key, so the
    database alone never holds a usable code.
    """

    LIFETIME = timedelta(minutes=10)
    MAX_ATTEMPTS = 5

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="access_codes")
    nonce = models.CharField(max_length=32, unique=True, default=new_code_nonce, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)

    objects = DataAccessCodeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Access code for {self.consultation_id}"

    @property
    def code(self):
        """The six digits the client is sent."""
        digest = salted_hmac("consultations.DataAccessCode", self.nonce, algorithm="sha256").hexdigest()
        return f"{int(digest, 16) % 1_000_000:06d}"

    def matches(self, code):
        return constant_time_compare(self.code, "".join(str(code).split()))
