from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils.html import format_html

from clinicians.models import FORMAT_FLAGS, SERVICE_FLAGS, Clinician, Service, SessionFormat, Specialty
from clinicians.permissions import ClinicianScopedAdminMixin
from clinicians.photos import PHOTO_NOT_AN_IMAGE


class ServiceListFilter(admin.SimpleListFilter):
    title = "service"
    parameter_name = "service"
    fields = SERVICE_FLAGS

    def lookups(self, request, model_admin):
        return Service.choices

    def queryset(self, request, queryset):
        field = self.fields.get(self.value())
        return queryset.filter(**{field: True}) if field else queryset


class FormatListFilter(ServiceListFilter):
    title = "session format"
    parameter_name = "format"
    fields = FORMAT_FLAGS

    def lookups(self, request, model_admin):
        return SessionFormat.choices


@admin.register(Clinician)
class ClinicianAdmin(ClinicianScopedAdminMixin, admin.ModelAdmin):
    """The front desk manages every profile; a clinician signs in to keep their own up to date."""

    clinician_lookup = ""
    list_display = ["full_name", "credentials", "accepting_new_clients", "active", "display_order", "user"]
    list_display_links = ["full_name"]
    list_filter = ["active", "accepting_new_clients", ServiceListFilter, FormatListFilter, "specialties"]
    search_fields = ["full_name", "slug", "credentials", "short_bio", "alert_email", "user__username"]
    prepopulated_fields = {"slug": ["full_name"]}
    readonly_fields = ["photo_preview"]
    fieldsets = [
        (None, {"fields": ["full_name", "slug", "credentials", "pronouns", "photo", "photo_preview"]}),
        (
            "New clients",
            {"fields": ["accepting_new_clients", "openings_note"]},
        ),
        (
            "What they offer",
            {
                "fields": [
                    "short_bio",
                    "full_bio",
                    "approaches",
                    "specialties",
                    ("offers_individual", "offers_couples"),
                    ("offers_in_person", "offers_online"),
                    "languages",
                ]
            },
        ),
        ("License", {"fields": [("license_number", "license_state"), "joined_on"]}),
        ("At the practice", {"fields": ["active", "display_order", "alert_email", "user"]}),
    ]
    # What only the front desk decides: where the profile lives, whether it shows, its order and login.
    front_desk_only_fields = ["slug", "active", "display_order", "user"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "photo" and formfield is not None:
            formfield.error_messages["invalid_image"] = PHOTO_NOT_AN_IMAGE
            formfield.widget.attrs["accept"] = "image/jpeg,image/png,image/webp"
        return formfield

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "specialties":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if self.is_scoped(request):
            readonly += self.front_desk_only_fields
        return readonly

    def get_prepopulated_fields(self, request, obj=None):
        return {} if self.is_scoped(request) else super().get_prepopulated_fields(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            # Only staff logins can sign in to the admin, so only they are worth offering.
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True).order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="Photo as shown on the site")
    def photo_preview(self, clinician):
        if not clinician.photo_card:
            return "No photo yet: the site shows a neutral placeholder."
        return format_html(
            '<img src="{}" alt="" width="{}" height="{}">',
            clinician.photo_card.url,
            clinician.card_photo_size,
            clinician.card_photo_size,
        )


@admin.register(Specialty)
class SpecialtyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "clinician_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(clinicians_count=Count("clinicians"))

    @admin.display(description="clinicians", ordering="clinicians_count")
    def clinician_count(self, specialty):
        return specialty.clinicians_count
