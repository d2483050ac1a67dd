import datetime

import pytest
import time_machine
from auditlog.models import LogEntry
from django.conf import settings

from consultations.models import Consultation, ConsultationSettings, Notification, PrivacyRequest
from consultations.privacy.services import (
    ANONYMOUS_FIELDS,
    ERASED_VALUES,
    PRIVACY_REQUEST_DAYS,
    UNANSWERED_PRIVACY_REQUEST_DAYS,
    Reason,
    consultation_erase_personal_data,
    consultation_personal_data,
    consultations_erase_expired,
    privacy_request_complete,
    privacy_request_create,
    privacy_request_matches,
    privacy_request_start_verifying,
    privacy_requests_erase_expired,
)
from tests.consultations.factories import ConsultationFactory, ConsultationSettingsFactory
from thrive.phones import phone_written

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 6, 1, 17, 0, tzinfo=datetime.UTC)


def notification(
    consultation, *, role=Notification.Role.CLIENT, to_email=None, status=Notification.Status.SENT, key=""
):
    return Notification.objects.create(
        consultation=consultation,
        event=Notification.Event.BOOKED,
        recipient_role=role,
        to_email=to_email or consultation.email,
        status=status,
        last_error="550 mailbox unavailable for " + (to_email or consultation.email),
        dedupe_key=f"test:{consultation.pk}:{role}:{status}:{key}",
    )


def personal_values(consultation):
    return {name: getattr(consultation, name) for name in ERASED_VALUES}


def test_every_consultation_field_is_either_erased_or_anonymous():
    names = {field.name for field in Consultation._meta.concrete_fields}
    assert names == set(ERASED_VALUES) | ANONYMOUS_FIELDS, "classify each new field in privacy/services.py"
    assert not set(ERASED_VALUES) & ANONYMOUS_FIELDS


def test_auditlog_masks_exactly_the_personal_text_fields():
    tracked = next(m for m in settings.AUDITLOG_INCLUDE_TRACKING_MODELS if m["model"] == "consultations.Consultation")
    # Every erased field but those that are not text a person wrote.
    assert set(tracked["mask_fields"]) == set(ERASED_VALUES) - {
        "voicemail_ok",
        "form_token",
        "link_secret",
        "possible_duplicate_of",
    }
    # The link's secret never reaches the history at all.
    assert {"form_token", "link_secret"} <= set(tracked["exclude_fields"])


def test_access_export_lists_every_personal_field_the_client_gave():
    consultation = ConsultationFactory(
        preferred_name="Sam", note="Evenings are best", heard_about="A friend", internal_notes="Prefers a text"
    )
    notification(consultation)
    data = consultation_personal_data(consultation=consultation)
    details = dict(data["details"])
    assert details["First name"] == consultation.first_name
    assert details["Name you'd like us to use"] == "Sam"
    assert details["Email"] == consultation.email
    assert details["Phone"] == phone_written(consultation.phone)
    assert details["Your note to us"] == "Evenings are best"
    assert details["How you heard of us"] == "A friend"
    assert details["State you live in"] == "Washington"
    assert data["staff_notes"] == "Prefers a text"
    assert dict(data["consent"])["Privacy policy version you agreed to"] == "2026-01-01"
    assert [m["to"] for m in data["messages"]] == [consultation.email]


def test_access_export_tells_the_history_in_plain_words():
    consultation = ConsultationFactory()
    consultation.internal_notes = "Called once"
    consultation.save()
    history = consultation_personal_data(consultation=consultation)["history"]
    assert [(entry["what"], entry["fields"]) for entry in history][-1] == ("Changed", "internal notes")
    assert history[0]["what"] == "Booked"


def test_erasure_blanks_personal_fields_and_keeps_the_anonymous_record():
    consultation = ConsultationFactory(
        starts_at=NOW - datetime.timedelta(days=3),
        status=Consultation.Status.COMPLETED,
        note="Something private",
        internal_notes="Staff note",
        preferred_name="Sam",
        heard_about="Search",
    )
    old_secret = consultation.link_secret
    with time_machine.travel(NOW, tick=False):
        consultation_erase_personal_data(consultation=consultation, reason=Reason.CLIENT_REQUEST)
    consultation.refresh_from_db()
    values = personal_values(consultation)
    # A new random secret, so every private link to the booking stops working.
    assert values.pop("link_secret") != old_secret
    assert values == {field: value for field, value in ERASED_VALUES.items() if field != "link_secret"}
    assert consultation.erased_at == NOW
    assert consultation.status == Consultation.Status.COMPLETED
    assert consultation.starts_at == NOW - datetime.timedelta(days=3)
    assert consultation.clinician is not None


