"""Staff sign-in: guessing is locked out (and logged), an admin can unlock, and a forged address doesn't help."""

import logging

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-and-unguessable-passphrase"


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user("frontdesk", password=PASSWORD, is_staff=True)


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("owner", password=PASSWORD)


def sign_in(client, username, password, **extra):
    return client.post(reverse("admin:login"), {"username": username, "password": password}, **extra)


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(client, staff, settings, caplog):
    caplog.set_level(logging.INFO, logger="thrive.signin")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "frontdesk", "wrong").status_code == 200
    locked = sign_in(client, "frontdesk", "wrong")
    assert locked.status_code == 429
    assert "Sign-in is locked for now" in locked.content.decode()
    assert sign_in(client, "frontdesk", PASSWORD).status_code == 429
    messages = [record.getMessage() for record in caplog.records]
    assert messages.count("staff sign-in failed") >= settings.AXES_FAILURE_LIMIT
    assert "staff sign-in locked out" in messages
    # The password is never written to the log.
    assert "wrong" not in caplog.text


def test_an_admin_unlocks_by_deleting_the_access_attempts(client, staff, superuser, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "frontdesk", "wrong", REMOTE_ADDR="198.51.100.7")
    assert AccessAttempt.objects.exists()

    admin_client = type(client)()
    admin_client.force_login(superuser)
    changelist = reverse("admin:axes_accessattempt_changelist")
    attempts = list(AccessAttempt.objects.values_list("pk", flat=True))
    response = admin_client.post(
        changelist, {"action": "delete_selected", "_selected_action": attempts, "post": "yes"}, follow=True
    )
    assert response.status_code == 200
    assert not AccessAttempt.objects.exists()
    response = sign_in(client, "frontdesk", PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 302


def test_a_successful_sign_in_is_logged_without_the_password(client, staff, caplog):
    caplog.set_level(logging.INFO, logger="thrive.signin")
    assert sign_in(client, "frontdesk", PASSWORD).status_code == 302
    signed_in = [r for r in caplog.records if r.getMessage() == "staff signed in"]
    assert signed_in and signed_in[0].username == "frontdesk"
    assert PASSWORD not in caplog.text


def test_a_forged_forwarded_for_does_not_reset_the_address_lock_out(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    real_client = "198.51.100.7"
    # Different usernames each time, so only the per-address count can lock.
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"guess{attempt}", "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{attempt}, {real_client}")
    forged = sign_in(client, "another", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.99, {real_client}")
    assert forged.status_code == 429
    someone_else = sign_in(client, "another", "wrong", HTTP_X_FORWARDED_FOR="203.0.113.99, 192.0.2.50")
    assert someone_else.status_code == 200


def test_code_that_signs_in_without_a_request_still_works(staff, client):
    # The test client and management commands authenticate without a web request.
    assert client.login(username="frontdesk", password=PASSWORD)
