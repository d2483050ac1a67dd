"""What the whole site shares: the practice's own details, read by every page and every email."""

import logging

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, models
from solo.models import SingletonModel

from thrive.cache import get_or_build
from thrive.phones import phone_href

log = logging.getLogger(__name__)

# Each singleton as this process last read it, for when neither the database nor the cache answers.
_last_known = {}


class CachedSingleton(SingletonModel):
    """A django-solo singleton, read from the cache, that still works when the cache is down."""

    class Meta:
        abstract = True

    @classmethod
    def get_solo(cls):
        """The settings, read from the cache once per change in each process (saving them bumps the content
        generation); shared by the requests of this process, so never to be changed in place and left unsaved."""
        return get_or_build(f"solo:{cls._meta.label}", cls._read_solo, with_open_times=False, shared=False)

    @classmethod
    def _read_solo(cls):
        try:
            solo = super().get_solo()
        except DatabaseError:
            raise
        except Exception:  # noqa: BLE001 - a cache outage must never take a page or an email down
            log.warning("cache unavailable; reading %s from the database", cls.__name__)
            solo = cls.objects.get_or_create(pk=cls.singleton_instance_id)[0]
        _last_known[cls] = solo
        return solo

    @classmethod
    def last_known(cls):
        """The settings as last read, without the database: for the page that says the database is down.

        The copy kept in the cache without expiry, else this process's own, else the defaults.
        """
        try:
            solo = caches[settings.SOLO_CACHE].get(cls._last_known_key())
        except Exception:  # noqa: BLE001 - the cache may be down too
            solo = None
        return solo or _last_known.get(cls) or cls()

    @classmethod
    def _last_known_key(cls):
        return f"{cls.get_cache_key()}:last-known"

    def set_to_cache(self):
        try:
            super().set_to_cache()
            caches[settings.SOLO_CACHE].set(self._last_known_key(), self, timeout=None)
        except Exception:  # noqa: BLE001 - the row is saved; an outage only costs a database read later
            log.warning("cache unavailable; %s not cached", type(self).__name__)

    @classmethod
    def clear_cache(cls):
        try:
            super().clear_cache()
        except Exception:  # noqa: BLE001
            log.warning("cache unavailable; %s not cleared from the cache", cls.__name__)


class SiteSettings(CachedSingleton):
    """The practice's details, edited in one place and read by every page."""

    practice_name = models.CharField(max_length=100, default="Thrive for the People")
    phone = models.CharField(max_length=30, help_text="As people should dial it, e.g. 206-403-1148.")
    email = models.EmailField(blank=True, help_text="The practice's public email address.")
    front_desk_email = models.EmailField(
        blank=True, help_text="Where alerts about new bookings and callback requests go. Not shown on the site."
    )
    alert_front_desk_of_client_changes = models.BooleanField(
        "email the front desk when a client cancels or moves a call",
        default=True,
        help_text="Sent to the front desk email, with the same few details as the clinician's alert.",
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
    callback_time = models.CharField(
        "how soon we call back",
        max_length=100,
        blank=True,
        help_text="How soon someone who leaves a message or asks for a callback hears from you, as people should "
        "read it, e.g. “within one working day”. Leave empty to promise no time.",
    )
    session_fees = models.TextField(
        blank=True,
        help_text="Your fees, one per line, as people should read them, e.g. “Individual session, 50 minutes: $…”. "
        "Shown on the fees page; leave empty until they are settled.",
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

    def __str__(self):
        return "Site settings"

    @property
    def phone_href(self):
        return phone_href(self.phone)

    @property
    def address_line(self):
        return f"{self.street_address}, {self.city}, {self.region} {self.postal_code}".strip()

    @property
    def office_hours_lines(self):
        return [line.strip() for line in self.office_hours.splitlines() if line.strip()]

    @property
    def session_fee_lines(self):
        return [line.strip() for line in self.session_fees.splitlines() if line.strip()]

    @property
    def map_url(self):
        """A link to the office on OpenStreetMap (a link, never an embed)."""
        if self.latitude is None or self.longitude is None:
            return ""
        return (
            f"https://www.openstreetmap.org/?mlat={self.latitude}&mlon={self.longitude}"
            f"#map=18/{self.latitude}/{self.longitude}"
        )
