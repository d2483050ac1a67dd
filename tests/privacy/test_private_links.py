"""Private links expire, reveal no id, and open personal data only with a one-time code sent to the email on file."""

import datetime
import json

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from consultations.calendar import consultation_ics
from consultations.models import Consultation, DataAccessCode, Notification
from consultations.privacy.services import Reason, consultation_erase_personal_data
from consultations.tokens import consultation_token
from tests.consultations.factories import ConsultationFactory, ConsultationSettingsFactory
from tests.privacy.access import prove_its_them
from thrive.phones import phone_written

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 6, 1, 17, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _site(site_settings):
    ConsultationSettingsFactory()


@pytest.fixture
def call():
    with time_machine.travel(NOW, tick=False):
        return ConsultationFactory(first_name="Robin", email="robin@example.com", starts_at=NOW + 3 * DAY)


def page(client, name, token, **kwargs):
    return client.get(reverse(f"consultations:{name}", kwargs={"token": token}), **kwargs)


def test_the_token_names_no_id_or_reference(call):
    token = consultation_token(call)
    secret, _timestamp, _signature = token.split(":")
    # The secret is the random link_secret itself (a small id's digits may well turn up in it by chance).
    assert secret == call.link_secret
    assert call.reference not in token
    # Each booking's secret is its own random value.
    assert ConsultationFactory().link_secret != call.link_secret


def test_a_link_stops_working_a_week_after_the_call_with_a_page_that_offers_a_new_one(client, call):
    with time_machine.travel(NOW, tick=False):
        token = consultation_token(call)
    with time_machine.travel(call.starts_at + 6 * DAY, tick=False):
        assert page(client, "manage", token).status_code == 200
    with time_machine.travel(call.starts_at + 7 * DAY + datetime.timedelta(minutes=1), tick=False):
        for name in ("manage", "calendar", "cancel", "reschedule", "my_data", "my_data_download", "delete_data"):
            response = page(client, name, token)
            assert response.status_code == 410, name
            body = response.content.decode()
            assert "This link has expired" in body
            assert reverse("consultations:new_link") in body
            assert "Robin" not in body
            assert "noindex" in response["X-Robots-Tag"]


def test_a_link_sent_long_after_the_call_works_for_a_week_from_when_it_was_sent(client, call):
    later = call.starts_at + 30 * DAY
    with time_machine.travel(later, tick=False):
        token = consultation_token(call)
    with time_machine.travel(later + 6 * DAY, tick=False):
        assert page(client, "manage", token).status_code == 200
    with time_machine.travel(later + 8 * DAY, tick=False):
        assert page(client, "manage", token).status_code == 410


def test_a_cancelled_call_s_link_stops_a_week_after_the_cancellation(client):
    with time_machine.travel(NOW, tick=False):
        call = ConsultationFactory(starts_at=NOW + 60 * DAY)
        token = consultation_token(call)
        client.post(page_url("cancel", token))
        call.refresh_from_db()
        assert call.status == Consultation.Status.CANCELLED
    with time_machine.travel(NOW + 6 * DAY, tick=False):
        assert page(client, "manage", token).status_code == 200
    with time_machine.travel(NOW + 8 * DAY, tick=False):
        assert page(client, "manage", token).status_code == 410


def test_erasure_ends_every_link_at_once(client, call):
    token = consultation_token(call)
    consultation_erase_personal_data(consultation=call, reason=Reason.RETENTION)
    assert page(client, "manage", token).status_code == 410


def test_a_tampered_link_is_not_found(client, call):
    token = consultation_token(call)
    assert page(client, "manage", token[:-3] + "abc").status_code == 404


def page_url(name, token):
    return reverse(f"consultations:{name}", kwargs={"token": token})


@time_machine.travel(NOW, tick=False)
def test_cancel_and_reschedule_need_no_code(client, call):
    token = consultation_token(call)
    assert page(client, "reschedule", token).status_code == 200
    response = client.post(page_url("cancel", token))
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.status == Consultation.Status.CANCELLED
    assert not DataAccessCode.objects.exists()


def test_personal_data_needs_a_code_first(client, call):
    token = consultation_token(call)
    mine = page(client, "my_data", token).content.decode()
    assert "First, let's check it's you" in mine
    assert "r•••@example.com" in mine
    assert "robin@example.com" not in mine
    download = page(client, "my_data_download", token)
    assert download.get("Content-Type", "").startswith("text/html")
    assert "Robin" not in download.content.decode()
    client.post(page_url("delete_data", token))
    call.refresh_from_db()
    assert call.erased_at is None
    # The private page itself shows only the end of the phone number, in no form people write it in.
    # (Not its last four digits alone: the practice's own number on the page can contain them.)
    manage = page(client, "manage", token).content.decode()
    assert f"ending in {str(call.phone)[-2:]}" in manage
    for written in (str(call.phone), phone_written(call.phone), phone_written(call.phone).replace("-", "")[-7:]):
        assert written not in manage


