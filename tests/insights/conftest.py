import datetime
import random

import pytest
import time_machine

from consultations.models import Consultation
from tests.clinicians.factories import ClinicianFactory
from tests.consultations.factories import ConsultationFactory, pt

# The moment every insights test looks from: a Friday afternoon in Seattle.
NOW = pt(2026, 11, 27, 15, 0)
HEARD = ["Google", "a friend", "Psychology Today", "my doctor", "Instagram", "", "saw the sign on Ballard Ave", "?"]
STATUSES = [
    Consultation.Status.COMPLETED,
    Consultation.Status.COMPLETED,
    Consultation.Status.CALLED,
    Consultation.Status.NOT_A_FIT,
    Consultation.Status.NO_ANSWER,
    Consultation.Status.CANCELLED,
    Consultation.Status.CONFIRMED,
]


@pytest.fixture
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def generate_year(count, seed=7):
    """``count`` consultations requested over the year before NOW, of every kind, with their created_at set."""
    chance = random.Random(seed)
    clinicians = [ClinicianFactory(full_name="Maricor Coquia"), ClinicianFactory(full_name="Jordan Lee")]
    made = []
    for n in range(count):
        created = NOW - datetime.timedelta(days=chance.uniform(0, 364), hours=chance.uniform(0, 23))
        via = chance.choice(list(Consultation.BookedVia))
        starts_at = created + datetime.timedelta(days=chance.uniform(0.5, 14))
        starts_at = starts_at.replace(minute=chance.choice([0, 15, 30, 45]), second=0, microsecond=0)
        if via == Consultation.BookedVia.CALLBACK and chance.random() < 0.3:
            starts_at = None
        status = chance.choice(STATUSES)
        if starts_at and starts_at > NOW and status != Consultation.Status.CANCELLED:
            status = Consultation.Status.CONFIRMED
        consultation = ConsultationFactory(
            clinician=chance.choice(clinicians),
            starts_at=starts_at,
            status=status,
            booked_via=via,
            cancelled_by=chance.choice(list(Consultation.CancelledBy)) if status == "cancelled" else "",
            heard_about=chance.choice(HEARD),
            first_name=f"Zebulon{n}",
            last_name=f"Quenby{n}",
            email=f"zq{n}@insights.example",
            phone=f"+1206555{n:04d}",
        )
        Consultation.objects.filter(pk=consultation.pk).update(created_at=created)
        consultation.created_at = created
        made.append(consultation)
    return made


@pytest.fixture
def year(db, frozen_now):
    return generate_year(240)
