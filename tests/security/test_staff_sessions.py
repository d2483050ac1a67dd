import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 6, 1, 17, 0, tzinfo=datetime.UTC)


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user("frontdesk", password="a-long-passphrase-here", is_staff=True)


def test_a_staff_session_ends_after_the_idle_time(client, staff, settings):
    idle = datetime.timedelta(seconds=settings.STAFF_SESSION_IDLE_SECONDS)
    with time_machine.travel(START, tick=False):
        client.force_login(staff)
        assert client.get(reverse("admin:index")).status_code == 200
    with time_machine.travel(START + idle + datetime.timedelta(minutes=1), tick=False):
        response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_activity_keeps_a_staff_session_alive(client, staff, settings):
    idle = datetime.timedelta(seconds=settings.STAFF_SESSION_IDLE_SECONDS)
    with time_machine.travel(START, tick=False):
        client.force_login(staff)
        client.get(reverse("admin:index"))
    for step in range(1, 4):
        with time_machine.travel(START + step * (idle - datetime.timedelta(minutes=5)), tick=False):
            assert client.get(reverse("admin:index")).status_code == 200


def stay_active_until(client, settings, end):
    """Open the admin every few minutes short of the idle time, from START until ``end``."""
    step = datetime.timedelta(seconds=settings.STAFF_SESSION_IDLE_SECONDS) - datetime.timedelta(minutes=5)
    now = START
    while now + step < end:
        now += step
        with time_machine.travel(now, tick=False):
            assert client.get(reverse("admin:index")).status_code == 200


def test_a_staff_session_ends_at_the_absolute_limit_however_active(client, staff, settings):
    limit = datetime.timedelta(seconds=settings.STAFF_SESSION_MAX_SECONDS)
    with time_machine.travel(START, tick=False):
        signed_in = client.post(reverse("admin:login"), {"username": "frontdesk", "password": "a-long-passphrase-here"})
        assert signed_in.status_code == 302
    stay_active_until(client, settings, START + limit)
    with time_machine.travel(START + limit + datetime.timedelta(seconds=1), tick=False):
        response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    # Signed out for good, not only sent to the sign-in page.
    assert "_auth_user_id" not in client.session


def test_the_idle_expiry_never_reaches_past_the_absolute_limit(client, staff, settings):
    ends = START + datetime.timedelta(seconds=settings.STAFF_SESSION_MAX_SECONDS)
    with time_machine.travel(START, tick=False):
        client.force_login(staff)
        client.get(reverse("admin:index"))
    stay_active_until(client, settings, ends - datetime.timedelta(minutes=10))
    with time_machine.travel(ends - datetime.timedelta(minutes=10), tick=False):
        response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert response.cookies["sessionid"]["max-age"] == 10 * 60


def test_the_session_cookie_is_secure_and_hidden_from_script(client, staff):
    response = client.post(reverse("admin:login"), {"username": "frontdesk", "password": "a-long-passphrase-here"})
    cookie = response.cookies["sessionid"]
    assert cookie["secure"]
    assert cookie["httponly"]


def test_the_idle_clock_starts_at_sign_in(client, staff, settings):
    idle = datetime.timedelta(seconds=settings.STAFF_SESSION_IDLE_SECONDS)
    with time_machine.travel(START, tick=False):
        response = client.post(reverse("admin:login"), {"username": "frontdesk", "password": "a-long-passphrase-here"})
        assert response.status_code == 302
        assert response.cookies["sessionid"]["max-age"] == settings.STAFF_SESSION_IDLE_SECONDS
    with time_machine.travel(START + idle + datetime.timedelta(minutes=1), tick=False):
        assert client.get(reverse("admin:index")).status_code == 302


def test_visitors_get_no_session_at_all(client, db):
    response = client.get("/clinicians/")
    assert "sessionid" not in response.cookies
