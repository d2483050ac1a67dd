from django.apps import AppConfig


class ThriveConfig(AppConfig):
    """The site itself: the practice's settings, the page cache and the page chrome every app shares."""

    name = "thrive"
    verbose_name = "The practice"

    def ready(self):
        # Models can be imported only once the app registry is ready.
        from thrive import checks  # noqa: F401 - registers the system checks
        from thrive.cache import invalidate_on_change
        from thrive.models import SiteSettings

        invalidate_on_change(SiteSettings)