def test_erasure_removes_addresses_and_errors_from_the_outbox_and_drops_unsent_client_mail():
    consultation = ConsultationFactory(starts_at=NOW - datetime.timedelta(days=3))
    sent = notification(consultation, key="sent")
    waiting = notification(consultation, status=Notification.Status.PENDING, key="waiting")
    clinician_alert = notification(consultation, role=Notification.Role.CLINICIAN, to_email="dr@thrive.example")
    with time_machine.travel(NOW, tick=False):
        consultation_erase_personal_data(consultation=consultation, reason=Reason.CLIENT_REQUEST)
    sent.refresh_from_db()
    clinician_alert.refresh_from_db()
    assert sent.to_email == ""
    assert sent.last_error == ""
    assert not Notification.objects.filter(pk=waiting.pk).exists()
    # The clinician's own address is the practice's, not the client's; but the error quoting it goes.
    assert clinician_alert.to_email == "dr@thrive.example"
    assert clinician_alert.last_error == ""
    assert not Notification.objects.filter(to_email__icontains="example.com").exists()


def test_erasure_deletes_the_change_history_including_the_erasure_itself():
    consultation = ConsultationFactory(starts_at=NOW - datetime.timedelta(days=3))
    consultation.first_name = "Renamed"
    consultation.save()
    assert LogEntry.objects.get_for_object(consultation).exists()
    with time_machine.travel(NOW, tick=False):
        consultation_erase_personal_data(consultation=consultation, reason=Reason.CLIENT_REQUEST)
    assert not LogEntry.objects.get_for_object(consultation).exists()


def test_erasing_an_upcoming_call_cancels_it_and_tells_the_clinician_only():
    ConsultationSettingsFactory()
    consultation = ConsultationFactory(starts_at=NOW + datetime.timedelta(days=2), status=Consultation.Status.CONFIRMED)
    with time_machine.travel(NOW, tick=False):
        consultation_erase_personal_data(consultation=consultation, reason=Reason.CLIENT_REQUEST)
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.CANCELLED
    assert consultation.cancelled_at == NOW
    roles = set(Notification.objects.filter(consultation=consultation).values_list("recipient_role", flat=True))
    assert roles == {Notification.Role.CLINICIAN}


def test_erasing_twice_changes_nothing_more():
    consultation = ConsultationFactory(starts_at=NOW - datetime.timedelta(days=3))
    with time_machine.travel(NOW, tick=False):
        consultation_erase_personal_data(consultation=consultation, reason=Reason.CLIENT_REQUEST)
    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=False):
        consultation_erase_personal_data(consultation=consultation, reason=Reason.CLIENT_REQUEST)
    consultation.refresh_from_db()
    assert consultation.erased_at == NOW


@pytest.mark.parametrize(
    ("days_ago", "erased"),
    [(181, True), (179, False)],
)
def test_retention_erases_calls_that_ended_more_than_retention_days_ago(days_ago, erased):
    ConsultationSettingsFactory(retention_days=180)
    call = ConsultationFactory(starts_at=NOW - datetime.timedelta(days=days_ago), status=Consultation.Status.COMPLETED)
    with time_machine.travel(NOW, tick=False):
        assert consultations_erase_expired() == int(erased)
    call.refresh_from_db()
    assert (call.erased_at is not None) is erased
    assert (call.first_name == "") is erased


def test_retention_counts_from_the_cancellation_not_the_booked_time():
    ConsultationSettingsFactory(retention_days=30)
    # Booked for long ago... no: booked far ahead, cancelled 31 days ago.
    cancelled = ConsultationFactory(
        starts_at=NOW + datetime.timedelta(days=60),
        status=Consultation.Status.CANCELLED,
        cancelled_at=NOW - datetime.timedelta(days=31),
    )
    recent = ConsultationFactory(
        starts_at=NOW - datetime.timedelta(days=40),
        status=Consultation.Status.CANCELLED,
        cancelled_at=NOW - datetime.timedelta(days=5),
    )
    with time_machine.travel(NOW, tick=False):
        consultations_erase_expired()
    cancelled.refresh_from_db()
    recent.refresh_from_db()
    assert cancelled.erased_at is not None
    assert recent.erased_at is None


