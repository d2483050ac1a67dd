from django.apps import AppConfig


class StaffConfig(AppConfig):
    """Staff security: sign-in lock-outs, the second factor, idle sessions and the audit history."""

    name = "staff"
    verbose_name = "Staff security"

    def ready(self):
        # Connects the sign-in record's receivers.
        from staff import signals  # noqa: F401
