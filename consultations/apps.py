from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "consultations"

    def ready(self):
        # The privacy request queue lives in its own module beside the booking admin.
        from consultations import privacy_admin  # noqa: F401
