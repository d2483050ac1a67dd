from django.conf import settings
from django.db import models, transaction
from django.urls import reverse

from clinicians.photos import CARD_SIZE, photo_renditions, validate_photo_upload
from thrive.markdown import markdown_html


class Service(models.TextChoices):
    INDIVIDUAL = "individual", "Individual therapy"
    COUPLES = "couples", "Couples therapy"


class SessionFormat(models.TextChoices):
    IN_PERSON = "in_person", "In person at the Seattle office"
    ONLINE = "online", "Online for Washington residents"


# The flag on a clinician that says they offer each service and each way of meeting.
SERVICE_FLAGS = {Service.INDIVIDUAL: "offers_individual", Service.COUPLES: "offers_couples"}
FORMAT_FLAGS = {SessionFormat.IN_PERSON: "offers_in_person", SessionFormat.ONLINE: "offers_online"}


class Specialty(models.Model):
    """A small vocabulary the front desk edits: depression, anxiety, grief, …"""

    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "specialties"

    def __str__(self):
        return self.name


class ClinicianQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def accepting(self):
        return self.filter(accepting_new_clients=True)

    def for_cards(self):
        """With the specialties a card shows, so a list of any length costs two queries."""
        return self.prefetch_related("specialties")


class Clinician(models.Model):
    full_name = models.CharField(max_length=120)
    slug = models.SlugField(
        max_length=120,
        unique=True,
        help_text="The last part of the profile's web address, e.g. maricor-coquia for /clinicians/maricor-coquia/.",
    )
    credentials = models.CharField(max_length=60, help_text="Licenses and degrees as they follow the name, e.g. LMHC.")
    pronouns = models.CharField(max_length=30, blank=True)
    photo = models.ImageField(
        upload_to="clinicians/",
        blank=True,
        validators=[validate_photo_upload],
        width_field="photo_width",
        height_field="photo_height",
        help_text="A friendly head-and-shoulders photo: JPEG, PNG or WebP, up to 5 MB. "
        "It is cropped square and resized for the site automatically.",
    )
    photo_width = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    photo_card = models.ImageField(
        upload_to="clinicians/", blank=True, editable=False, help_text="The small copy shown on directory cards."
    )
    short_bio = models.TextField(max_length=400, help_text="Two or three sentences for the directory card (Markdown).")
    full_bio = models.TextField(blank=True, help_text="The profile page's text, in Markdown.")
    approaches = models.CharField(
        max_length=200,
        default="Interpersonal Process Therapy (IPT)",
        help_text="Therapy approaches, IPT first, separated by commas.",
    )
    specialties = models.ManyToManyField(Specialty, blank=True, related_name="clinicians")
    offers_individual = models.BooleanField("individual therapy", default=True)
    offers_couples = models.BooleanField("couples therapy", default=False)
    offers_in_person = models.BooleanField("in person at the Seattle office", default=True)
    offers_online = models.BooleanField("online for Washington residents", default=True)
    languages = models.CharField(
        max_length=120, blank=True, help_text="The languages they offer therapy in, separated by commas."
    )
    accepting_new_clients = models.BooleanField(default=True)
    openings_note = models.CharField(
        max_length=120,
        blank=True,
        help_text="A short note on openings, e.g. “Openings for individual and couples therapy”.",
    )
    license_number = models.CharField(max_length=40, blank=True)
    license_state = models.CharField(max_length=2, default="WA")
    joined_on = models.DateField(null=True, blank=True, help_text="When they joined the practice.")
    active = models.BooleanField(
        default=True, help_text="Untick when someone leaves: their profile disappears from the site."
    )
    display_order = models.PositiveSmallIntegerField(default=100, help_text="Lower numbers come first.")
    alert_email = models.EmailField(help_text="Where alerts about this clinician's consultation calls are sent.")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="clinician",
        help_text="The staff login this clinician signs in with, so they see their own calls.",
    )

    objects = ClinicianQuerySet.as_manager()

    class Meta:
        ordering = ["display_order", "full_name"]

    def __str__(self):
        return f"{self.full_name}, {self.credentials}" if self.credentials else self.full_name

    def save(self, *args, **kwargs):
        replaced = self._stored_photo_names() if self.pk else []
        if self.photo and not self.photo._committed:
            # A new upload: replace it with the square, resized copies the pages show.
            profile, card = photo_renditions(upload=self.photo, name_stem=self.slug or "clinician")
            self.photo = profile
            self.photo_card = card
        elif not self.photo:
            self.photo_card = ""
        super().save(*args, **kwargs)
        # Files of a replaced or removed photo would otherwise stay public at their old address.
        unused = [name for name in replaced if name and name not in (self.photo.name, self.photo_card.name)]
        if unused:
            storage = self.photo.storage
            transaction.on_commit(lambda: [storage.delete(name) for name in unused])

    def get_absolute_url(self):
        return reverse("clinicians:detail", kwargs={"slug": self.slug})

    @property
    def first_name(self):
        return self.full_name.split()[0] if self.full_name else ""

    @property
    def card_photo_size(self):
        """The card photo's side in pixels: it was never enlarged past the original."""
        return min(CARD_SIZE, self.photo_width or CARD_SIZE)

    short_bio_html = markdown_html("short_bio")
    full_bio_html = markdown_html("full_bio")

    @property
    def services(self):
        return self._offered(SERVICE_FLAGS)

    @property
    def formats(self):
        return self._offered(FORMAT_FLAGS)

    def _offered(self, flags):
        """The labels of the choices whose flag is set on this clinician."""
        return [choice.label for choice, flag in flags.items() if getattr(self, flag)]

    def _stored_photo_names(self):
        if self.photo and self.photo._committed:
            return []  # photo unchanged or already stored: nothing to clean up
        stored = type(self).objects.filter(pk=self.pk).values_list("photo", "photo_card").first()
        return list(stored or [])
