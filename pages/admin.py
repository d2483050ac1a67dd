from django.contrib import admin

from pages.models import Announcement, Page, PolicyVersion, Section
from pages.selectors import PRIVACY_SLUG
from pages.services import policy_version_record


class SectionInline(admin.StackedInline):
    model = Section
    extra = 0
    fields = ["order", "heading", "body"]


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "status", "show_in_navigation", "navigation_order", "updated_at"]
    list_filter = ["status", "show_in_navigation"]
    list_editable = ["navigation_order"]
    search_fields = ["title", "slug", "lead"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [SectionInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "status", "lead", "practice_details"]}),
        ("Menu", {"fields": ["show_in_navigation", "navigation_title", "navigation_order"]}),
        ("Search engines", {"fields": ["meta_description"]}),
    ]
    actions = ["publish", "unpublish"]

    def view_on_site(self, page):
        return page.get_absolute_url()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The sections are saved by now: keep the policy exactly as clients will read it.
        if form.instance.slug == PRIVACY_SLUG:
            policy_version_record()

    @admin.action(description="Publish the selected pages")
    def publish(self, request, queryset):
        _status_set(queryset, Page.Status.PUBLISHED)
        if queryset.filter(slug=PRIVACY_SLUG).exists():
            policy_version_record()

    @admin.action(description="Turn the selected pages back into drafts")
    def unpublish(self, request, queryset):
        _status_set(queryset, Page.Status.DRAFT)


def _status_set(queryset, status):
    # One save per page, not update(): saving is what refreshes the cached pages.
    for page in queryset:
        page.status = status
        page.save(update_fields=["status", "updated_at"])


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ["message", "starts_on", "ends_on"]
    date_hierarchy = "starts_on"


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    """Every version of the privacy policy clients have agreed to: kept as published, never edited."""

    list_display = ["__str__", "title", "published_at"]
    date_hierarchy = "published_at"
    fields = ["title", "published_at", "policy"]
    readonly_fields = fields

    @admin.display(description="the policy as published")
    def policy(self, obj):
        return obj.text_html

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
