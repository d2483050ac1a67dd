from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class PublicViewSitemap(Sitemap):
    """The public pages that are views rather than rows: the clinician directory and the booking page."""

    changefreq = "weekly"

    def items(self):
        return ["clinicians:list", "consultations:book"]

    def location(self, name):
        return reverse(name)
