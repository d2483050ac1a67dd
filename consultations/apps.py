from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "consultations"

    def ready(self):
        # Models can be imported only once the app registry is ready.
        from consultations.models import Consultation, ConsultationHours, ConsultationSettings, TimeOff
        from thrive.cache import invalidate_on_change

        # The open times visitors see are cached too; anything that opens or closes a time shows at once.
        invalidate_on_change(ConsultationHours, ConsultationSettings, TimeOff)
        # A booking changes the open times and nothing else cached (the header, the menu, empty forms).
        invalidate_on_change(Consultation, open_times_only=True)
