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
