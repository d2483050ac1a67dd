"""The front desk's queue: consultations, the hours clinicians take calls, time off, and the booking settings."""

import csv
import datetime

import phonenumbers
from django import forms
from django.contrib import admin, messages
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from localflavor.us.us_states import US_STATES

from clinicians.permissions import ClinicianScopedAdminMixin
from consultations.booking.dayview import DayViewAdminMixin
from consultations.booking.selectors import upcoming_consultation_for
from consultations.booking.services import (
    BookingError,
    SlotUnavailable,
    callback_request_create,
    consultation_book,
    consultation_practice_edit,
    consultations_status_set,
)
from consultations.models import Consultation
from consultations.outbox.admin import NotificationInline
from consultations.scheduling.selectors import (
    nearest_open_slots,
    open_slots,
    parse_slot_key,
    slot_key,
    slot_lookup,
    slots_by_day,
)
from consultations.timefmt import PRACTICE_TZ, format_moment
from consultations.tokens import private_page_path
from staff.audit import ContactDetailsAccessLogMixin, audit_record_export
from thrive.phones import phone_href, phone_written
from thrive.spreadsheets import csv_safe

Status = Consultation.Status

# Washington first (the practice's state), then every other state by name, then outside the US.
STATE_CHOICES = [
    ("WA", "Washington"),
    *[(code, name) for code, name in sorted(US_STATES, key=lambda state: state[1]) if code != "WA"],
    ("ZZ", "Outside the US"),
]


def _nearest_message(starts_at, clinician, instance=None):
    nearest = nearest_open_slots(around=starts_at, clinician=clinician, count=3, exclude=instance)
    if not nearest:
        return "There are no open times in the booking horizon."
    return "Nearest open times: " + "; ".join(slot.label for slot in nearest) + "."


