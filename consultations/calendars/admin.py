"""Clinicians' own calendars in the admin: the subscription address on the clinician's page.

The clinicians app sits below consultations and knows nothing of calls, so this room adds its
section to the clinician's page by registering the clinician admin again with it.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from clinicians.admin import ClinicianAdmin
from clinicians.models import Clinician
from clinicians.permissions import ClinicianScopedAdminMixin
from consultations.calendars.forms import ExternalCalendarForm
from consultations.calendars.selectors import calendar_feed_path
from consultations.calendars.services import calendar_feed_renew, external_calendar_sync
from consultations.models import CalendarFeed, ExternalCalendar

FEED_PRIVACY_NOTE = (
    "Add this address to your calendar app as a subscription (“From URL” in Google Calendar, “Subscribe "
    "from web” in Outlook, “New Calendar Subscription” in Apple Calendar). Anyone with the address can "
    "see your call times, so keep it to yourself. Each call shows only its time, its reference and a link "
    "to the admin: no client names, numbers or notes, because calendar apps copy it to your phone and to "
    "their own servers."
)


def feed_address(feed):
    return f"{settings.SITE_URL}{calendar_feed_path(feed)}"


admin.site.unregister(Clinician)


@admin.register(Clinician)
class ClinicianWithCalendarsAdmin(ClinicianAdmin):
    fieldsets = [
        *ClinicianAdmin.fieldsets,
        ("Your calls in your own calendar", {"fields": ["calendar_subscription"]}),
    ]
    readonly_fields = [*ClinicianAdmin.readonly_fields, "calendar_subscription"]

    @admin.display(description="Subscription address")
    def calendar_subscription(self, clinician):
        if not clinician.pk:
            return "Save the profile first."
        renew_url = reverse("admin:clinicians_clinician_calendar_feed", args=[clinician.pk])
        feed = CalendarFeed.objects.filter(clinician=clinician).first()
        if feed is None:
            return format_html('None yet. <a href="{}">Make a subscription address</a>', renew_url)
        address = feed_address(feed)
        return format_html(
            '<a href="{}">{}</a><p class="help">{}</p><p><a href="{}">Make a new address</a> '
            "(the one above then stops working)</p>",
            address,
            address,
            FEED_PRIVACY_NOTE,
            renew_url,
        )

    def get_urls(self):
        renew = path(
            "<path:object_id>/calendar-address/",
            self.admin_site.admin_view(self.calendar_feed_view),
            name="clinicians_clinician_calendar_feed",
        )
        return [renew, *super().get_urls()]

    def calendar_feed_view(self, request, object_id):
        """Make (or make again) a clinician's subscription address, after asking."""
        clinician = self.get_object(request, object_id)
        if clinician is None:
            raise Http404("No such clinician.")
        if not self.has_change_permission(request, clinician):
            raise PermissionDenied
        change_url = reverse("admin:clinicians_clinician_change", args=[clinician.pk])
        existing = CalendarFeed.objects.filter(clinician=clinician).exists()
        if request.method == "POST":
            calendar_feed_renew(clinician=clinician)
            messages.success(
                request,
                "A new subscription address is ready below. Subscribe to it in your calendar app."
                if existing
                else "Your subscription address is ready below. Add it to your calendar app.",
            )
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": "Make a new calendar address" if existing else "Make a calendar address",
            "clinician": clinician,
            "existing": existing,
            "change_url": change_url,
            "opts": self.opts,
            "privacy_note": FEED_PRIVACY_NOTE,
        }
        return TemplateResponse(request, "admin/consultations/calendar_feed_renew.html", context)


@admin.register(ExternalCalendar)
class ExternalCalendarAdmin(ClinicianScopedAdminMixin, admin.ModelAdmin):
    """The front desk (or a clinician, for their own) adds calendars whose busy times block consultation times."""

    form = ExternalCalendarForm
    list_display = ["name", "clinician", "state", "last_success_at", "event_count", "last_error"]
    list_filter = ["clinician"]
    list_select_related = ["clinician"]
    actions = ["check_now"]
    fields = [
        "clinician",
        "name",
        "address",
        "state",
        "last_attempt_at",
        "last_success_at",
        "event_count",
        "last_error",
    ]
    readonly_fields = ["state", "last_attempt_at", "last_success_at", "event_count", "last_error"]

    @admin.display(description="State")
    def state(self, calendar):
        if not calendar.pk:
            return "Read as soon as it is saved."
        if calendar.is_out_of_date():
            return "Not read lately: this clinician's consultation times are hidden until it is."
        if calendar.last_error:
            return "Not read last time: the last good copy still blocks times."
        return "Read: its busy times block consultation times."

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._check(request, [obj])

    @admin.action(description="Check the selected calendars now")
    def check_now(self, request, queryset):
        self._check(request, list(queryset))

    def _check(self, request, calendars):
        for calendar in calendars:
            error = external_calendar_sync(calendar=calendar)
            if error:
                self.message_user(request, f"{calendar.name}: {error}", messages.ERROR)
            else:
                calendar.refresh_from_db(fields=["event_count"])
                self.message_user(request, f"{calendar.name}: read, {calendar.event_count} busy times ahead.")
