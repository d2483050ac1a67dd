from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = "Site content"

    def ready(self):
        from pages.cache import invalidate_on_change
        from pages.models import Announcement, Page, Section, SiteSettings

        invalidate_on_change(Page, Section, SiteSettings, Announcement)
