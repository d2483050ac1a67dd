from django.http import Http404

from pages.models import Announcement, Page, Section
from thrive.cache import get_or_build


def page_get(*, slug, include_drafts=False):
    """The page with its sections, in one query when it has any; Http404 when a visitor may not see it."""
    pages = Page.objects.all() if include_drafts else Page.objects.published()
    sections = list(Section.objects.select_related("page").filter(page__in=pages.filter(slug=slug)))
    if sections:
        page = sections[0].page
    else:
        try:
            page = pages.get(slug=slug)
        except Page.DoesNotExist:
            raise Http404("No such page") from None
    page.section_list = sections
    return page


PRIVACY_SLUG = "privacy"


def privacy_policy_version():
    """The version of the privacy policy a visitor consents to: the date it was last changed."""
    updated_at = Page.objects.published().filter(slug=PRIVACY_SLUG).values_list("updated_at", flat=True).first()
    return updated_at.date().isoformat() if updated_at else ""


def content_chrome():
    """The menu and the current announcement that every page shows: built once per content change."""

    def build():
        return {
            "navigation": list(Page.objects.in_navigation().only("title", "slug", "navigation_title")),
            "announcement": Announcement.objects.current().first(),
        }

    return get_or_build("content-chrome", build, with_open_times=False)
