"""The consultations app's models, one module per room (see the README's layout table)."""

from consultations.models.consultation import REFERENCE_ALPHABET, Consultation, ConsultationQuerySet, new_reference
from consultations.models.notification import Notification, NotificationQuerySet
from consultations.models.privacy import DataAccessCode, PrivacyRequest
from consultations.models.scheduling import ConsultationHours, ConsultationSettings, TimeOff, Weekday

__all__ = [
    "REFERENCE_ALPHABET",
    "Consultation",
    "ConsultationHours",
    "ConsultationQuerySet",
    "ConsultationSettings",
    "DataAccessCode",
    "Notification",
    "NotificationQuerySet",
    "PrivacyRequest",
    "TimeOff",
    "Weekday",
    "new_reference",
]
