from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "consultations"

    def ready(self):
        # The privacy request queue lives in its own module beside the booking admin.
        from consultations import privacy_admin  # noqa: F401
        from consultations.models import Consultation, ConsultationHours, ConsultationSettings, TimeOff
        from pages.cache import invalidate_on_change

        # The open times visitors see are cached too; anything that opens or closes a time shows at once.
        invalidate_on_change(Consultation, ConsultationHours, ConsultationSettings, TimeOff)
