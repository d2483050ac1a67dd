"""Requests made under Washington's My Health My Data Act by people without a booking link."""

from django.db import models
from phonenumber_field.modelfields import PhoneNumberField

from consultations.models.consultation import new_reference


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
