import datetime

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.urls import reverse

from consultations.models import Consultation, PrivacyRequest
from consultations.privacy.services import privacy_request_create
from tests.clinicians.factories import StaffUserFactory, clinician_user, front_desk_user
from tests.consultations.factories import ConsultationFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 6, 1, 17, 0, tzinfo=datetime.UTC)
QUEUE = "admin:consultations_privacyrequest_changelist"


@pytest.fixture
def desk(client):
    client.force_login(front_desk_user())
    return client


def make_request(days_ago=0, **kwargs):
    with time_machine.travel(NOW - datetime.timedelta(days=days_ago), tick=False):
        return privacy_request_create(
            kind=kwargs.pop("kind", PrivacyRequest.Kind.DELETE),
            full_name=kwargs.pop("full_name", "Sam Lee"),
            email=kwargs.pop("email", "sam@example.com"),
            **kwargs,
        )


def test_the_queue_shows_each_request_with_its_due_date_and_days_left(desk):
    make_request(days_ago=50, full_name="Late Person")
    make_request(days_ago=1, full_name="New Person")
    with time_machine.travel(NOW, tick=False):
        response = desk.get(reverse(QUEUE))
        body = response.content.decode()
        overdue = desk.get(reverse(QUEUE), {"due": "overdue"}).content.decode()
    assert response.status_code == 200
    assert "Late Person" in body and "New Person" in body
    assert "5 overdue" in body
    assert "44" in body
    assert "Late Person" in overdue
    assert "New Person" not in overdue


def test_completing_a_verified_deletion_from_the_queue_erases_the_matching_consultation(desk):
    mine = ConsultationFactory(email="sam@example.com", starts_at=NOW - datetime.timedelta(days=3))
    other = ConsultationFactory(email="kim@example.com", starts_at=NOW - datetime.timedelta(days=3))
    request = make_request()
    change = reverse("admin:consultations_privacyrequest_change", args=[request.pk])
    assert mine.reference in desk.get(change).content.decode()

    desk.post(reverse(QUEUE), {"action": "start_verifying", "_selected_action": [request.pk]})
    request.refresh_from_db()
    assert request.status == PrivacyRequest.Status.VERIFYING
    with time_machine.travel(NOW, tick=False):
        response = desk.post(reverse(QUEUE), {"action": "complete", "_selected_action": [request.pk]}, follow=True)
    assert "1 consultation(s) erased" in response.content.decode()
    request.refresh_from_db()
    assert request.status == PrivacyRequest.Status.COMPLETED
    assert Consultation.objects.get(pk=mine.pk).erased_at == NOW
    assert Consultation.objects.get(pk=other.pk).erased_at is None


def test_a_request_not_yet_verified_cannot_be_completed(desk):
    mine = ConsultationFactory(email="sam@example.com")
    request = make_request()
    response = desk.post(reverse(QUEUE), {"action": "complete", "_selected_action": [request.pk]}, follow=True)
    assert "only requests being verified can be completed" in response.content.decode()
    request.refresh_from_db()
    mine.refresh_from_db()
    assert request.status == PrivacyRequest.Status.RECEIVED
    assert mine.erased_at is None


def test_declining_keeps_the_data_and_closes_the_request(desk):
    mine = ConsultationFactory(email="sam@example.com")
    request = make_request()
    desk.post(reverse(QUEUE), {"action": "decline", "_selected_action": [request.pk]})
    request.refresh_from_db()
    mine.refresh_from_db()
    assert request.status == PrivacyRequest.Status.DECLINED
    assert request.completed_at is not None
    assert mine.erased_at is None


def test_clinicians_cannot_see_the_queue(client):
    make_request()
    client.force_login(clinician_user())
    assert client.get(reverse(QUEUE)).status_code == 403


def test_a_view_only_user_cannot_run_the_actions_that_change_or_erase(client):
    viewer = StaffUserFactory()
    viewer.user_permissions.add(Permission.objects.get(codename="view_privacyrequest"))
    client.force_login(viewer)
    mine = ConsultationFactory(email="sam@example.com", starts_at=NOW - datetime.timedelta(days=3))
    request = make_request()
    PrivacyRequest.objects.filter(pk=request.pk).update(status=PrivacyRequest.Status.VERIFYING)
    assert client.get(reverse(QUEUE)).status_code == 200

    for action in ("start_verifying", "complete", "decline"):
        client.post(reverse(QUEUE), {"action": action, "_selected_action": [request.pk]})

    request.refresh_from_db()
    assert request.status == PrivacyRequest.Status.VERIFYING
    assert Consultation.objects.get(pk=mine.pk).erased_at is None
