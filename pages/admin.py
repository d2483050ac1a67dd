from django.contrib import admin

from pages.models import Announcement, Page, Section


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


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ["message", "starts_on", "ends_on"]
    date_hierarchy = "starts_on"
