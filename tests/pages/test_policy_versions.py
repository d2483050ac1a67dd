"""Every published version of the privacy policy is kept, and each consent points at the exact one agreed to."""

import datetime
import json

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db.models import ProtectedError
from django.urls import reverse

from consultations.booking.services import callback_request_create
from consultations.models import Consultation
from pages.models import Page, PolicyVersion
from pages.services import policy_version_current
from tests.clinicians.factories import front_desk_user
from tests.consultations.factories import ConsultationSettingsFactory
from tests.pages.factories import PageFactory, SectionFactory
from tests.privacy.access import prove_its_them

pytestmark = pytest.mark.django_db

FIRST = datetime.datetime(2026, 3, 1, 16, 0, tzinfo=datetime.UTC)
LATER = datetime.datetime(2026, 5, 1, 16, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _site(site_settings):
    ConsultationSettingsFactory()


@pytest.fixture
def policy():
    page = PageFactory(slug="privacy", title="Privacy policy", lead="We keep your data for 180 days.")
    SectionFactory(page=page, heading="Your rights", body="You may see or delete it.")
    return page


def ask_for_a_callback(email):
    consultation = Consultation(
        first_name="Ada",
        last_name="Lovelace",
        phone="+12065550123",
        email=email,
        state_of_residence="WA",
    )
    return callback_request_create(consultation=consultation)


def change_the_policy(policy, lead):
    policy.lead = lead
    policy.save()


def test_each_consent_links_the_exact_policy_text_it_agreed_to(policy):
    with time_machine.travel(FIRST, tick=False):
        first = ask_for_a_callback("ada@example.com")
    change_the_policy(policy, "We keep your data for 90 days.")
    with time_machine.travel(LATER, tick=False):
        second = ask_for_a_callback("grace@example.com")
        third = ask_for_a_callback("mary@example.com")

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.consent_policy.text.startswith("We keep your data for 180 days.")
    assert "## Your rights\n\nYou may see or delete it." in first.consent_policy.text
    assert first.consent_policy.published_at == FIRST
    assert first.consent_policy_version == "2026-03-01"
    assert second.consent_policy.text.startswith("We keep your data for 90 days.")
    # The same words are one version, however many people agree to them.
    assert third.consent_policy == second.consent_policy
    assert PolicyVersion.objects.count() == 2


def test_a_version_can_never_be_deleted_while_a_consent_points_at_it(policy):
    consultation = ask_for_a_callback("ada@example.com")
    with pytest.raises(ProtectedError):
        consultation.consent_policy.delete()


def test_publishing_or_saving_the_privacy_page_in_the_admin_keeps_its_version(client, policy):
    client.force_login(front_desk_user())
    Page.objects.filter(pk=policy.pk).update(status=Page.Status.DRAFT)
    with time_machine.travel(FIRST, tick=False):
        client.post(reverse("admin:pages_page_changelist"), {"action": "publish", "_selected_action": [policy.pk]})
    [version] = PolicyVersion.objects.all()
    assert version.published_at == FIRST
    assert "We keep your data for 180 days." in version.text


def test_the_client_sees_the_policy_they_agreed_to_even_after_it_changed(client, policy):
    with time_machine.travel(FIRST, tick=False):
        consultation = ask_for_a_callback("ada@example.com")
    change_the_policy(policy, "We keep your data for 90 days.")
    token = prove_its_them(client, consultation)

    page = client.get(reverse("consultations:my_data", kwargs={"token": token})).content.decode()
    assert "We keep your data for 180 days." in page
    assert "90 days" not in page
    download = client.get(reverse("consultations:my_data_download", kwargs={"token": token}))
    agreed = json.loads(download.content)["privacy_policy_you_agreed_to"]
    assert agreed.startswith("We keep your data for 180 days.")


def test_the_admin_links_a_consultation_to_the_version_and_shows_its_text(client, policy):
    consultation = ask_for_a_callback("ada@example.com")
    client.force_login(get_user_model().objects.create_superuser("boss", "boss@example.com", "a-long-passphrase"))
    change = client.get(reverse("admin:consultations_consultation_change", args=[consultation.pk])).content.decode()
    version_url = reverse("admin:pages_policyversion_change", args=[consultation.consent_policy_id])
    assert version_url in change
    version_page = client.get(version_url).content.decode()
    assert "We keep your data for 180 days." in version_page
    assert "You may see or delete it." in version_page


def test_the_policy_is_read_once_then_each_consent_takes_its_version_from_the_cache(policy, django_assert_num_queries):
    first = ask_for_a_callback("ada@example.com")
    recorded = (first.consent_policy_id, first.consent_policy.published_at)
    with django_assert_num_queries(0):
        assert policy_version_current() == recorded


def test_a_section_edited_since_the_version_was_cached_gives_the_next_consent_the_new_version(policy):
    first = ask_for_a_callback("ada@example.com")
    section = policy.sections.get()
    section.body = "You may see, download or delete it."
    section.save()
    second = ask_for_a_callback("grace@example.com")
    assert second.consent_policy != first.consent_policy
    assert "You may see, download or delete it." in second.consent_policy.text


def test_with_no_privacy_page_published_a_consent_points_at_no_version():
    consultation = ask_for_a_callback("ada@example.com")
    assert consultation.consent_policy is None
    assert consultation.consent_policy_version == ""
