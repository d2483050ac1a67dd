"""Writes for content that must outlive its edits: each published version of the privacy policy."""

import hashlib

from django.http import Http404

from pages.models import PolicyVersion
from pages.selectors import PRIVACY_SLUG, page_get
from thrive.cache import get_or_build


def _policy_text(page):
    parts = [page.lead] if page.lead else []
    for section in page.section_list:
        parts.extend([f"## {section.heading}"] if section.heading else [])
        parts.append(section.body)
    return "\n\n".join(part.strip() for part in parts)


def policy_version_record():
    """The privacy policy as published now, kept as a PolicyVersion (written the first time it is seen).

    None while no privacy page is published. Called when the page is published or changed, and when
    a client consents, so a consent always points at the exact text it agreed to.
    """
    try:
        page = page_get(slug=PRIVACY_SLUG)
    except Http404:
        return None
    text = _policy_text(page)
    digest = hashlib.sha256(f"{page.title}\n\n{text}".encode()).hexdigest()
    version, _ = PolicyVersion.objects.get_or_create(digest=digest, defaults={"title": page.title, "text": text})
    return version


def policy_version_current():
    """(id, published_at) of the privacy policy as published now, or None: what a new consent points at.

    Recorded the first time it is seen, then kept under the site's content generation, which saving any
    page or section bumps: every booking consents without reading the policy again, and the first one
    after a change records the new version (other processes trust their copy of the generation for
    CONTENT_GENERATION_LOCAL_SECONDS, a second, as for every cached page).
    """

    def build():
        version = policy_version_record()
        return (version.pk, version.published_at) if version else ()

    return get_or_build("privacy-policy-version", build, with_open_times=False) or None
