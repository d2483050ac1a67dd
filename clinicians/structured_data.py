"""schema.org description of a clinician, as a person who works at the practice."""

import html

from django.conf import settings
from django.utils.html import strip_tags


def person_data(clinician, *, practice_name):
    url = f"{settings.SITE_URL}{clinician.get_absolute_url()}"
    data = {
        "@context": "https://schema.org",
        "@type": "Person",
        "@id": f"{url}#person",
        "name": clinician.full_name,
        "url": url,
        "description": html.unescape(strip_tags(clinician.short_bio_html)).strip(),
        "worksFor": {"@type": "MedicalClinic", "@id": f"{settings.SITE_URL}/#practice", "name": practice_name},
    }
    # Only what the practice has told us: a property with nothing known is left out.
    knows_about = [approach.strip() for approach in clinician.approaches.split(",") if approach.strip()]
    knows_about += [specialty.name for specialty in clinician.specialties.all()]
    if knows_about:
        data["knowsAbout"] = knows_about
    if languages := [language.strip() for language in clinician.languages.split(",") if language.strip()]:
        data["knowsLanguage"] = languages
    if clinician.credentials:
        data["honorificSuffix"] = clinician.credentials
    if clinician.photo:
        photo_url = clinician.photo.url
        data["image"] = photo_url if photo_url.startswith("http") else f"{settings.SITE_URL}{photo_url}"
    return data
