"""With REQUIRE_STAFF_2FA on (production), staff set up and then use an authenticator app before anything else."""

import base64
import datetime
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 6, 1, 17, 0, tzinfo=datetime.UTC)


@pytest.fixture
def two_factor_on(settings):
    settings.REQUIRE_STAFF_2FA = True


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user("frontdesk", password="a-long-passphrase-here", is_staff=True)


def current_code(device):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def test_unverified_staff_are_sent_to_set_up_their_app_first(client, staff, two_factor_on):
    client.force_login(staff)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor"))
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_setup"))


def test_setting_up_shows_a_qr_code_inline_and_the_key_and_confirms_with_a_code(client, staff, two_factor_on):
    client.force_login(staff)
    setup = reverse("two_factor_setup") + "?next=" + reverse("admin:index")
    with time_machine.travel(START, tick=False):
        page = client.get(setup)
        body = page.content.decode()
        assert 'src="data:image/svg+xml;base64,' in body
        device = TOTPDevice.objects.get(user=staff, confirmed=False)
        secret = base64.b32encode(device.bin_key).decode()
        assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in body
        # The page lives under the site's CSP: no inline script or style.
        assert not re.search(r"<script(?![^>]*\bsrc=)", body)
        assert " style=" not in body

        wrong = client.post(setup, {"code": "000000" if current_code(device) != "000000" else "111111"})
        assert "That code didn&#x27;t match" in wrong.content.decode()
    with time_machine.travel(START + datetime.timedelta(seconds=30), tick=False):
        device.refresh_from_db()
        done = client.post(setup, {"code": current_code(device)})
        # The backup codes are shown next, once, with the way on to where the staff member was going.
        assert done.status_code == 200
        assert f'href="{reverse("admin:index")}"' in done.content.decode()
        device.refresh_from_db()
        assert device.confirmed
        assert client.get(reverse("admin:index")).status_code == 200


def test_each_visit_to_the_setup_page_shows_a_new_secret_until_one_is_confirmed(client, staff, two_factor_on):
    client.force_login(staff)
    secrets_shown = []
    for _ in range(2):
        client.get(reverse("two_factor_setup"))
        [device] = TOTPDevice.objects.filter(user=staff, confirmed=False)
        secrets_shown.append(device.key)
    assert secrets_shown[0] != secrets_shown[1]


def test_a_staff_member_with_an_app_must_enter_its_code_at_each_sign_in(client, staff, two_factor_on):
    device = TOTPDevice.objects.create(user=staff, name="Phone", confirmed=True)
    client.force_login(staff)
    target = reverse("admin:consultations_consultation_changelist")
    with time_machine.travel(START, tick=False):
        response = client.get(target)
        assert response.status_code == 302
        ask = response["Location"]
        assert ask.startswith(reverse("two_factor"))
        assert client.get(ask).status_code == 200
        done = client.post(ask, {"code": current_code(device), "next": target})
    assert done.status_code == 302
    assert done["Location"] == target


def test_the_code_page_refuses_an_offsite_next(client, staff, two_factor_on):
    device = TOTPDevice.objects.create(user=staff, name="Phone", confirmed=True)
    client.force_login(staff)
    done = client.post(reverse("two_factor"), {"code": current_code(device), "next": "https://evil.example/"})
    assert done["Location"] == reverse("admin:index")


def test_repeated_wrong_codes_are_slowed_down(client, staff, two_factor_on):
    device = TOTPDevice.objects.create(user=staff, name="Phone", confirmed=True)
    client.force_login(staff)
    with time_machine.travel(START, tick=False):
        wrong = "000000" if current_code(device) != "000000" else "111111"
        client.post(reverse("two_factor"), {"code": wrong})
        # Even the right code is refused straight after a wrong one.
        response = client.post(reverse("two_factor"), {"code": current_code(device)})
    assert response.status_code == 200
    assert "Too many wrong codes" in response.content.decode()


def test_with_two_factor_off_staff_go_straight_to_the_admin(client, staff, settings):
    settings.REQUIRE_STAFF_2FA = False
    client.force_login(staff)
    assert client.get(reverse("admin:index")).status_code == 200


def test_visitors_never_meet_the_two_factor_pages(client, two_factor_on, db):
    response = client.get(reverse("two_factor"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
