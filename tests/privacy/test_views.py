import datetime
import json
import re

import pytest
import time_machine
from django.urls import reverse

from consultations.models import Consultation, Notification, PrivacyRequest
from consultations.tokens import consultation_token
from tests.consultations.factories import ConsultationFactory, ConsultationSettingsFactory
from tests.privacy.access import prove_its_them

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 6, 1, 17, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _site(site_settings):
    ConsultationSettingsFactory()


def url(name, consultation):
    return reverse(f"consultations:{name}", kwargs={"token": consultation_token(consultation)})


def test_my_data_page_shows_everything_held_and_is_private(client):
    consultation = ConsultationFactory(
        first_name="Robin", note="Mornings <b>please</b>", internal_notes="Asked for Mari"
    )
    token = prove_its_them(client, consultation)
    response = client.get(reverse("consultations:my_data", kwargs={"token": token}))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Robin" in body
    assert consultation.email in body
    assert "Asked for Mari" in body
    # What the client typed is shown as text, never as markup.
    assert "Mornings &lt;b&gt;please&lt;/b&gt;" in body
    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]
    assert reverse("consultations:delete_data", kwargs={"token": token}) in body


def test_my_data_page_speaks_as_people_do_not_as_the_database(client):
    consultation = ConsultationFactory(phone="+12062010177", state_of_residence="WA", voicemail_ok=True)
    token = prove_its_them(client, consultation)

    body = client.get(reverse("consultations:my_data", kwargs={"token": token})).content.decode()

    assert "206-201-0177" in body and "+12062010177" not in body
    assert "Washington" in body
    assert "OK to leave a voicemail" in body and "How you heard of us" in body
    for field_name in ("state_of_residence", "session_format", "Voicemail is ok", "Heard about"):
        assert field_name not in body


def test_my_data_needs_a_valid_signed_link(client):
    consultation = ConsultationFactory()
    token = consultation_token(consultation)
    tampered = token[:-2] + ("aa" if not token.endswith("aa") else "bb")
    assert client.get(reverse("consultations:my_data", kwargs={"token": tampered})).status_code == 404
    other = ConsultationFactory()
    prove_its_them(client, other)
    assert client.get(url("my_data", other)).status_code == 200
    assert consultation.first_name not in client.get(url("my_data", other)).content.decode()
    # Proving it's you for one booking opens no other.
    assert consultation.first_name not in client.get(url("my_data", consultation)).content.decode()


def test_download_is_a_json_file_of_the_same_data(client):
    consultation = ConsultationFactory(first_name="Robin")
    prove_its_them(client, consultation)
    response = client.get(url("my_data_download", consultation))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["your_details"]["First name"] == "Robin"
    assert data["booking"]["Reference"] == consultation.reference


def test_delete_asks_first_and_explains_the_call_will_be_cancelled(client):
    consultation = ConsultationFactory(starts_at=NOW + datetime.timedelta(days=2))
    with time_machine.travel(NOW, tick=False):
        prove_its_them(client, consultation)
        response = client.get(url("delete_data", consultation))
    assert response.status_code == 200
    assert "Your call will be cancelled" in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.erased_at is None


def test_deleting_erases_at_once_and_then_the_link_no_longer_works(client):
    consultation = ConsultationFactory(first_name="Robin", starts_at=NOW + datetime.timedelta(days=2))
    email = consultation.email
    with time_machine.travel(NOW, tick=False):
        token = prove_its_them(client, consultation)
        response = client.post(reverse("consultations:delete_data", kwargs={"token": token}))
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
        assert "Your data is deleted" in page
        assert "Robin" not in page
        consultation.refresh_from_db()
        assert consultation.erased_at == NOW
        assert consultation.status == Consultation.Status.CANCELLED
        assert not Notification.objects.filter(to_email=email).exists()
        for name in ("manage", "my_data", "my_data_download", "delete_data"):
            gone = client.get(reverse(f"consultations:{name}", kwargs={"token": token}))
            assert gone.status_code == 410, name
            assert "Robin" not in gone.content.decode()


def test_delete_needs_the_csrf_token(client):
    from django.test import Client

    consultation = ConsultationFactory()
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(url("delete_data", consultation)).status_code == 403
    consultation.refresh_from_db()
    assert consultation.erased_at is None


def test_privacy_request_form_creates_a_request_due_in_45_days(client):
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            reverse("privacy_request"),
            {"kind": "delete", "full_name": "Sam Lee", "email": "sam@example.com", "phone": "", "details": ""},
        )
        page = client.get(response["Location"]).content.decode()
    assert response.status_code == 302
    request = PrivacyRequest.objects.get()
    assert (request.kind, request.full_name, request.email) == ("delete", "Sam Lee", "sam@example.com")
    assert request.due_on == datetime.date(2026, 7, 16)
    assert request.reference in page
    assert "16 July 2026" in page


def test_privacy_request_needs_a_way_to_reach_the_person(client):
    response = client.post(reverse("privacy_request"), {"kind": "access", "full_name": "Sam Lee"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Give us an email address or a phone number" in body
    assert 'aria-invalid="true"' in body
    assert not PrivacyRequest.objects.exists()


def test_privacy_request_form_keeps_what_was_typed_and_escapes_it(client):
    response = client.post(
        reverse("privacy_request"), {"kind": "", "full_name": "<script>alert(1)</script>", "email": "not-an-email"}
    )
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "Choose what you would like us to do." in body
    assert "Enter an email address like name@example.com" in body


def test_privacy_request_honeypot_keeps_nothing(client):
    response = client.post(
        reverse("privacy_request"),
        {"kind": "access", "full_name": "Bot", "email": "bot@example.com", "website": "http://spam.example"},
    )
    assert response.status_code == 200
    assert not PrivacyRequest.objects.exists()


def test_privacy_request_form_is_rate_limited_per_address(client):
    data = {"kind": "access", "full_name": "Sam Lee", "email": "sam@example.com"}
    for _ in range(5):
        assert client.post(reverse("privacy_request"), data).status_code == 302
    assert client.post(reverse("privacy_request"), data).status_code == 429
    assert PrivacyRequest.objects.count() == 5
    # Another visitor is not held back.
    assert client.post(reverse("privacy_request"), data, REMOTE_ADDR="203.0.113.9").status_code == 302


def test_invalid_privacy_requests_count_against_the_limit_too(client):
    """Every post counts, as on the booking form, so a script cannot probe the form for free."""
    for _ in range(5):
        assert client.post(reverse("privacy_request"), {"kind": "access"}).status_code == 200
    valid = {"kind": "access", "full_name": "Sam Lee", "email": "sam@example.com"}
    assert client.post(reverse("privacy_request"), valid).status_code == 429
    assert not PrivacyRequest.objects.exists()


def test_sent_page_needs_its_signed_link(client):
    assert client.get(reverse("privacy_request_sent", kwargs={"token": "ABCDEFGH"})).status_code == 404


def test_privacy_request_refuses_a_name_with_a_line_break(client):
    response = client.post(
        reverse("privacy_request"),
        {"kind": "delete", "full_name": "Sam Lee\r\nSubject: urgent", "email": "sam@example.com"},
    )
    assert response.status_code == 200
    assert "Please type this on one line, without special characters." in response.content.decode()
    assert not PrivacyRequest.objects.exists()


def test_privacy_request_form_marks_each_optional_field_once(client):
    body = client.get(reverse("privacy_request")).content.decode()
    labels = re.findall(r"<label [^>]*>(.*?)</label>", body, re.S)
    assert any("Anything that helps us find your records" in label for label in labels)
    assert [label for label in labels if label.count("(optional)") > 1] == []
