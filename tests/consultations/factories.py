import datetime

import factory
from django.utils import timezone

from consultations.models import Consultation, ConsultationHours, ConsultationSettings, TimeOff
from consultations.timefmt import PRACTICE_TZ
from tests.clinicians.factories import ClinicianFactory
from tests.pages.factories import PageFactory
from tests.thrive.factories import SiteSettingsFactory


def pt(*args):
    """A moment written in the practice's Pacific Time: pt(2026, 3, 2, 10, 0)."""
    return datetime.datetime(*args, tzinfo=PRACTICE_TZ)


# A client whose every personal detail is easy to find, for tests that check where none of them may show
# (staff alerts, a clinician's calendar feed); and the pieces to look for, the phone as people write it.
PERSONAL_DETAILS = {
    "first_name": "Wilhelmina",
    "last_name": "Quartermaine",
    "preferred_name": "Billie",
    "phone": "+12065550123",
    "email": "wilhelmina.q@example.org",
    "note": "Struggling with panic attacks since the move",
    "heard_about": "A friend, Jo",
}
PERSONAL_DETAIL_PIECES = (
    "Wilhelmina",
    "Quartermaine",
    "Billie",
    "2065550123",
    "206) 555",
    "555-0123",
    "wilhelmina.q",
    "Struggling",
    "panic",
    "A friend",
)


__all__ = [
    "ClinicianFactory",
    "ConsultationFactory",
    "ConsultationHoursFactory",
    "ConsultationSettingsFactory",
    "TimeOffFactory",
]


class ConsultationSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsultationSettings
        django_get_or_create = ("id",)

    id = 1


class ConsultationHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsultationHours

    clinician = factory.SubFactory(ClinicianFactory)
    weekday = 0
    starts_at = datetime.time(10)
    ends_at = datetime.time(12)


class TimeOffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimeOff

    clinician = factory.SubFactory(ClinicianFactory)
    starts_on = datetime.date(2026, 3, 2)
    ends_on = factory.SelfAttribute("starts_on")


class ConsultationFactory(factory.django.DjangoModelFactory):
    """A booked call; pass starts_at=None for a callback request."""

    class Meta:
        model = Consultation

    clinician = factory.SubFactory(ClinicianFactory)
    starts_at = datetime.datetime(2026, 3, 2, 18, 0, tzinfo=datetime.UTC)
    status = Consultation.Status.CONFIRMED
    first_name = factory.Sequence(lambda n: f"Client{n}")
    last_name = "Example"
    # 206-555-2000 to 9999: never the fictional 555-0100 to 0199 that the booking form refuses, whatever
    # the sequence has reached after the tests run before (their order is random).
    phone = factory.Sequence(lambda n: f"+1206555{2000 + n % 8000:04d}")
    email = factory.Sequence(lambda n: f"client{n}@example.com")
    service = Consultation.Service.INDIVIDUAL
    session_format = Consultation.Format.EITHER
    state_of_residence = "WA"
    consented_at = factory.LazyFunction(lambda: datetime.datetime.now(datetime.UTC))
    consent_policy_version = "2026-01-01"


def booking_form_data(**overrides):
    """What a person types into the slim booking (or callback) form: only what the call needs.

    Pass a field as None to leave it out; add `slot` and `form_token` as the test needs.
    """
    data = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "phone": "206-201-0123",
        "email": "ada@example.com",
        "voicemail_ok": "yes",
        "consent": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def open_practice(**site):
    """A practice ready to be booked over the real stack: its settings (``site`` overrides them), the privacy
    page the form links to, and Mari taking calls 9 to noon on the weekday four days ahead, always inside
    the booking horizon and past the minimum notice. Returns (clinician, 10 AM Pacific that day).
    """
    SiteSettingsFactory(**site)
    PageFactory(slug="privacy", title="Consumer health data privacy policy")
    ConsultationSettingsFactory()
    clinician = ClinicianFactory(full_name="Mari Tanaka", alert_email="mari@thrive.example")
    day = timezone.localdate() + datetime.timedelta(days=4)
    ConsultationHoursFactory(
        clinician=clinician, weekday=day.weekday(), starts_at=datetime.time(9), ends_at=datetime.time(12)
    )
    return clinician, datetime.datetime.combine(day, datetime.time(10), tzinfo=PRACTICE_TZ)
