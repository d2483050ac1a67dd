"""The addresses of the admin's consultation pages, for the tests that open them."""

from django.urls import reverse


def admin_url(page, call=None):
    """The admin's page about every call ("changelist", "add", "day", "today") or one ("change", "status", "offer")."""
    return reverse(f"admin:consultations_consultation_{page}", args=[call.pk] if call else None)
