from django.apps import AppConfig


class CliniciansConfig(AppConfig):
    name = "clinicians"

    def ready(self):
        from clinicians.models import Clinician, Specialty
        from pages.cache import invalidate_on_change

        # The home page lists the clinicians who are accepting new clients.
        invalidate_on_change(Clinician, Specialty)
