"""A free phone consultation: who asked, when, with whom, and where it stands."""

import secrets

from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone
from phonenumber_field.modelfields import PhoneNumberField

from clinicians.models import Clinician
from consultations.timefmt import format_moment
from pages.models import PolicyVersion

# Letters and digits that can't be mistaken for one another when read aloud.
REFERENCE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY3479"


def new_reference():
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def new_link_secret():
    """The random part of a booking's private link: it names the booking without saying which one."""
    return secrets.token_urlsafe(16)


class ConsultationQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=Consultation.Status.CANCELLED)

    def upcoming(self, now=None):
        return self.active().filter(starts_at__gte=now or timezone.now())

    def client_changeable(self, now=None):
        """The calls a client may still move or cancel themselves: see Consultation.client_may_change."""
        return self.filter(status__in=Consultation.CLIENT_CHANGEABLE, erased_at__isnull=True).exclude(
            starts_at__lte=now or timezone.now()
        )


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

    class BookedVia(models.TextChoices):
        ONLINE = "online", "Booked online"
        FRONT_DESK = "front_desk", "Booked by the front desk"
        CALLBACK = "callback", "Callback request"

    class CancelledBy(models.TextChoices):
        CLIENT = "client", "The client"
        PRACTICE = "practice", "The practice"

    # The states a status may be reached from. A change applies only from one of these, so
    # two people working the queue at once can never, say, mark a cancelled call as called.
    STATUS_FROM = {
        Status.CONFIRMED: {Status.NEW},
        Status.CALLED: {Status.NEW, Status.CONFIRMED, Status.NO_ANSWER},
        Status.COMPLETED: {Status.NEW, Status.CONFIRMED, Status.CALLED, Status.NO_ANSWER},
        Status.NO_ANSWER: {Status.NEW, Status.CONFIRMED, Status.CALLED},
        Status.NOT_A_FIT: {Status.NEW, Status.CONFIRMED, Status.CALLED, Status.NO_ANSWER},
        Status.NEW: {Status.CONFIRMED, Status.NO_ANSWER},
    }

    # A client may move or cancel a call themselves only while it is still ahead and nobody has called yet.
    CLIENT_CHANGEABLE = (Status.NEW, Status.CONFIRMED)

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
    link_secret = models.CharField(
        max_length=32,
        unique=True,
        default=new_link_secret,
        editable=False,
        help_text="The random part of the client's private link; replaced when their details are erased.",
    )
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
    state_of_residence = models.CharField(
        max_length=2, blank=True, help_text="Asked only of people who want online sessions (Washington residents only)."
    )
    note = models.TextField(max_length=500, blank=True)
    heard_about = models.CharField("how they heard of us", max_length=200, blank=True)
    preferred_days = models.CharField(max_length=100, blank=True, help_text="Callback requests: days that suit.")
    preferred_times = models.CharField(max_length=100, blank=True, help_text="Callback requests: parts of the day.")

    consented_at = models.DateTimeField(null=True, blank=True)
    consent_policy_version = models.CharField(max_length=40, blank=True)
    consent_policy = models.ForeignKey(
        PolicyVersion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The exact privacy policy the client agreed to.",
    )
    form_token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    possible_duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Another upcoming call booked with the same phone or email. Check with the client which one "
        "they want, and cancel the other.",
    )
    internal_notes = models.TextField(
        blank=True,
        help_text="For staff only: never emailed. Write it as if the client may read it: "
        "they can ask to see everything we hold about them.",
    )

    # How the call came to be and who cancelled it: the practice's insights count these, never who it was.
    booked_via = models.CharField(max_length=12, choices=BookedVia, default=BookedVia.ONLINE, editable=False)
    cancelled_by = models.CharField(max_length=8, choices=CancelledBy, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
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
            # "One free consultation at a time" looks up upcoming calls by phone and by email, the email
            # in any case (email__iexact, which PostgreSQL answers from UPPER(email)).
            models.Index(fields=["phone"], name="consultation_phone_idx"),
            models.Index(Upper("email"), name="consultation_email_upper_idx"),
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

    @classmethod
    def status_may_follow(cls, before, after):
        """May a call go from status ``before`` to ``after``? The practice may cancel any call not yet cancelled."""
        if after == cls.Status.CANCELLED:
            return before != cls.Status.CANCELLED
        return before in cls.STATUS_FROM.get(after, ())

    def client_may_change(self, now=None):
        """May the client still move or cancel this call from their private link? One rule, asked everywhere."""
        now = now or timezone.now()
        return (
            self.status in self.CLIENT_CHANGEABLE
            and self.erased_at is None
            and (self.starts_at is None or self.starts_at > now)
        )

    @property
    def is_callback_request(self):
        return self.starts_at is None

    @property
    def phone_ending(self):
        """The last digits of the phone number: enough for the client to recognise it on a page a link opens."""
        return str(self.phone)[-2:] if self.phone else ""

    @property
    def display_name(self):
        return self.preferred_name or self.first_name

    @property
    def when_label(self):
        """'Tuesday, March 3, 3:15 PM Pacific Time', or '' for a callback request."""
        return format_moment(self.starts_at) if self.starts_at else ""