class ConsultationAdminForm(forms.ModelForm):
    """Changes go through the same availability rules as online booking, and statuses only move forward."""

    caller_consented = forms.BooleanField(
        required=False,
        label="The caller agreed to the privacy policy",
        help_text="Needed when booking for someone who phoned in: read them the short privacy summary first.",
    )

    # A caller who phoned in is booked from the open times, grouped by day, like the public picker.
    slot = forms.CharField(
        label="Time",
        required=False,
        widget=forms.Select,
        help_text="Open times in Pacific Time, by day. Leave it on “No time yet” for a callback request.",
    )
    state_of_residence = forms.ChoiceField(
        label="State of residence",
        choices=[("", "Not asked (only asked for online sessions)"), *STATE_CHOICES],
        initial="WA",
        required=False,
    )
    loaded_status = forms.CharField(widget=forms.HiddenInput, required=False)
    loaded_schedule = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Consultation
        fields = ["status", "clinician", "starts_at", *Consultation.CLIENT_FIELDS, "internal_notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        state = self.instance.state_of_residence
        if state and state not in dict(STATE_CHOICES):  # an older record's value stays as it was
            self.fields["state_of_residence"].choices = [*STATE_CHOICES, (state, state)]
        if self.instance.pk is None:
            days = slots_by_day(open_slots())
            self.fields["slot"].widget.choices = [
                ("", "No time yet (a callback request)"),
                *[(day.label, [(slot.key, f"{day.label}, {slot.time_label}") for slot in day.slots]) for day in days],
            ]
        if self.instance.pk:
            self.initial["loaded_status"] = self.instance.status
            self.initial["loaded_schedule"] = self._schedule_key(self.instance.clinician_id, self.instance.starts_at)

    def clean(self):
        cleaned = super().clean()
        instance = self.instance
        adding = instance.pk is None
        starts_at = cleaned.get("starts_at")
        clinician = cleaned.get("clinician")

        if adding:
            key = cleaned.get("slot")
            starts_at = cleaned["starts_at"] = parse_slot_key(key) if key else None
            if key and starts_at is None:
                self.add_error("slot", "Choose one of the open times.")
            if not cleaned.get("caller_consented"):
                self.add_error("caller_consented", "Ask the caller for their consent before booking.")
            phone, email = cleaned.get("phone"), cleaned.get("email")
            if (phone or email) and (existing := upcoming_consultation_for(phone=phone, email=email)):
                raise forms.ValidationError(
                    f"This caller already has an upcoming call ({existing.reference}, {existing.when_label}). "
                    "Move that one instead."
                )
            if starts_at is not None and slot_lookup(starts_at=starts_at, clinician=clinician) is None:
                self.add_error("slot", "That time isn’t open. " + _nearest_message(starts_at, clinician))
            return cleaned

        # What this member of staff changed is measured against the page as they loaded it, so a
        # colleague's change made meanwhile is neither undone nor overwritten by an unrelated save.
        loaded_status = self.data.get("loaded_status") or self.initial.get("status")
        loaded_schedule = self.data.get(
            "loaded_schedule", self._schedule_key(instance.clinician_id, instance.starts_at)
        )
        self.status_change = None
        self.schedule_change = False
        self.loaded_starts_at = None
        if cleaned.get("status") and cleaned["status"] != loaded_status:
            before, after = loaded_status, cleaned["status"]
            if not Consultation.status_may_follow(before, after):
                self.add_error("status", f"A call can’t go from “{Status(before).label}” to “{Status(after).label}”.")
            self.status_change = (before, after)
        if self._schedule_key(clinician.pk if clinician else None, starts_at) != loaded_schedule:
            if starts_at is None:
                self.add_error("starts_at", "To take a call off the calendar, set its status to Cancelled.")
            elif clinician is None:
                self.add_error("clinician", "Choose who will make the call.")
            elif slot_lookup(starts_at=starts_at, clinician=clinician, exclude=instance) is None:
                self.add_error(
                    "starts_at",
                    f"That time isn’t open for {clinician.full_name}. "
                    + _nearest_message(starts_at, clinician, instance),
                )
            self.schedule_change = True
            self.loaded_starts_at = parse_slot_key(loaded_schedule.partition("@")[2])
        return cleaned

    @staticmethod
    def _schedule_key(clinician_id, starts_at):
        return f"{clinician_id or ''}@{slot_key(starts_at) if starts_at else ''}"


class WhenFilter(admin.SimpleListFilter):
    title = "when"
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [
            ("today", "Today"),
            ("tomorrow", "Tomorrow"),
            ("week", "Next 7 days"),
            ("upcoming", "All upcoming"),
            ("past", "Past"),
            ("callback", "Callback requests"),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate(timezone=PRACTICE_TZ)

        def day_start(day):
            return datetime.datetime.combine(day, datetime.time.min, tzinfo=PRACTICE_TZ)

        one_day = datetime.timedelta(days=1)
        now = timezone.now()
        match self.value():
            case "today":
                return queryset.filter(starts_at__gte=day_start(today), starts_at__lt=day_start(today + one_day))
            case "tomorrow":
                return queryset.filter(
                    starts_at__gte=day_start(today + one_day), starts_at__lt=day_start(today + 2 * one_day)
                )
            case "week":
                return queryset.filter(starts_at__gte=now, starts_at__lt=day_start(today + 8 * one_day))
            case "upcoming":
                return queryset.filter(starts_at__gte=now)
            case "past":
                return queryset.filter(starts_at__lt=now)
            case "callback":
                return queryset.filter(starts_at__isnull=True)
        return queryset


class PossibleDuplicateFilter(admin.SimpleListFilter):
    """Calls booked with the same phone or email as another upcoming one, for the front desk to sort out."""

    title = "possible duplicate"
    parameter_name = "duplicate"

    def lookups(self, request, model_admin):
        return [("yes", "Possible duplicates")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(possible_duplicate_of__isnull=False)
        return queryset


# When the call was agreed to, made, changed and ended: shown, never edited.
RECORD_FIELDS = ["consented_at", "consent_policy_agreed", "created_at", "updated_at", "cancelled_at", "erased_at"]


@admin.register(Consultation)
class ConsultationAdmin(DayViewAdminMixin, ContactDetailsAccessLogMixin, ClinicianScopedAdminMixin, admin.ModelAdmin):
    form = ConsultationAdminForm
    # What the front desk works from first, so phone and reference stay in sight at 1280 px.
    list_display = [
        "when",
        "client_name",
        "phone_display",
        "status",
        "reference",
        "clinician",
        "service",
        "session_format",
    ]
    list_display_links = ["when", "client_name"]
    list_filter = [
        WhenFilter,
        "status",
        "clinician",
        "session_format",
        "service",
        PossibleDuplicateFilter,
        ("starts_at", admin.DateFieldListFilter),
    ]
    list_select_related = ["clinician"]
    search_fields = ["first_name", "last_name", "preferred_name", "email", "reference", "phone"]
    ordering = ["starts_at", "created_at"]
    list_per_page = 50

    class Media:
        css = {"all": ["consultations/admin-day.css"]}

    actions = ["mark_called", "mark_completed", "mark_no_answer", "export_csv"]
    inlines = [NotificationInline]
    readonly_fields = [
        "reference",
        "private_link",
        "possible_duplicate",
        "preferred_days",
        "preferred_times",
        *RECORD_FIELDS,
    ]

    def get_fieldsets(self, request, obj=None):
        call = ["status", "clinician", "starts_at"] if obj else ["clinician", "slot"]
        client = list(Consultation.CLIENT_FIELDS)
        if obj is None:
            return [
                (
                    "The call",
                    {
                        "fields": call,
                        "description": "Leave the clinician empty for the first available, and the time empty "
                        "for a callback request. Times are Pacific Time and must be open.",
                    },
                ),
                ("The caller", {"fields": client}),
                ("Consent", {"fields": ["caller_consented"]}),
                ("For staff", {"fields": ["internal_notes"]}),
            ]
        return [
            (
                "The call",
                {
                    "fields": [
                        *call,
                        "reference",
                        "possible_duplicate",
                        "private_link",
                        "loaded_status",
                        "loaded_schedule",
                    ]
                },
            ),
            ("For staff", {"fields": ["internal_notes"]}),
            ("The client", {"fields": client}),
            ("Callback request", {"fields": ["preferred_days", "preferred_times"], "classes": ["collapse"]}),
            ("Record", {"fields": RECORD_FIELDS}),
        ]

    @admin.display(description="Possible duplicate of")
    def possible_duplicate(self, obj):
        """The other call booked with the same phone or email: ask the client which one they want."""
        other = obj.possible_duplicate_of
        if other is None:
            return "-"
        link = reverse("admin:consultations_consultation_change", args=[other.pk])
        return format_html(
            '<a href="{}">{}</a> ({}). Same phone or email: check with the client which call they want.',
            link,
            other.reference,
            other.when_label or "call back",
        )

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # Phones are stored as +12065550123; let staff type them as they read them, e.g. 206-555-0123.
        try:
            number = phonenumbers.parse(search_term, "US")
        except phonenumbers.NumberParseException:
            return results, may_have_duplicates
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        return results | queryset.filter(phone=e164), True

    @admin.display(description="When", ordering="starts_at")
    def when(self, obj):
        if obj.starts_at is None:
            return "Callback request"
        return format_moment(obj.starts_at).removesuffix(" Pacific Time")

    @admin.display(description="Client", ordering="last_name")
    def client_name(self, obj):
        if obj.preferred_name:
            return f"{obj.first_name} {obj.last_name} ({obj.preferred_name})"
        return f"{obj.first_name} {obj.last_name}"

    @admin.display(description="Phone", ordering="phone")
    def phone_display(self, obj):
        if not obj.phone:
            return ""
        return format_html('<a href="{}">{}</a>', phone_href(obj.phone), phone_written(obj.phone))

    @admin.display(description="privacy policy agreed to")
    def consent_policy_agreed(self, obj):
        """The exact version the client agreed to, opening its text; older bookings have only its date."""
        if obj.consent_policy is None:
            return obj.consent_policy_version or "-"
        url = reverse("admin:pages_policyversion_change", args=[obj.consent_policy_id])
        return format_html('<a href="{}">{}</a>', url, obj.consent_policy)

    @admin.display(description="Client's private page")
    def private_link(self, obj):
        if obj.pk is None:
            return "-"
        return format_html('<a href="{}">Open the page the client sees</a>', private_page_path(obj))

    def changelist_view(self, request, extra_context=None):
        # Without the navigation sidebar the list's columns fit beside its filters at 1280 px.
        extra_context = {**(extra_context or {}), "title": "Consultations", "is_nav_sidebar_enabled": False}
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            self._book_for_caller(request, obj, form)
            return
        data = form.cleaned_data
        plain = {f.name for f in obj._meta.concrete_fields} - {"status", "clinician", "starts_at"}
        before, after = form.status_change or (None, None)
        # The form has already put the new values on obj; the service applies them from the row as it is.
        fields = {name: data[name] for name in form.changed_data if name in plain}
        current = Consultation.objects.get(pk=obj.pk)
        try:
            consultation_practice_edit(
                consultation=current,
                fields=fields,
                clinician=data["clinician"] if form.schedule_change else None,
                starts_at=data["starts_at"],
                expected_starts_at=form.loaded_starts_at,
                status=after,
                expected_status=before,
            )
        except BookingError as exc:
            messages.error(request, f"{obj.reference} was not changed: {exc} Please check the call and try again.")
        obj.refresh_from_db()

    def _book_for_caller(self, request, obj, form):
        data = form.cleaned_data
        obj.booked_via = Consultation.BookedVia.FRONT_DESK
        try:
            if data.get("starts_at"):
                consultation_book(consultation=obj, starts_at=data["starts_at"], clinician=data.get("clinician"))
            else:
                callback_request_create(consultation=obj, clinician=data.get("clinician"))
        except SlotUnavailable:
            # Taken in the moment between checking and saving: keep the caller as a callback request.
            obj.internal_notes = (obj.internal_notes + "\n" if obj.internal_notes else "") + (
                f"Wanted {format_moment(data['starts_at'])}, which was taken as this was saved."
            )
            callback_request_create(consultation=obj, clinician=data.get("clinician"))
            messages.warning(request, "That time was just taken, so this was saved as a callback request.")

    def _mark(self, request, queryset, status):
        changed = consultations_status_set(queryset=queryset, status=status)
        skipped = queryset.count() - changed if changed < len(queryset) else 0
        label = Status(status).label
        messages.success(request, f"Marked {changed} as “{label}”.")
        if skipped:
            messages.warning(request, f"Left {skipped} unchanged: they were in a state that can't become “{label}”.")

    @admin.action(description="Mark selected as called", permissions=["change"])
    def mark_called(self, request, queryset):
        self._mark(request, queryset, Status.CALLED)

    @admin.action(description="Mark selected as completed", permissions=["change"])
    def mark_completed(self, request, queryset):
        self._mark(request, queryset, Status.COMPLETED)

    @admin.action(description="Mark selected as no answer", permissions=["change"])
    def mark_no_answer(self, request, queryset):
        self._mark(request, queryset, Status.NO_ANSWER)

    @admin.action(description="Export selected to CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime(timezone=PRACTICE_TZ).strftime("%Y-%m-%d")
        response["Content-Disposition"] = f'attachment; filename="consultations-{stamp}.csv"'
        writer = csv.writer(response)
        writer.writerow(
            [
                "Reference",
                "Status",
                "When (Pacific Time)",
                "Clinician",
                "First name",
                "Last name",
                "Preferred name",
                "Phone",
                "Email",
                "Voicemail OK",
                "Service",
                "Format",
                "State",
                "Preferred days",
                "Preferred times",
                "Heard about us",
                "Note",
                "Internal notes",
                "Booked at",
            ]
        )
        exported = list(queryset.select_related("clinician"))
        # Who took which clients' details out of the site, and when: in each record's audit history.
        audit_record_export(instances=exported, actor=request.user, file_format="CSV")
        for c in exported:
            writer.writerow(
                csv_safe(value)
                for value in [
                    c.reference,
                    c.get_status_display(),
                    timezone.localtime(c.starts_at, PRACTICE_TZ).strftime("%Y-%m-%d %H:%M") if c.starts_at else "",
                    c.clinician.full_name if c.clinician else "",
                    c.first_name,
                    c.last_name,
                    c.preferred_name,
                    c.phone.as_e164 if c.phone else "",
                    c.email,
                    "yes" if c.voicemail_ok else "no",
                    c.get_service_display(),
                    c.get_session_format_display(),
                    c.state_of_residence,
                    c.preferred_days,
                    c.preferred_times,
                    c.heard_about,
                    c.note,
                    c.internal_notes,
                    timezone.localtime(c.created_at, PRACTICE_TZ).strftime("%Y-%m-%d %H:%M"),
                ]
            )
        return response
