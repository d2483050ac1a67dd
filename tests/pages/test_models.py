import pytest

from pages.models import Page
from tests.pages.factories import PageFactory, SectionFactory

pytestmark = pytest.mark.django_db


def test_published_excludes_drafts():
    published = PageFactory()
    PageFactory(status=Page.Status.DRAFT)

    assert list(Page.objects.published()) == [published]


def test_section_anchor_is_derived_from_its_heading():
    section = SectionFactory(heading="What you work on")

    assert section.anchor == "what-you-work-on"


def test_reserved_paths_cannot_be_page_slugs():
    from django.core.exceptions import ValidationError

    page = PageFactory.build(slug="clinicians")

    with pytest.raises(ValidationError) as error:
        page.full_clean()

    assert "slug" in error.value.message_dict


def test_duplicate_page_slugs_are_refused_by_the_database():
    from django.db import IntegrityError

    PageFactory(slug="fees")

    with pytest.raises(IntegrityError):
        PageFactory(slug="fees")


def test_site_settings_is_a_single_row():
    from thrive.models import SiteSettings

    SiteSettings(phone="1", street_address="a").save()
    SiteSettings(phone="2", street_address="b").save()

    assert SiteSettings.objects.count() == 1
    assert SiteSettings.get_solo().phone == "2"


def test_phone_link_is_an_international_tel_uri():
    from thrive.models import SiteSettings

    assert SiteSettings(phone="206-403-1148").phone_href == "tel:+12064031148"


def test_announcement_cannot_link_to_a_script_url():
    from django.core.exceptions import ValidationError

    from tests.pages.factories import AnnouncementFactory

    announcement = AnnouncementFactory.build(link_url="javascript:alert(1)")

    with pytest.raises(ValidationError):
        announcement.full_clean()