def test_the_code_goes_by_the_outbox_to_the_email_on_file_and_is_never_stored(
    client, call, django_capture_on_commit_callbacks
):
    token = consultation_token(call)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page_url("access_code", token), {"send": "1", "after": "my_data"})
    access_code = DataAccessCode.objects.get()
    row = Notification.objects.get(event=Notification.Event.ACCESS_CODE)
    assert (row.to_email, row.access_code, row.status) == ("robin@example.com", access_code, "sent")
    [message] = [m for m in mail.outbox if access_code.code in m.body]
    assert message.to == ["robin@example.com"]
    assert "Robin" in message.body
    stored = json.dumps(list(DataAccessCode.objects.values()) + list(Notification.objects.values()), default=str)
    assert access_code.code not in stored


def test_a_code_works_once(client, call):
    token = prove_its_them(client, call)
    code = DataAccessCode.objects.get().code
    other_browser = type(client)()
    response = other_browser.post(page_url("access_code", token), {"code": code, "after": "my_data"})
    assert response.status_code == 400
    assert "Robin" not in other_browser.get(page_url("my_data", token)).content.decode()


def test_a_code_expires_after_ten_minutes(client, call):
    token = consultation_token(call)
    with time_machine.travel(NOW, tick=False):
        client.post(page_url("access_code", token), {"send": "1"})
    code = DataAccessCode.objects.get().code
    with time_machine.travel(NOW + datetime.timedelta(minutes=11), tick=False):
        response = client.post(page_url("access_code", token), {"code": code, "after": "my_data"})
    assert response.status_code == 400
    assert "or it has expired" in response.content.decode()


def test_five_wrong_codes_spend_it(client, call):
    token = consultation_token(call)
    client.post(page_url("access_code", token), {"send": "1"})
    code = DataAccessCode.objects.get().code
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(DataAccessCode.MAX_ATTEMPTS):
        assert client.post(page_url("access_code", token), {"code": wrong}).status_code == 400
    assert client.post(page_url("access_code", token), {"code": code}).status_code == 400


def test_at_most_three_codes_an_hour(client, call):
    token = consultation_token(call)
    with time_machine.travel(NOW, tick=False):
        for _ in range(5):
            client.post(page_url("access_code", token), {"send": "1"})
        assert DataAccessCode.objects.count() == 3
    with time_machine.travel(NOW + datetime.timedelta(minutes=61), tick=False):
        client.post(page_url("access_code", token), {"send": "1"})
    assert DataAccessCode.objects.count() == 4


def test_the_code_opens_the_data_for_that_browser_only_for_a_while(client, call):
    with time_machine.travel(NOW, tick=False):
        token = prove_its_them(client, call)
        assert "Robin" in page(client, "my_data", token).content.decode()
    with time_machine.travel(NOW + datetime.timedelta(minutes=16), tick=False):
        assert "Robin" not in page(client, "my_data", token).content.decode()


def test_a_new_link_is_emailed_and_the_answer_is_the_same_for_an_unknown_address(
    client, call, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(reverse("consultations:new_link"), {"email": "ROBIN@example.com"})
        unknown = client.post(reverse("consultations:new_link"), {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 200
    assert known.content == unknown.content.replace(b"nobody@example.com", b"ROBIN@example.com")
    [message] = mail.outbox
    assert message.to == ["robin@example.com"]
    link = next(word for word in message.body.split() if "/consultation/" in word)
    assert client.get(link.removeprefix("http://testserver")).status_code == 200


def test_asking_again_within_the_hour_sends_no_second_email(client, call, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            client.post(reverse("consultations:new_link"), {"email": "robin@example.com"})
    assert Notification.objects.filter(event=Notification.Event.PRIVATE_LINK).count() == 1


def test_the_new_link_form_is_rate_limited_per_address(client):
    for _ in range(5):
        assert client.post(reverse("consultations:new_link"), {"email": "x@example.com"}).status_code == 200
    assert client.post(reverse("consultations:new_link"), {"email": "x@example.com"}).status_code == 429


def test_the_calendar_file_carries_no_private_link(call):
    ics = consultation_ics(call).decode()
    assert call.link_secret not in ics.replace("\r\n ", "")
    assert reverse("consultations:new_link") in ics.replace("\r\n ", "")
