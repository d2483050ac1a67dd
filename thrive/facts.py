"""Facts only the practice can give, and which of them the front desk has still to fill in.

A fact nobody has given stays an empty field, and the pages leave it out. The admin's index lists
what is still empty, so the front desk knows what to supply. Each app adds its own checks with
`missing_facts_source`, so this module needs to know none of them.
"""

from dataclasses import dataclass

from django.urls import reverse

from thrive.models import SiteSettings

_SOURCES = []


@dataclass(frozen=True)
class MissingFact:
    what: str
    where: str  # the admin page where it is filled in


def missing_facts_source(source):
    """Register a function that returns the MissingFacts of one app."""
    _SOURCES.append(source)
    return source


def missing_facts():
    """Everything still to fill in, site settings first."""
    return [fact for source in _SOURCES for fact in source()]


def is_placeholder_address(email):
    """True for an empty address or one at a reserved example domain, which can't receive mail."""
    return not email or email.rsplit("@", 1)[-1].lower().endswith((".example", "example.com", "example.org"))


@missing_facts_source
def site_settings_missing():
    site = SiteSettings.get_solo()
    where = reverse("admin:thrive_sitesettings_change")
    checks = [
        ("the front desk's alert email", not is_placeholder_address(site.front_desk_email)),
        ("office hours", site.office_hours and site.opening_hours_spec),
        ("how soon you call back", site.callback_time),
        ("session fees", site.session_fees),
        ("the office's ZIP code", site.postal_code),
        ("the office's place on the map", site.latitude is not None and site.longitude is not None),
    ]
    return [MissingFact(f"Site settings: {what}", where) for what, done in checks if not done]
