"""The notification outbox in the admin: what was sent about each consultation, and what failed."""

from django.contrib import admin

from consultations.models import Notification


class NotificationInline(admin.TabularInline):
    model = Notification
    extra = 0
    can_delete = False
    fields = ["event", "recipient_role", "status", "attempts", "created_at", "sent_at", "last_error"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False
