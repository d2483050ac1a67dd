from django.apps import AppConfig


class CliniciansConfig(AppConfig):
    name = "clinicians"

    def ready(self):
        # Models can be imported only once the app registry is ready.
        from django.db.models.signals import m2m_changed

        from clinicians import facts  # noqa: F401 - registers the clinicians' still-to-fill-in checks
        from clinicians.models import Clinician, Specialty
        from thrive.cache import bump_content_generation, invalidate_on_change

        # The home page lists the clinicians who are accepting new clients.
        invalidate_on_change(Clinician, Specialty)
        # The admin saves a clinician's specialties after the clinician, so the save alone
        # could let a page be cached with the old specialties in between.
        m2m_changed.connect(
            bump_content_generation, sender=Clinician.specialties.through, dispatch_uid="content-clinician-specialties"
        )
