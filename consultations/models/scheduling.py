"""When calls can happen: the practice's consultation settings, each clinician's weekly hours, and time off."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from clinicians.models import Clinician
from thrive.models import CachedSingleton


class ConsultationSettings(CachedSingleton):
    """How consultation calls are offered; one record, edited by the front desk."""

    call_minutes = models.PositiveSmallIntegerField(default=15, help_text="How long each free call lasts.")
    horizon_days = models.PositiveSmallIntegerField(default=21, help_text="How many days ahead people can book.")
    minimum_notice_hours = models.PositiveSmallIntegerField(
        default=3, help_text="The soonest a call can be booked, in hours from now."
    )
    buffer_minutes = models.PositiveSmallIntegerField(default=0, help_text="A gap kept free after each call.")
    daily_cap = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The most calls one clinician takes in a day. Leave empty for no limit."
    )
    reminder_hours_before = models.PositiveSmallIntegerField(
        default=24, help_text="When the client's reminder email goes out, in hours before the call."
    )
    retention_days = models.PositiveSmallIntegerField(
        default=180, help_text="Days after a call ends or is cancelled before the client's details are erased."
    )

    class Meta:
        verbose_name = "consultation settings"
        verbose_name_plural = "consultation settings"
        constraints = [
            models.CheckConstraint(condition=Q(call_minutes__gte=5), name="consultation_call_at_least_5_minutes"),
        ]

    def __str__(self):
        return "Consultation settings"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class ConsultationHours(models.Model):
    """A weekly window in which a clinician takes consultation calls, in Pacific Time."""

    clinician = models.ForeignKey(Clinician, on_delete=models.CASCADE, related_name="consultation_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday)
    starts_at = models.TimeField(help_text="Pacific Time.")
    ends_at = models.TimeField(help_text="Pacific Time. The last call ends by this time.")

    class Meta:
        ordering = ["clinician", "weekday", "starts_at"]
        verbose_name = "consultation hours"
        verbose_name_plural = "consultation hours"
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="hours_end_after_start"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The end must be later than the start."})


class TimeOff(models.Model):
    """Days off for one clinician, or for the whole practice (holidays) when no clinician is chosen."""

    clinician = models.ForeignKey(
        Clinician,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="time_off",
        help_text="Leave empty for a day the whole practice is closed.",
    )
    starts_on = models.DateField()
    ends_on = models.DateField(help_text="The last day off (inclusive).")
    reason = models.CharField(max_length=100, blank=True, help_text="For staff only, e.g. “Thanksgiving”.")

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = "time off"
        verbose_name_plural = "time off"
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="time_off_ends_after_start"),
        ]

    def __str__(self):
        who = self.clinician or "Whole practice"
        return f"{who}: {self.starts_on} to {self.ends_on}"

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The last day off can't be before the first."})
