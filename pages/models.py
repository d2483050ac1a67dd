from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from thrive.markdown import markdown_html

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

    class PracticeDetails(models.TextChoices):
        NONE = "", "Nothing more"
        CONTACT = "contact", "The practice's address, phone, office hours and how soon you call back"
        FEES = "fees", "The session fees"

    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    practice_details = models.CharField(
        max_length=10,
        choices=PracticeDetails,
        default=PracticeDetails.NONE,
        blank=True,
        help_text="Facts from Site settings to show under this page's text, always up to date. Any that are still "
        "empty in Site settings are left out.",
    )
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

    body_html = markdown_html("body")


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


class PolicyVersion(models.Model):
    """One published version of the privacy policy, kept for good: what a client's consent agreed to."""

    title = models.CharField(max_length=120)
    text = models.TextField(help_text="The policy as it was published, in Markdown: its lead, then each section.")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    published_at = models.DateTimeField(default=timezone.now, help_text="When this version was first published.")

    class Meta:
        ordering = ["-published_at"]
        get_latest_by = "published_at"

    def __str__(self):
        return f"Privacy policy published {timezone.localtime(self.published_at):%-d %B %Y, %-I:%M %p}"

    text_html = markdown_html("text")
