from django.contrib import admin

from pages.models import Announcement, Page, Section, SiteSettings


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
        (None, {"fields": ["title", "slug", "status", "lead"]}),
        ("Menu", {"fields": ["show_in_navigation", "navigation_title", "navigation_order"]}),
        ("Search engines", {"fields": ["meta_description"]}),
    ]
    actions = ["publish", "unpublish"]

    def view_on_site(self, page):
        return page.get_absolute_url()

    @admin.action(description="Publish the selected pages")
    def publish(self, request, queryset):
        for page in queryset:
            page.status = Page.Status.PUBLISHED
            page.save(update_fields=["status", "updated_at"])

    @admin.action(description="Turn the selected pages back into drafts")
    def unpublish(self, request, queryset):
        for page in queryset:
            page.status = Page.Status.DRAFT
            page.save(update_fields=["status", "updated_at"])


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    fieldsets = [
        ("The practice", {"fields": ["practice_name", "phone", "email", "front_desk_email", "service_area"]}),
        ("Office", {"fields": ["street_address", "city", "region", "postal_code", "latitude", "longitude"]}),
        ("Hours", {"fields": ["office_hours", "opening_hours_spec"]}),
        ("Safety", {"fields": ["crisis_notice"]}),
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ["message", "starts_on", "ends_on"]
    date_hierarchy = "starts_on"
