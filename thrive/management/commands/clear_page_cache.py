from django.core.management.base import BaseCommand

from thrive.cache import page_cache_clear


class Command(BaseCommand):
    help = (
        "Start a new content generation, so that no page or fragment cached by an earlier release is served. "
        "deploy/release.sh runs it on every release: a cached page holds the old templates' HTML."
    )

    def handle(self, *args, **options):
        page_cache_clear()
        self.stdout.write("Cached pages and fragments will be rebuilt on their next request.")
