from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from thrive.markdown import render_markdown

HOME_SLUG = "home"
# Paths that belong to other parts of the site and so can't be page slugs.
RESERVED_SLUGS = {"admin", "clinicians", "consultation", "static", "media", "sitemap.xml", "robots.txt", "healthz"}


class PageQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Page.Status.PUBLISHED)

    def in_navigation(self):
        return self.published().filter(show_in_navigation=True).order_by("navigation_order", "title")


class Page(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft (only staff can see it)"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=120, help_text="The main heading at the top of the page.")
    slug = models.SlugField(
        max_length=80,
        unique=True,
        help_text='The page\'s web address: "fees" becomes /fees/. The home page uses "home".',
    )
    navigation_title = models.CharField(
        max_length=40, blank=True, help_text="A shorter name for the menu. Leave empty to use the title."
    )
    navigation_order = models.PositiveSmallIntegerField(default=100, help_text="Lower numbers come first in the menu.")
    show_in_navigation = models.BooleanField(default=False, help_text="List this page in the site's main menu.")
    meta_description = models.CharField(
        max_length=160,
        blank=True,
        help_text="One or two sentences that search engines show under the title (at most 160 characters).",
    )
    lead = models.TextField(
        max_length=600, blank=True, help_text="A short opening paragraph shown under the title, in larger type."
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["navigation_order", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        if self.slug == HOME_SLUG:
            return reverse("pages:home")
        return reverse("pages:page_detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": "This address is used by another part of the site. Choose another."})

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    @property
    def menu_title(self):
        return self.navigation_title or self.title


class Section(models.Model):
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="sections")
    heading = models.CharField(max_length=120, blank=True, help_text="Optional heading for this part of the page.")
    anchor = models.SlugField(max_length=80, blank=True, editable=False)
    body = models.TextField(
        help_text="The text, in Markdown: a blank line starts a new paragraph, **bold**, *italic*, "
        "- for a bulleted list, [words](https://address) for a link."
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Sections show in this order, lowest first.")

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.heading or f"Section {self.order}"

    def save(self, *args, **kwargs):
        self.anchor = slugify(self.heading)[:80]
        super().save(*args, **kwargs)

    @property
    def body_html(self):
        return render_markdown(self.body)


class SiteSettings(models.Model):
    """The practice's details, edited in one place and read by every page."""

    practice_name = models.CharField(max_length=100, default="Thrive for the People")
    phone = models.CharField(max_length=30, help_text="As people should dial it, e.g. 206-403-1148.")
    email = models.EmailField(blank=True, help_text="The practice's public email address.")
    front_desk_email = models.EmailField(
        blank=True, help_text="Where alerts about new bookings and callback requests go. Not shown on the site."
    )
    street_address = models.CharField(max_length=200)
    city = models.CharField(max_length=100, default="Seattle")
    region = models.CharField(max_length=2, default="WA")
    postal_code = models.CharField(max_length=10, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    office_hours = models.TextField(
        blank=True, help_text="One line per day or range, as people should read it, e.g. “Monday–Friday 9 AM–6 PM”."
    )
    opening_hours_spec = models.CharField(
        max_length=200,
        blank=True,
        help_text="The same hours for search engines, e.g. “Mo-Fr 09:00-18:00”. Ask for help if unsure.",
    )
    service_area = models.CharField(max_length=200, default="In person in Seattle; online for Washington residents")
    crisis_notice = models.CharField(
        max_length=300,
        default="In crisis? Call or text 988. In an emergency, call 911. King County Crisis Line: 206-461-3222.",
        help_text="Shown on every page and above the booking form.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "site settings"
        verbose_name_plural = "site settings"
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="site_settings_single_row")]

    def __str__(self):
        return "Site settings"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        obj, _ = cls.objects.get_or_create(pk=1, defaults={"phone": "", "street_address": ""})
        return obj

    @property
    def phone_href(self):
        digits = "".join(ch for ch in self.phone if ch.isdigit())
        if len(digits) == 10:
            digits = "1" + digits
        return f"tel:+{digits}" if digits else ""

    @property
    def address_line(self):
        return f"{self.street_address}, {self.city}, {self.region} {self.postal_code}".strip()

    @property
    def office_hours_lines(self):
        return [line.strip() for line in self.office_hours.splitlines() if line.strip()]

    @property
    def map_url(self):
        """A link to the office on OpenStreetMap (a link, never an embed)."""
        if self.latitude is None or self.longitude is None:
            return ""
        return (
            f"https://www.openstreetmap.org/?mlat={self.latitude}&mlon={self.longitude}"
            f"#map=18/{self.latitude}/{self.longitude}"
        )


class AnnouncementQuerySet(models.QuerySet):
    def current(self, today=None):
        today = today or timezone.localdate()
        return (
            self.filter(starts_on__lte=today)
            .filter(models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=today))
            .order_by("-starts_on", "-pk")
        )


class Announcement(models.Model):
    message = models.CharField(max_length=200, help_text="One short sentence shown in a banner on every page.")
    link_url = models.CharField(
        max_length=200, blank=True, help_text="Optional: a page on this site (/clinicians/…) or a full web address."
    )
    link_text = models.CharField(max_length=60, blank=True, help_text="The words of the link, e.g. “Meet Mari”.")
    starts_on = models.DateField(default=timezone.localdate)
    ends_on = models.DateField(null=True, blank=True, help_text="Leave empty to keep showing it.")

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="announcement_ends_after_start",
            )
        ]

    def __str__(self):
        return self.message

    def clean(self):
        if self.link_url and not (self.link_url.startswith("/") or self.link_url.startswith("https://")):
            raise ValidationError(
                {"link_url": "Use an address on this site (starting with /) or one starting https://."}
            )
        if self.link_url.startswith("//"):
            raise ValidationError(
                {"link_url": "Use an address on this site (starting with /) or one starting https://."}
            )
        if self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The end date can't be before the start date."})
