from django.contrib import admin
from solo.admin import SingletonModelAdmin

from thrive.models import SiteSettings


@admin.register(SiteSettings)
class SiteSettingsAdmin(SingletonModelAdmin):
    fieldsets = [
        (
            "The practice",
            {
                "fields": [
                    "practice_name",
                    "phone",
                    "email",
                    "front_desk_email",
                    "alert_front_desk_of_client_changes",
                    "service_area",
                ]
            },
        ),
        ("Office", {"fields": ["street_address", "city", "region", "postal_code", "latitude", "longitude"]}),
        ("Hours", {"fields": ["office_hours", "opening_hours_spec", "callback_time"]}),
        ("Fees", {"fields": ["session_fees"]}),
        ("Safety", {"fields": ["crisis_notice"]}),
    ]
