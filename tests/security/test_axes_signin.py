"""Staff sign-in: guessing is locked out (and logged), an admin can unlock, and a forged address doesn't help."""

import datetime
import logging

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.clinicians.factories import front_desk_user

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-and-unguessable-passphrase"
OWN_ADDRESS = "192.0.2.10"
START = datetime.datetime(2026, 6, 1, 17, 0, tzinfo=datetime.UTC)


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


def test_a_forged_forwarded_for_does_not_reset_the_lock_out(client, staff, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    real_client = "198.51.100.7"
    with time_machine.travel(START, tick=False):
        for attempt in range(settings.AXES_FAILURE_LIMIT):
            sign_in(client, "frontdesk", "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{attempt}, {real_client}")
    # Well after the username's wait, the pair (username, real address) is still locked.
    with time_machine.travel(START + datetime.timedelta(minutes=20), tick=False):
        forged = sign_in(client, "frontdesk", PASSWORD, HTTP_X_FORWARDED_FOR=f"203.0.113.99, {real_client}")
        assert forged.status_code == 429
        assert "Sign-in is locked for now" in forged.content.decode()
        colleague_elsewhere = sign_in(client, "frontdesk", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99, 192.0.2.50")
        assert colleague_elsewhere.status_code == 302


def test_wrong_passwords_from_many_addresses_slow_the_username_down_but_never_lock_it(client, staff, settings):
    base = settings.SIGNIN_DELAY_BASE_SECONDS
    with time_machine.travel(START, tick=False):
        for attempt in range(settings.AXES_FAILURE_LIMIT):
            assert sign_in(client, "frontdesk", "wrong", REMOTE_ADDR=f"203.0.113.{attempt + 1}").status_code == 200
        # Straight after, even the right password from the staff member's own address has to wait.
        waiting = sign_in(client, "frontdesk", PASSWORD, REMOTE_ADDR=OWN_ADDRESS)
        assert waiting.status_code == 429
        assert waiting["Retry-After"] == str(base)
        assert "try again in 15 seconds" in waiting.content.decode()
    # A try during the wait is not counted: the wait after the next failure is only twice as long.
    with time_machine.travel(START + datetime.timedelta(seconds=base), tick=False):
        assert sign_in(client, "frontdesk", "wrong", REMOTE_ADDR="203.0.113.99").status_code == 200
        assert sign_in(client, "frontdesk", PASSWORD, REMOTE_ADDR=OWN_ADDRESS)["Retry-After"] == str(2 * base)
    with time_machine.travel(START + datetime.timedelta(seconds=3 * base), tick=False):
        signed_in = sign_in(client, "frontdesk", PASSWORD, REMOTE_ADDR=OWN_ADDRESS)
    assert signed_in.status_code == 302


def test_the_wait_never_grows_past_its_maximum(client, staff, settings):
    with time_machine.travel(START, tick=False):
        for attempt in range(settings.AXES_FAILURE_LIMIT + 4):
            AccessAttempt.objects.create(
                username="frontdesk",
                ip_address=f"203.0.113.{attempt + 1}",
                user_agent="",
                failures_since_start=settings.AXES_FAILURE_LIMIT - 1,
            )
        waiting = sign_in(client, "frontdesk", PASSWORD, REMOTE_ADDR=OWN_ADDRESS)
    assert waiting.status_code == 429
    assert int(waiting["Retry-After"]) == settings.SIGNIN_DELAY_MAX_SECONDS


def test_the_front_desk_sees_where_tries_came_from_and_clearing_them_ends_the_wait(client, staff, settings):
    with time_machine.travel(START, tick=False):
        for attempt in range(settings.AXES_FAILURE_LIMIT):
            sign_in(client, "frontdesk", "wrong", REMOTE_ADDR=f"203.0.113.{attempt + 1}")
        desk = type(client)()
        desk.force_login(front_desk_user())
        changelist = desk.get(reverse("admin:axes_accessattempt_changelist"))
        assert changelist.status_code == 200
        assert "203.0.113.3" in changelist.content.decode()
        attempts = list(AccessAttempt.objects.values_list("pk", flat=True))
        desk.post(
            reverse("admin:axes_accessattempt_changelist"),
            {"action": "delete_selected", "_selected_action": attempts, "post": "yes"},
        )
        assert not AccessAttempt.objects.exists()
        assert sign_in(client, "frontdesk", PASSWORD, REMOTE_ADDR=OWN_ADDRESS).status_code == 302


def test_code_that_signs_in_without_a_request_still_works(staff, client):
    # The test client and management commands authenticate without a web request.
    assert client.login(username="frontdesk", password=PASSWORD)
