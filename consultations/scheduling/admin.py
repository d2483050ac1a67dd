from django.contrib import admin
from solo.admin import SingletonModelAdmin

from clinicians.permissions import ClinicianScopedAdminMixin
from consultations.models import ConsultationHours, ConsultationSettings, TimeOff


@admin.register(ConsultationHours)
class ConsultationHoursAdmin(ClinicianScopedAdminMixin, admin.ModelAdmin):
    list_display = ["clinician", "weekday", "starts_at", "ends_at"]
    list_filter = ["clinician", "weekday"]
    list_select_related = ["clinician"]
    ordering = ["clinician", "weekday", "starts_at"]


@admin.register(TimeOff)
class TimeOffAdmin(ClinicianScopedAdminMixin, admin.ModelAdmin):
    list_display = ["who", "starts_on", "ends_on", "reason"]
    list_filter = ["clinician"]
    list_select_related = ["clinician"]
    date_hierarchy = "starts_on"

    @admin.display(description="Who", ordering="clinician")
    def who(self, obj):
        return obj.clinician or "Whole practice"


@admin.register(ConsultationSettings)
class ConsultationSettingsAdmin(SingletonModelAdmin):
    pass