def test_retention_follows_the_setting_the_front_desk_changes():
    settings_row = ConsultationSettingsFactory(retention_days=180)
    call = ConsultationFactory(starts_at=NOW - datetime.timedelta(days=100), status=Consultation.Status.COMPLETED)
    with time_machine.travel(NOW, tick=False):
        consultations_erase_expired()
        call.refresh_from_db()
        assert call.erased_at is None
        settings_row.retention_days = 90
        settings_row.save()
        ConsultationSettings.objects.update(retention_days=90)
        consultations_erase_expired()
    call.refresh_from_db()
    assert call.erased_at is not None


def test_retention_leaves_upcoming_calls_and_open_callback_requests_alone():
    ConsultationSettingsFactory(retention_days=1)
    upcoming = ConsultationFactory(starts_at=NOW + datetime.timedelta(days=3))
    with time_machine.travel(NOW - datetime.timedelta(hours=1), tick=False):
        callback = ConsultationFactory(starts_at=None, status=Consultation.Status.NEW)
    with time_machine.travel(NOW, tick=False):
        assert consultations_erase_expired() == 0
    assert Consultation.objects.filter(pk__in=[upcoming.pk, callback.pk], erased_at__isnull=True).count() == 2


def test_retention_task_erases_notifications_and_history_with_the_consultation():
    ConsultationSettingsFactory(retention_days=180)
    call = ConsultationFactory(starts_at=NOW - datetime.timedelta(days=200), status=Consultation.Status.COMPLETED)
    email = call.email
    notification(call)
    from consultations.tasks import erase_expired_personal_data

    with time_machine.travel(NOW, tick=False):
        erase_expired_personal_data.apply()
    assert not Notification.objects.filter(to_email=email).exists()
    assert not LogEntry.objects.get_for_object(call).exists()
    assert not Consultation.objects.filter(email=email).exists()


def test_privacy_request_is_due_45_days_after_it_arrives():
    with time_machine.travel(NOW, tick=False):
        request = privacy_request_create(kind=PrivacyRequest.Kind.DELETE, full_name="Sam Lee", email="sam@example.com")
    assert request.due_on == datetime.date(2026, 7, 16)
    assert request.status == PrivacyRequest.Status.RECEIVED


def test_completing_a_verified_deletion_erases_only_the_matching_consultations():
    mine = ConsultationFactory(email="sam@example.com", starts_at=NOW - datetime.timedelta(days=2))
    by_phone = ConsultationFactory(phone="+12065550199", email="", starts_at=NOW - datetime.timedelta(days=9))
    someone_else = ConsultationFactory(email="other@example.com", starts_at=NOW - datetime.timedelta(days=2))
    request = privacy_request_create(
        kind=PrivacyRequest.Kind.DELETE, full_name="Sam Lee", email="SAM@example.com", phone="+12065550199"
    )
    assert set(privacy_request_matches(privacy_request=request)) == {mine, by_phone}
    with time_machine.travel(NOW, tick=False):
        assert privacy_request_complete(privacy_request=request) == 2
    request.refresh_from_db()
    assert request.status == PrivacyRequest.Status.COMPLETED
    assert request.completed_at == NOW
    assert Consultation.objects.get(pk=someone_else.pk).erased_at is None
    assert Consultation.objects.filter(pk__in=[mine.pk, by_phone.pk], erased_at=NOW).count() == 2


def test_completing_an_access_request_erases_nothing():
    call = ConsultationFactory(email="sam@example.com")
    request = privacy_request_create(kind=PrivacyRequest.Kind.ACCESS, full_name="Sam Lee", email="sam@example.com")
    assert privacy_request_complete(privacy_request=request) == 0
    call.refresh_from_db()
    assert call.erased_at is None


def test_answered_privacy_requests_lose_the_askers_details_after_the_retention_period():
    ConsultationSettingsFactory(retention_days=180)
    request = privacy_request_create(kind=PrivacyRequest.Kind.ACCESS, full_name="Sam Lee", email="sam@example.com")
    with time_machine.travel(NOW - datetime.timedelta(days=181), tick=False):
        privacy_request_complete(privacy_request=request)
    still_open = privacy_request_create(kind=PrivacyRequest.Kind.ACCESS, full_name="Kim Doe", email="kim@example.com")
    with time_machine.travel(NOW, tick=False):
        assert privacy_requests_erase_expired() == 1
    request.refresh_from_db()
    still_open.refresh_from_db()
    assert (request.full_name, request.email) == ("", "")
    assert request.kind == PrivacyRequest.Kind.ACCESS
    assert still_open.full_name == "Kim Doe"


