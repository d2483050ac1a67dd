"""The front desk's privacy request queue, and the record of who looked at a client's contact details."""

from datetime import timedelta

from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from consultations.models import PrivacyRequest
from consultations.privacy.services import (
    privacy_request_complete,
    privacy_request_decline,
    privacy_request_matches,
    privacy_request_start_verifying,
)

OPEN_STATUSES = (PrivacyRequest.Status.RECEIVED, PrivacyRequest.Status.VERIFYING)


class DueFilter(admin.SimpleListFilter):
    title = "due"
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("open", "Still open"), ("overdue", "Overdue"), ("week", "Due within 7 days")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        open_requests = queryset.filter(status__in=OPEN_STATUSES)
        if self.value() == "open":
            return open_requests
        if self.value() == "overdue":
            return open_requests.filter(due_on__lt=today)
        if self.value() == "week":
            return open_requests.filter(due_on__lte=today + timedelta(days=7))
        return queryset


@admin.register(PrivacyRequest)
class PrivacyRequestAdmin(admin.ModelAdmin):
    list_display = ["reference", "kind", "full_name", "status", "received_at", "due_on", "days_left"]
    list_filter = [DueFilter, "status", "kind"]
    search_fields = ["reference", "full_name", "email", "phone"]
    ordering = ["due_on"]
    date_hierarchy = "received_at"
    readonly_fields = [
        "reference",
        "kind",
        "full_name",
        "email",
        "phone",
        "details",
        "status",
        "received_at",
        "due_on",
        "completed_at",
        "matching_consultations",
    ]
    fieldsets = [
        ("The request", {"fields": ["reference", "kind", "status", "received_at", "due_on", "completed_at"]}),
        ("Who is asking", {"fields": ["full_name", "email", "phone", "details"]}),
        (
            "Working it",
            {
                "fields": ["matching_consultations", "staff_notes"],
                "description": "Check it's really them (call the number we have on file, or reply from the "
                "email on file) before completing. Completing a deletion or withdrawn consent erases every "
                "matching consultation below, at once and for good.",
            },
        ),
    ]
    actions = ["start_verifying", "complete", "decline"]

    def has_add_permission(self, request):
        # Requests arrive through the public form. For one made by phone, the front desk fills in that
        # form for the caller, so it gets its reference and due date the same way.
        return False

    @admin.display(description="days left")
    def days_left(self, obj):
        if obj.status not in OPEN_STATUSES:
            return "–"
        days = (obj.due_on - timezone.localdate()).days
        return f"{-days} overdue" if days < 0 else days

    @admin.display(description="matching consultations")
    def matching_consultations(self, obj):
        matches = privacy_request_matches(privacy_request=obj)
        if not matches:
            return "None found by email or phone number."
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a>: {} {}, {}</li>',
                (
                    (
                        reverse("admin:consultations_consultation_change", args=[c.pk]),
                        c.reference,
                        c.first_name,
                        c.last_name,
                        c.starts_at and timezone.localtime(c.starts_at).strftime("%-d %b %Y") or "callback request",
                    )
                    for c in matches
                ),
            ),
        )

    @admin.action(description="Start verifying who is asking", permissions=["change"])
    def start_verifying(self, request, queryset):
        for privacy_request in queryset.filter(status=PrivacyRequest.Status.RECEIVED):
            privacy_request_start_verifying(privacy_request=privacy_request)

    @admin.action(description="Complete (a deletion erases the matching consultations)", permissions=["change"])
    def complete(self, request, queryset):
        verifying = queryset.filter(status=PrivacyRequest.Status.VERIFYING)
        skipped = queryset.exclude(status=PrivacyRequest.Status.VERIFYING).count()
        erased = sum(privacy_request_complete(privacy_request=r) for r in verifying)
        messages.success(request, f"Completed. {erased} consultation(s) erased.")
        if skipped:
            messages.warning(request, f"{skipped} request(s) skipped: only requests being verified can be completed.")

    @admin.action(
        description="Decline (explain why in the notes, and tell them they can appeal)", permissions=["change"]
    )
    def decline(self, request, queryset):
        for privacy_request in queryset.filter(status__in=OPEN_STATUSES):
            privacy_request_decline(privacy_request=privacy_request)
