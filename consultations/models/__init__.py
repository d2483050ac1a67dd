"""The consultations app's models, one module per room (see the README's layout table)."""

from consultations.models.calendars import BusyTime, CalendarFeed, ExternalCalendar
from consultations.models.consultation import REFERENCE_ALPHABET, Consultation, ConsultationQuerySet, new_reference
from consultations.models.notification import Notification, NotificationQuerySet
from consultations.models.privacy import DataAccessCode, PrivacyRequest
from consultations.models.scheduling import ConsultationHours, ConsultationSettings, TimeOff, Weekday

__all__ = [
    "BusyTime",
    "CalendarFeed",
    "REFERENCE_ALPHABET",
    "Consultation",
    "ConsultationHours",
    "ConsultationQuerySet",
    "ConsultationSettings",
    "DataAccessCode",
    "ExternalCalendar",
    "Notification",
    "NotificationQuerySet",
    "PrivacyRequest",
    "TimeOff",
    "Weekday",
    "new_reference",
]
