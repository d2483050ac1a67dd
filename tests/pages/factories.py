import factory

from pages.models import Announcement, Page, Section, SiteSettings


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


class PageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Page

    title = factory.Sequence(lambda n: f"Page {n}")
    slug = factory.Sequence(lambda n: f"page-{n}")
    lead = "A short, kind introduction."
    meta_description = "What this page is about."
    status = Page.Status.PUBLISHED
    show_in_navigation = True


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    page = factory.SubFactory(PageFactory)
    heading = factory.Sequence(lambda n: f"Heading {n}")
    body = "Some **plain** words."
    order = factory.Sequence(lambda n: n)


class AnnouncementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Announcement

    message = "We have a new clinician."
    link_url = "/clinicians/"
    link_text = "Meet them"
