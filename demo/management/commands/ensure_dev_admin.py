import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

USERNAME = "admin"


class Command(BaseCommand):
    help = "Create a development admin login, once, on the embedded SQLite database in debug mode only."

    def handle(self, *args, **options):
        embedded = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
        if not (settings.DEBUG and embedded):
            self.stdout.write("Not creating a development admin: that happens only in debug mode on SQLite.")
            return
        User = get_user_model()
        if User.objects.filter(username=USERNAME).exists():
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(USERNAME, email="", password=password)
        admin_url = f"{settings.SITE_URL}/{settings.ADMIN_URL}"
        self.stdout.write(
            self.style.SUCCESS(
                f"\nDevelopment admin created (shown only this once):\n"
                f"  {admin_url}\n  username: {USERNAME}\n  password: {password}\n"
            )
        )
