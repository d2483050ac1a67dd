import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from phonenumber_field.modelfields import PhoneNumberField

from clinicians.models import Clinician

# Letters and digits that can't be mistaken for one another when read aloud.
REFERENCE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY3479"


def new_reference():
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


class ConsultationSettings(models.Model):
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
            models.CheckConstraint(condition=Q(pk=1), name="consultation_settings_single_row"),
            models.CheckConstraint(condition=Q(call_minutes__gte=5), name="consultation_call_at_least_5_minutes"),
        ]

    def __str__(self):
        return "Consultation settings"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


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


class ConsultationQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=Consultation.Status.CANCELLED)

    def upcoming(self, now=None):
        return self.active().filter(starts_at__gte=now or timezone.now())

    def callbacks(self):
        return self.filter(starts_at__isnull=True)

    def for_user(self, user):
        """What a staff member may see: everything for the front desk, their own calls for a clinician."""
        if user.is_superuser or user.has_perm("consultations.view_all_consultations"):
            return self
        return self.filter(clinician__user=user)


class Consultation(models.Model):
    """A free 15-minute phone consultation, or a request to be called back when no time suited."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        CONFIRMED = "confirmed", "Confirmed"
        CALLED = "called", "Called"
        COMPLETED = "completed", "Completed"
        NO_ANSWER = "no_answer", "No answer"
        NOT_A_FIT = "not_a_fit", "Not a fit"
        CANCELLED = "cancelled", "Cancelled"

    class Service(models.TextChoices):
        INDIVIDUAL = "individual", "Individual therapy"
        COUPLES = "couples", "Couples therapy"
        NOT_SURE = "not_sure", "Not sure yet"

    class Format(models.TextChoices):
        IN_PERSON = "in_person", "In person in Seattle"
        ONLINE = "online", "Online"
        EITHER = "either", "Either"

    # What the client tells us when they ask for a call, in the order every form and export shows it.
    CLIENT_FIELDS = (
        "first_name",
        "last_name",
        "preferred_name",
        "phone",
        "email",
        "voicemail_ok",
        "service",
        "session_format",
        "state_of_residence",
        "note",
        "heard_about",
    )

    reference = models.CharField(max_length=12, unique=True, default=new_reference, editable=False)
    clinician = models.ForeignKey(
        Clinician, null=True, blank=True, on_delete=models.PROTECT, related_name="consultations"
    )
    starts_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="Empty for a callback request: the front desk picks a time."
    )
    status = models.CharField(max_length=12, choices=Status, default=Status.NEW, db_index=True)

    first_name = models.CharField(max_length=60)
    last_name = models.CharField(max_length=60)
    preferred_name = models.CharField(max_length=60, blank=True)
    phone = PhoneNumberField()
    email = models.EmailField(blank=True)
    voicemail_ok = models.BooleanField("voicemail is OK", default=False)
    service = models.CharField(max_length=12, choices=Service, default=Service.NOT_SURE)
    session_format = models.CharField(max_length=12, choices=Format, default=Format.EITHER)
    state_of_residence = models.CharField(max_length=2)
    note = models.TextField(max_length=500, blank=True)
    heard_about = models.CharField("how they heard of us", max_length=200, blank=True)
    preferred_days = models.CharField(max_length=100, blank=True, help_text="Callback requests: days that suit.")
    preferred_times = models.CharField(max_length=100, blank=True, help_text="Callback requests: parts of the day.")

    consented_at = models.DateTimeField(null=True, blank=True)
    consent_policy_version = models.CharField(max_length=40, blank=True)
    form_token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    internal_notes = models.TextField(
        blank=True,
        help_text="For staff only: never emailed. Write it as if the client may read it: "
        "they can ask to see everything we hold about them.",
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(
        null=True, blank=True, help_text="When the client's personal details were erased (retention or request)."
    )

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "created_at"]
        permissions = [("view_all_consultations", "Can see every clinician's consultations")]
        indexes = [
            # "One free consultation at a time" looks up upcoming calls by phone and by email.
            models.Index(fields=["phone"], name="consultation_phone_idx"),
            models.Index(fields=["email"], name="consultation_email_idx"),
        ]
        constraints = [
            # Two people racing for one time can't both get it.
            models.UniqueConstraint(
                fields=["clinician", "starts_at"],
                condition=Q(starts_at__isnull=False) & ~Q(status="cancelled"),
                name="one_active_booking_per_clinician_and_time",
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_callback_request(self):
        return self.starts_at is None

    @property
    def display_name(self):
        return self.preferred_name or self.first_name

    @property
    def when_label(self):
        """'Tuesday, March 3, 3:15 PM Pacific Time', or '' for a callback request."""
        from consultations.timefmt import format_moment

        return format_moment(self.starts_at) if self.starts_at else ""


class NotificationQuerySet(models.QuerySet):
    def due(self, now=None):
        """Pending messages whose next attempt is due."""
        return self.filter(status=Notification.Status.PENDING, next_attempt_at__lte=now or timezone.now())


class Notification(models.Model):
    """The outbox: one message to one recipient about one event, written with the change it reports."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to send"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Not needed any more"

    # What each event sends, to whom and with which template: consultations/events.py.
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

    consultation = models.ForeignKey(
        Consultation, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    clinician = models.ForeignKey(
        Clinician,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        help_text="The clinician a staff message or daily list is for.",
    )
    event = models.CharField(max_length=40, choices=Event, help_text="What happened that this message is about.")
    recipient_role = models.CharField(
        max_length=20, choices=Role, help_text="Who the message is for: the client, a clinician or the front desk."
    )
    to_email = models.EmailField()
    dedupe_key = models.CharField(max_length=200, unique=True, editable=False)
    call_starts_at = models.DateTimeField(
        null=True, blank=True, help_text="The call's time when the message was written (messages say this time)."
    )
    previous_call_starts_at = models.DateTimeField(
        null=True, blank=True, help_text="For a moved call: the time it was at before, as the message says."
    )
    previous_clinician = models.ForeignKey(
        Clinician,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="For a call given to another clinician: who had it before.",
    )
    digest_date = models.DateField(null=True, blank=True, help_text="Daily lists: the day the list is for.")
    privacy_request = models.ForeignKey(
        "PrivacyRequest",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        help_text="For a privacy request alert: the request it is about.",
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(
        default=timezone.now, help_text="When the message is next due to be tried, if it is still waiting."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The sweeper looks for waiting messages by when they were due.
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="notification_pending_due"),
        ]

    def __str__(self):
        return f"{self.event} to {self.recipient_role}"


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
