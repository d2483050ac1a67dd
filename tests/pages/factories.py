import factory

from pages.models import Announcement, Page, Section


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
