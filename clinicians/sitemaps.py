from django.contrib.sitemaps import Sitemap

from clinicians.models import Clinician


class ClinicianSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Clinician.objects.active().only("slug")
