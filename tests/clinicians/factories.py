import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from clinicians.models import Clinician, Specialty
from clinicians.permissions import CLINICIANS_GROUP, FRONT_DESK_GROUP


class SpecialtyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Specialty
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Specialty {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class ClinicianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clinician
        skip_postgeneration_save = True

    full_name = factory.Sequence(lambda n: f"Test Clinician{n}")
    slug = factory.Sequence(lambda n: f"test-clinician-{n}")
    credentials = "LMHC"
    short_bio = "Works with people going through changes in their relationships."
    full_bio = "A longer story about how they work.\n\nA second paragraph."
    alert_email = factory.Sequence(lambda n: f"clinician{n}@thrive.example")

    @factory.post_generation
    def specialties(self, create, extracted, **kwargs):
        if create and extracted:
            self.specialties.set(extracted)


class StaffUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@thrive.example")
    is_staff = True
    password = factory.django.Password("a-long-test-password")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))


def front_desk_user(**kwargs):
    return StaffUserFactory(groups=[FRONT_DESK_GROUP], **kwargs)


def clinician_user(clinician=None, **kwargs):
    """A staff login in the Clinicians group, linked to a clinician's profile."""
    user = StaffUserFactory(groups=[CLINICIANS_GROUP], **kwargs)
    clinician = clinician or ClinicianFactory()
    clinician.user = user
    clinician.save(update_fields=["user"])
    return user
