from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save

from thrive.cache import bump_content_generation, invalidate_on_change


class ConsultationsConfig(AppConfig):
    name = "consultations"

    def ready(self):
        # Models can be imported only once the app registry is ready.
        from consultations.models import (
            Consultation,
            ConsultationHours,
            ConsultationSettings,
            ExternalCalendar,
            TimeOff,
        )

        # The open times visitors see are cached too; anything that opens or closes a time shows at once.
        invalidate_on_change(ConsultationHours, ConsultationSettings, TimeOff)
        # A booking changes the open times and nothing else cached (the header, the menu, empty forms).
        invalidate_on_change(Consultation, open_times_only=True)
        # Who has an own calendar is part of the cached weekly schedule; the calendars' reads every few
        # minutes change only busy times, which bump the open times themselves.
        post_save.connect(_calendar_added, sender=ExternalCalendar, dispatch_uid="content-calendar-added")
        post_delete.connect(bump_content_generation, sender=ExternalCalendar, dispatch_uid="content-calendar-removed")


def _calendar_added(created=False, **kwargs):
    if created:
        bump_content_generation()
