from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = "Site content"

    def ready(self):
        # Models can be imported only once the app registry is ready.
        from pages.models import Announcement, Page, Section
        from thrive.cache import invalidate_on_change

        invalidate_on_change(Page, Section, Announcement)
