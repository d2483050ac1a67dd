"""Backup codes for a lost phone, and a superuser's reset of a colleague's second factor."""

import re

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff.services import two_factor_reset

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-passphrase-here"


@pytest.fixture
def two_factor_on(settings):
    settings.REQUIRE_STAFF_2FA = True


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user("frontdesk", password=PASSWORD, is_staff=True)


def current_code(device):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def codes_on_page(response):
    return re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())


def set_up(client, staff):
    """Go through the setup page as the staff member would; return the backup codes it shows."""
    client.force_login(staff)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    return device, client.post(reverse("two_factor_setup"), {"code": current_code(device)})


def test_confirming_the_app_shows_ten_backup_codes_once(client, staff, two_factor_on):
    _, response = set_up(client, staff)
    assert response.status_code == 200
    codes = codes_on_page(response)
    assert len(set(codes)) == 10
    assert "Keep these codes somewhere safe" in response.content.decode()
    assert sorted(StaticToken.objects.filter(device__user=staff).values_list("token", flat=True)) == sorted(codes)
    # A second visit shows none of them.
    again = client.get(reverse("two_factor_backup_codes"))
    assert codes_on_page(again) == []
    assert not any(code in again.content.decode() for code in codes)


def test_a_backup_code_signs_in_once_and_not_twice(client, staff, two_factor_on):
    _, response = set_up(client, staff)
    code = codes_on_page(response)[0]
    target = reverse("admin:index")
    for attempt in range(2):
        client.logout()
        client.force_login(staff)
        assert client.get(target).status_code == 302
        signed_in = client.post(reverse("two_factor"), {"code": code, "next": target})
        if attempt == 0:
            assert signed_in.status_code == 302
            assert signed_in["Location"] == target
            assert client.get(target).status_code == 200
        else:
            assert signed_in.status_code == 200
            assert "used already" in signed_in.content.decode()
            assert client.get(target).status_code == 302
    assert StaticToken.objects.filter(device__user=staff).count() == 9


def test_a_new_set_of_backup_codes_stops_the_old_set_working(client, staff, two_factor_on):
    _, response = set_up(client, staff)
    old_codes = codes_on_page(response)
    new = client.post(reverse("two_factor_backup_codes"))
    new_codes = codes_on_page(new)
    assert len(new_codes) == 10
    assert not set(old_codes) & set(new_codes)
    client.logout()
    client.force_login(staff)
    refused = client.post(reverse("two_factor"), {"code": old_codes[0]})
    assert refused.status_code == 200
    assert "didn&#x27;t match" in refused.content.decode()
    # The throttle counts the wrong code; the next try is allowed once its wait has passed.
    StaticDevice.objects.filter(user=staff).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    assert client.post(reverse("two_factor"), {"code": new_codes[0]}).status_code == 302


def test_backup_codes_page_needs_the_second_factor_first(client, staff, two_factor_on):
    TOTPDevice.objects.create(user=staff, name="Phone", confirmed=True)
    client.force_login(staff)
    response = client.post(reverse("two_factor_backup_codes"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor"))
    assert not StaticDevice.objects.filter(user=staff).exists()


def run_reset(client, colleague):
    return client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [colleague.pk]},
    )


def test_a_superuser_resets_a_colleagues_second_factor_recorded_in_the_audit_history(client, staff, two_factor_on):
    set_up(client, staff)
    client.logout()
    boss = get_user_model().objects.create_superuser("owner", password=PASSWORD)
    TOTPDevice.objects.create(user=boss, name="Phone", confirmed=True)
    client.force_login(boss)
    boss_device = TOTPDevice.objects.get(user=boss)
    client.post(reverse("two_factor"), {"code": current_code(boss_device)})

    response = run_reset(client, staff)
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert not StaticDevice.objects.filter(user=staff).exists()
    [entry] = LogEntry.objects.get_for_object(staff)
    assert entry.actor == boss
    assert "second factor" in entry.changes_dict

    client.logout()
    client.force_login(staff)
    asked = client.get(reverse("two_factor"))
    assert asked.status_code == 302
    assert asked["Location"].startswith(reverse("two_factor_setup"))


def test_a_staff_member_who_isnt_a_superuser_cant_reset(client, staff, two_factor_on):
    set_up(client, staff)
    client.logout()
    manager = get_user_model().objects.create_user("manager", password=PASSWORD, is_staff=True)
    manager.user_permissions.add(*_user_admin_permissions())
    TOTPDevice.objects.create(user=manager, name="Phone", confirmed=True)
    client.force_login(manager)
    client.post(reverse("two_factor"), {"code": current_code(TOTPDevice.objects.get(user=manager))})
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200

    run_reset(client, staff)
    assert TOTPDevice.objects.filter(user=staff, confirmed=True).exists()
    assert StaticToken.objects.filter(device__user=staff).count() == 10
    assert not LogEntry.objects.get_for_object(staff).exists()
    with pytest.raises(PermissionError):
        two_factor_reset(user=staff, actor=manager)
    assert TOTPDevice.objects.filter(user=staff).exists()


def _user_admin_permissions():
    return Permission.objects.filter(content_type__app_label="auth", content_type__model="user")
