"""schema.org descriptions of the practice, built from SiteSettings."""

from django.conf import settings as django_settings


def practice_data(site_settings):
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalClinic",
        "@id": f"{django_settings.SITE_URL}/#practice",
        "name": site_settings.practice_name,
        "url": f"{django_settings.SITE_URL}/",
        "telephone": site_settings.phone,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": site_settings.street_address,
            "addressLocality": site_settings.city,
            "addressRegion": site_settings.region,
            "addressCountry": "US",
        },
        "areaServed": {"@type": "State", "name": "Washington"},
        "medicalSpecialty": "Psychiatric",
        "availableService": {"@type": "MedicalTherapy", "name": "Interpersonal Process Therapy (IPT)"},
    }
    if site_settings.postal_code:
        data["address"]["postalCode"] = site_settings.postal_code
    if site_settings.email:
        data["email"] = site_settings.email
    if site_settings.latitude is not None and site_settings.longitude is not None:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(site_settings.latitude),
            "longitude": float(site_settings.longitude),
        }
    if site_settings.opening_hours_spec:
        data["openingHours"] = site_settings.opening_hours_spec
    return data
