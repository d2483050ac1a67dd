"""Read clinicians' own calendars now: what beat does every few minutes, for `make run` or an operator checking."""

from django.core.management.base import BaseCommand

from consultations.calendars.services import external_calendars_sync


class Command(BaseCommand):
    help = "Read every clinician's own calendar now and keep the times they are busy."

    def handle(self, *args, **options):
        results = external_calendars_sync()
        if not results:
            self.stdout.write("No clinician has added a calendar.")
        for calendar, error in results.items():
            who = f"{calendar.clinician}: {calendar.name}"
            if error:
                self.stdout.write(self.style.ERROR(f"{who}: {error}"))
            else:
                calendar.refresh_from_db(fields=["event_count"])
                self.stdout.write(f"{who}: read, {calendar.event_count} busy times ahead.")
