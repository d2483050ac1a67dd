"""The notification outbox in the admin: what was sent about each consultation, and what failed."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.text import Truncator

from consultations.models import Notification
from consultations.outbox.services import notifications_resend


class NotificationInline(admin.TabularInline):
    model = Notification
    extra = 0
    can_delete = False
    verbose_name_plural = "emails about this consultation"
    fields = ["event_label", "recipient_label", "status", "attempts", "created_at", "sent_at", "last_error"]
    readonly_fields = fields

    @admin.display(description="about")
    def event_label(self, notification):
        return notification.get_event_display()

    @admin.display(description="to")
    def recipient_label(self, notification):
        return notification.get_recipient_role_display()

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Every message the site has sent or tried to send; any can be sent again, delivered ones after a warning."""

    list_display = [
        "created_at",
        "event_label",
        "recipient_label",
        "to_email",
        "status",
        "attempts",
        "sent_at",
        "error",
    ]
    list_filter = ["status", "event", "recipient_role"]
    list_select_related = ["consultation", "clinician", "privacy_request"]
    search_fields = ["consultation__reference", "privacy_request__reference", "to_email"]
    date_hierarchy = "created_at"
    actions = ["resend"]
    fields = [
        "consultation",
        "privacy_request",
        "clinician",
        "event",
        "recipient_role",
        "to_email",
        "message_id",
        "call_starts_at",
        "digest_date",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
        "created_at",
    ]
    readonly_fields = fields

    @admin.display(description="about", ordering="event")
    def event_label(self, notification):
        return notification.get_event_display()

    @admin.display(description="to", ordering="recipient_role")
    def recipient_label(self, notification):
        return notification.get_recipient_role_display()

    @admin.display(description="error")
    def error(self, notification):
        return Truncator(notification.last_error).chars(80)

    @admin.action(description="Send the selected messages again", permissions=["change"])
    def resend(self, request, queryset):
        """Send again; first ask, on a page of its own, about any message that may already have been delivered."""
        delivered = list(queryset.filter(status__in=Notification.MAY_HAVE_BEEN_DELIVERED))
        confirmed = request.POST.get("confirmed") == "yes"
        if delivered and not confirmed:
            context = {
                **self.admin_site.each_context(request),
                "title": "Send these messages again?",
                "opts": self.model._meta,
                "queryset": queryset,
                "delivered": delivered,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/consultations/notification/resend_confirmation.html", context)
        count = notifications_resend(queryset=queryset, include_delivered=confirmed)
        if count:
            self.message_user(request, f"{count} message(s) will be sent again now.", messages.SUCCESS)
        else:
            self.message_user(request, "None of the selected messages needed sending again.", messages.INFO)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # The outbox is the record of what was sent; the privacy work erases addresses, never rows.
        return False