def test_the_retention_sweep_removes_expired_sessions():
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    with time_machine.travel(NOW - datetime.timedelta(days=30), tick=False):
        old = SessionStore()
        old["consultation_tokens"] = ["a-booking-link"]
        old.set_expiry(60)
        old.create()
    with time_machine.travel(NOW, tick=False):
        current = SessionStore()
        current.create()
        consultations_erase_expired()
    assert list(Session.objects.values_list("session_key", flat=True)) == [current.session_key]


def test_the_front_desk_hears_of_a_new_request_without_the_persons_details(
    site_settings, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), time_machine.travel(NOW, tick=False):
        request = privacy_request_create(
            kind=PrivacyRequest.Kind.DELETE, full_name="Sam Lee", email="sam@example.com", details="Booked in May"
        )
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [site_settings.front_desk_email]
    assert message.subject == f"Privacy request {request.reference}: answer by July 16"
    assert "Delete my data" in message.body
    assert f"/consultations/privacyrequest/{request.pk}/change/" in message.body
    for detail in ("Sam", "sam@example.com", "Booked in May"):
        assert detail not in message.body


def test_the_request_alert_waits_in_the_outbox_when_the_broker_is_down(
    site_settings, django_capture_on_commit_callbacks
):
    from unittest import mock

    from kombu.exceptions import OperationalError as BrokerDown

    from consultations.outbox.tasks import send_notifications

    with (
        mock.patch.object(send_notifications, "delay", side_effect=BrokerDown("redis is down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        request = privacy_request_create(kind=PrivacyRequest.Kind.ACCESS, full_name="Sam Lee", email="s@example.com")

    alert = Notification.objects.get(privacy_request=request)
    assert alert.event == Notification.Event.PRIVACY_REQUEST
    assert alert.status == Notification.Status.PENDING
    assert alert.to_email == site_settings.front_desk_email


def test_a_repeated_alert_for_one_request_is_written_once(site_settings):
    from consultations.outbox.services import privacy_request_alert_record

    request = privacy_request_create(kind=PrivacyRequest.Kind.ACCESS, full_name="Sam Lee", email="s@example.com")
    privacy_request_alert_record(privacy_request=request)

    assert Notification.objects.filter(privacy_request=request).count() == 1


def test_requests_left_unanswered_are_closed_and_purged_after_the_deadline_and_its_margin():
    ConsultationSettingsFactory(retention_days=180)
    arrived = NOW - datetime.timedelta(days=UNANSWERED_PRIVACY_REQUEST_DAYS + 1)
    with time_machine.travel(arrived, tick=False):
        stale = privacy_request_create(
            kind=PrivacyRequest.Kind.DELETE, full_name="Sam Lee", email="sam@example.com", phone="+12065550123"
        )
        verifying = privacy_request_start_verifying(
            privacy_request=privacy_request_create(kind=PrivacyRequest.Kind.ACCESS, full_name="Kim Doe", details="x")
        )
    with time_machine.travel(NOW - datetime.timedelta(days=UNANSWERED_PRIVACY_REQUEST_DAYS - 1), tick=False):
        recent = privacy_request_create(kind=PrivacyRequest.Kind.ACCESS, full_name="Lee Park", email="l@example.com")

    with time_machine.travel(NOW, tick=False):
        consultations_erase_expired()

    for purged in (stale, verifying):
        purged.refresh_from_db()
        assert (purged.full_name, purged.email, str(purged.phone or ""), purged.details) == ("", "", "", "")
        assert purged.status == PrivacyRequest.Status.DECLINED
        assert purged.completed_at == NOW
        assert "Never verified or answered" in purged.staff_notes
    recent.refresh_from_db()
    assert (recent.full_name, recent.status) == ("Lee Park", PrivacyRequest.Status.RECEIVED)
    # The deadline and the extension the law allows both pass before anything is purged.
    assert UNANSWERED_PRIVACY_REQUEST_DAYS > 2 * PRIVACY_REQUEST_DAYS
