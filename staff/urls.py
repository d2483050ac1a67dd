from django.conf import settings
from django.urls import path

from staff.views import two_factor, two_factor_backup_codes, two_factor_setup


def two_factor_urls():
    """The two-factor pages, which live beside the admin at ADMIN_URL."""
    return [
        path(f"{settings.ADMIN_URL}two-factor/", two_factor, name="two_factor"),
        path(f"{settings.ADMIN_URL}two-factor/setup/", two_factor_setup, name="two_factor_setup"),
        path(f"{settings.ADMIN_URL}two-factor/backup-codes/", two_factor_backup_codes, name="two_factor_backup_codes"),
    ]
