import io

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from clinicians.models import Clinician
from pages.models import Announcement
from tests.clinicians.factories import ClinicianFactory

pytestmark = pytest.mark.django_db


def test_duplicate_slugs_are_refused_by_the_database():
    ClinicianFactory(slug="sam-lee")

    with pytest.raises(IntegrityError), transaction.atomic():
        ClinicianFactory(slug="sam-lee")


def test_first_name_services_and_formats_read_as_the_pages_show_them():
    clinician = ClinicianFactory.build(
        full_name="Maricor Coquia", offers_individual=True, offers_couples=True, offers_in_person=False
    )

    assert clinician.first_name == "Maricor"
    assert clinician.services == ["Individual therapy", "Couples therapy"]
    assert clinician.formats == ["Online for Washington residents"]


def test_bios_are_sanitized_markdown():
    clinician = ClinicianFactory.build(short_bio="**Warm**<script>alert(1)</script> [x](javascript:alert(1))")

    assert "<strong>Warm</strong>" in clinician.short_bio_html
    assert "<script>" not in clinician.short_bio_html
    assert "javascript:" not in clinician.short_bio_html


def test_demo_content_has_maricor_accepting_and_the_announcement_links_to_her_profile(client):
    call_command("seed_demo", stdout=io.StringIO())

    mari = Clinician.objects.active().accepting().get(slug="maricor-coquia")
    assert (mari.offers_individual, mari.offers_couples, mari.offers_in_person, mari.offers_online) == (
        True,
        True,
        True,
        True,
    )
    assert Clinician.objects.count() == 1
    link = Announcement.objects.get().link_url
    assert link == mari.get_absolute_url()
    response = client.get(link)
    assert response.status_code == 200
    assert "Book a free 15-minute consultation with Maricor" in response.content.decode()
