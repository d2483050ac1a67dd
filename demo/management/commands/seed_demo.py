from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.text import slugify

from clinicians import demo_content as clinician_demo
from clinicians.models import Clinician, Specialty
from consultations import demo_content as consultation_demo
from consultations.models import ConsultationHours, ConsultationSettings, TimeOff
from pages import demo_content as page_demo
from pages.models import Announcement, Page, Section
from thrive import demo_content as site_demo
from thrive.models import SiteSettings


class Command(BaseCommand):
    help = (
        "Give a new site the practice's starting content. A site with any page, clinician or announcement "
        "is left exactly as it is, so production's release step (deploy/release.sh) runs it on every start."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        # A site the front desk has worked on is theirs: even a page they deleted stays deleted.
        if Page.objects.exists() or Clinician.objects.exists() or Announcement.objects.exists():
            self.stdout.write("The site already has content; nothing changed.")
            return
        created = []
        if not SiteSettings.objects.exists():
            SiteSettings.objects.create(**site_demo.SITE_SETTINGS)
            created.append("site settings")
        ConsultationSettings.get_solo()

        for spec in page_demo.PAGES:
            fields = {key: value for key, value in spec.items() if key not in ("slug", "sections")}
            page, was_created = Page.objects.get_or_create(
                slug=spec["slug"], defaults={**fields, "status": Page.Status.PUBLISHED}
            )
            if was_created:
                for order, (heading, body) in enumerate(spec["sections"], start=1):
                    Section.objects.create(page=page, order=order * 10, heading=heading, body=body)
                created.append(f"page /{page.slug}/")

        for name in clinician_demo.SPECIALTIES:
            Specialty.objects.get_or_create(slug=slugify(name), defaults={"name": name})
        for spec in clinician_demo.CLINICIANS:
            fields = {key: value for key, value in spec.items() if key not in ("slug", "specialties")}
            clinician, was_created = Clinician.objects.get_or_create(slug=spec["slug"], defaults=fields)
            if was_created:
                clinician.specialties.set(Specialty.objects.filter(name__in=spec["specialties"]))
                for weekday, starts_at, ends_at in consultation_demo.CONSULTATION_HOURS.get(clinician.slug, []):
                    ConsultationHours.objects.create(
                        clinician=clinician, weekday=weekday, starts_at=starts_at, ends_at=ends_at
                    )
                created.append(f"clinician {clinician.full_name}")

        if not TimeOff.objects.filter(clinician__isnull=True).exists():
            TimeOff.objects.bulk_create(
                TimeOff(starts_on=starts_on, ends_on=ends_on, reason=reason)
                for reason, starts_on, ends_on in consultation_demo.HOLIDAYS
            )
            created.append("practice holidays")

        if not Announcement.objects.exists():
            Announcement.objects.create(**page_demo.ANNOUNCEMENT)
            created.append("announcement")

        if created:
            self.stdout.write("Loaded demo content: " + ", ".join(created) + ".")
        else:
            self.stdout.write("Demo content already loaded; nothing changed.")
