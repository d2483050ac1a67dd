"""Per-visitor limits key on the real client address; a forged X-Forwarded-For does not reset them."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from consultations.models import PrivacyRequest
from thrive.net import client_address

pytestmark = pytest.mark.django_db

FORM = {"kind": "access", "full_name": "Sam Lee", "email": "sam@example.com"}


def test_without_proxies_the_socket_address_is_the_client_whatever_the_header_says(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_address(request) == "198.51.100.7"


def test_behind_one_proxy_the_address_it_added_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    assert client_address(request) == "198.51.100.7"


@pytest.mark.parametrize("proxies", [0, 1])
def test_forging_x_forwarded_for_does_not_reset_the_form_limit(client, settings, proxies):
    settings.TRUSTED_PROXY_COUNT = proxies
    real = "198.51.100.7"

    def post(forged):
        header = f"{forged}, {real}" if proxies else forged
        return client.post(reverse("privacy_request"), FORM, REMOTE_ADDR="10.0.0.2" if proxies else real,
                           HTTP_X_FORWARDED_FOR=header)  # fmt: skip

    for attempt in range(5):
        assert post(f"203.0.113.{attempt}").status_code == 302
    assert post("203.0.113.200").status_code == 429
    assert PrivacyRequest.objects.count() == 5
