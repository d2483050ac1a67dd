"""The seeded site says only what the practice has said; what it never said stays empty and out of sight."""

import io
import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from clinicians.models import Clinician
from tests.clinicians.factories import StaffUserFactory
from tests.public import public_paths
from thrive.models import SiteSettings

pytestmark = pytest.mark.django_db

# Things the first edition stated that the practice never did.
INVENTED = [
    "Monday–Friday",
    "Mon–Fri",
    "9 AM–6 PM",
    "working day",
    "secure video",
    "With us since",
    "September 2026",
    "98107",
    "Fees and insurance",
    "paperwork you need to claim",
    "quiet, private space",
    "adults",
    "Each week",  # how often sessions are
    "usually much sooner",  # how soon a privacy request is answered; only the law's 45 days is known
    "alongside medical care",  # the practice names bipolar disorder among what IPT helps, nothing more
    "is licensed in Washington",  # said of every therapist; the practice says "experienced Washington clinicians"
]


@pytest.fixture
def seeded(db):
    call_command("seed_demo", stdout=io.StringIO())


def structured_data(html):
    return [json.loads(block) for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html)]


def test_no_seeded_page_states_a_fact_the_practice_never_gave(client, seeded):
    for path in public_paths():
        html = client.get(path).content.decode()
        for invented in INVENTED:
            assert invented not in html, (path, invented)


def test_seeded_clinician_has_no_invented_specialties_languages_or_start_date(client, seeded):
    mari = Clinician.objects.get(slug="maricor-coquia")
    assert (mari.specialties.count(), mari.languages, mari.joined_on) == (0, "", None)
    profile = client.get(mari.get_absolute_url()).content.decode()
    assert "Languages" not in profile
    assert "Helps with" not in profile
    person = next(data for data in structured_data(profile) if data["@type"] == "Person")
    assert "knowsLanguage" not in person


def test_with_one_clinician_the_directory_shows_no_filters(client, seeded):
    html = client.get("/clinicians/").content.decode()
    assert "clinician-filters" not in html
    assert "PTSD" not in html
    assert "Grief" not in html


def test_structured_data_has_no_opening_hours_until_the_front_desk_sets_them(client, seeded):
    practice = next(
        data for data in structured_data(client.get("/").content.decode()) if data["@type"] == "MedicalClinic"
    )
    assert "openingHours" not in practice
    assert "postalCode" not in practice["address"]


def test_fees_page_without_fees_keeps_to_the_free_call_and_the_good_faith_estimate(client, seeded):
    html = client.get("/fees/").content.decode()
    assert "Good Faith Estimate" in html
    assert "Session fees" not in html


def settings_form(site, **changes):
    fields = [
        "practice_name", "phone", "email", "front_desk_email", "service_area", "street_address", "city", "region",
        "postal_code", "latitude", "longitude", "office_hours", "opening_hours_spec", "callback_time",
        "session_fees", "crisis_notice",
    ]  # fmt: skip
    data = {name: "" if getattr(site, name) is None else getattr(site, name) for name in fields}
    return data | changes


def test_facts_filled_in_once_in_the_admin_show_everywhere_they_belong(client, seeded):
    client.force_login(StaffUserFactory(is_superuser=True))
    site = SiteSettings.get_solo()
    response = client.post(
        reverse("admin:thrive_sitesettings_change"),
        settings_form(
            site,
            postal_code="98107",
            office_hours="Tuesday–Thursday, 10 AM–4 PM",
            opening_hours_spec="Tu-Th 10:00-16:00",
            callback_time="within two working days",
            session_fees="Individual session: $150",
        ),
    )
    assert response.status_code == 302
    client.logout()

    home = client.get("/").content.decode()
    assert "Tuesday–Thursday, 10 AM–4 PM" in home  # the footer, on every page
    practice = next(data for data in structured_data(home) if data["@type"] == "MedicalClinic")
    assert practice["openingHours"] == "Tu-Th 10:00-16:00"
    assert practice["address"]["postalCode"] == "98107"
    contact = client.get("/contact/").content.decode()
    assert "within two working days" in contact
    assert "98107" in contact
    assert "Individual session: $150" in client.get("/fees/").content.decode()


def test_a_clinicians_languages_and_license_show_on_the_profile_once_set(client, seeded):
    mari = Clinician.objects.get(slug="maricor-coquia")
    mari.languages = "English, Tagalog"
    mari.license_number = "LH 12345"
    mari.save()
    profile = client.get(mari.get_absolute_url()).content.decode()
    assert "English, Tagalog" in profile
    assert "LH 12345" in profile
    person = next(data for data in structured_data(profile) if data["@type"] == "Person")
    assert person["knowsLanguage"] == ["English", "Tagalog"]


def test_admin_index_lists_what_is_still_to_fill_in_until_it_is_set(client, seeded):
    client.force_login(StaffUserFactory(is_superuser=True))
    index = client.get(reverse("admin:index")).content.decode()
    assert "Still to fill in" in index
    assert "Site settings: office hours" in index
    assert "Maricor Coquia: languages" in index

    site = SiteSettings.get_solo()
    site.office_hours, site.opening_hours_spec = "Tuesday 10 AM–4 PM", "Tu 10:00-16:00"
    site.save()
    index = client.get(reverse("admin:index")).content.decode()
    assert "Site settings: office hours" not in index
    assert "Maricor Coquia: languages" in index
