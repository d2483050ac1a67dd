import factory

from thrive.models import SiteSettings


class SiteSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SiteSettings
        django_get_or_create = ("id",)

    id = 1
    practice_name = "Thrive for the People"
    phone = "206-403-1148"
    email = "hello@thrive.example"
    front_desk_email = "frontdesk@thrive.example"
    street_address = "5306 Ballard Ave NW"
    city = "Seattle"
    region = "WA"
    postal_code = "98107"
    latitude = "47.667060"
    longitude = "-122.383510"
    office_hours = "Monday–Friday, 9 AM–6 PM"
    opening_hours_spec = "Mo-Fr 09:00-18:00"
