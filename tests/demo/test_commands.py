import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from clinicians.models import Clinician
from consultations.models import TimeOff
from pages.models import Announcement, Page, Section
from tests.clinicians.factories import ClinicianFactory
from tests.pages.factories import PageFactory
from thrive.models import SiteSettings

pytestmark = pytest.mark.django_db


def test_seed_demo_loads_the_practice_content(client):
    call_command("seed_demo", stdout=io.StringIO())

    settings_row = SiteSettings.get_solo()
    assert settings_row.phone == "206-403-1148"
    assert settings_row.street_address == "5306 Ballard Ave NW"
    slugs = set(Page.objects.published().values_list("slug", flat=True))
    assert {"home", "what-is-ipt", "does-ipt-work", "how-ipt-works", "in-person-and-online", "contact"} <= slugs
    assert {"privacy", "fees", "ipt-in-seattle"} <= slugs
    assert Clinician.objects.active().accepting().filter(full_name="Maricor Coquia").exists()
    assert Announcement.objects.current().first().link_url == "/clinicians/maricor-coquia/"
    assert TimeOff.objects.filter(clinician__isnull=True, starts_on="2026-11-26").exists()
    home = client.get("/").content.decode()
    assert "Maricor Coquia" in home


def test_seed_demo_covers_the_facts_of_the_practice():
    call_command("seed_demo", stdout=io.StringIO())

    text = " ".join(Section.objects.values_list("body", flat=True)) + " ".join(
        Page.objects.values_list("lead", flat=True)
    )
    for fact in ("Klerman", "Weissman", "1969", "250", "medication", "PTSD", "eating disorders", "988", "911"):
        assert fact in text, fact
    # Two of the practice's own ideas: closeness in the relationships ahead, and the here and now.
    assert "closeness" in Page.objects.get(slug="home").sections.first().body
    how = Page.objects.get(slug="how-ipt-works").sections.get(heading="Here and now").body
    assert "supportive web of relationships" in how
    assert "here and now of each session" in how


def test_seed_demo_is_idempotent_and_keeps_staff_edits():
    call_command("seed_demo", stdout=io.StringIO())
    page = Page.objects.get(slug="fees")
    page.title = "Fees, as the front desk wrote them"
    page.save()
    counts = (Page.objects.count(), Section.objects.count(), Clinician.objects.count(), Announcement.objects.count())

    out = io.StringIO()
    call_command("seed_demo", stdout=out)

    assert (Page.objects.count(), Section.objects.count(), Clinician.objects.count(), Announcement.objects.count()) == (
        counts
    )
    assert Page.objects.get(slug="fees").title == "Fees, as the front desk wrote them"
    assert "nothing changed" in out.getvalue()


def test_seed_demo_leaves_a_site_with_any_content_untouched():
    """The release step seeds on every start: a site the front desk runs must never gain demo pages."""
    PageFactory(slug="about-us", title="About us")

    out = io.StringIO()
    call_command("seed_demo", stdout=out)

    assert list(Page.objects.values_list("slug", flat=True)) == ["about-us"]
    assert not Clinician.objects.exists()
    assert not Announcement.objects.exists()
    assert not TimeOff.objects.exists()
    assert "nothing changed" in out.getvalue()


def test_seed_demo_leaves_a_site_whose_pages_were_all_deleted_but_has_a_clinician_untouched():
    ClinicianFactory()

    call_command("seed_demo", stdout=io.StringIO())

    assert not Page.objects.exists()


def test_dev_admin_is_made_once_and_only_in_debug_on_sqlite(settings):
    settings.DEBUG = True
    engine = settings.DATABASES["default"]["ENGINE"]
    first, second = io.StringIO(), io.StringIO()

    call_command("ensure_dev_admin", stdout=first)
    call_command("ensure_dev_admin", stdout=second)

    users = get_user_model().objects.filter(username="admin")
    if engine.endswith("sqlite3"):
        assert users.get().is_superuser
        assert "password:" in first.getvalue()
        assert "password:" not in second.getvalue()
    else:
        assert not users.exists()


def test_dev_admin_is_never_made_without_debug(settings):
    settings.DEBUG = False

    call_command("ensure_dev_admin", stdout=io.StringIO())

    assert not get_user_model().objects.filter(username="admin").exists()
