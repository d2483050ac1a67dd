import datetime

import pytest
from django.db import IntegrityError, transaction

from consultations.booking import services
from consultations.models import Consultation, Notification
from consultations.scheduling.selectors import Slot
from consultations.timefmt import PRACTICE_TZ
from tests.consultations.factories import ClinicianFactory, ConsultationFactory, ConsultationHoursFactory, pt
from tests.pages.factories import PageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sunday_march_1")]

Status = Consultation.Status


@pytest.fixture
def recorded(monkeypatch):
    """The events the services report to the outbox, in order."""
    events = []
    monkeypatch.setattr(
        "consultations.booking.services.notifications_record",
        lambda *, consultation, event: events.append((consultation.reference, event)),
    )
    return events


def monday_hours(clinician, start=10, end=11):
    return ConsultationHoursFactory(
        clinician=clinician, weekday=0, starts_at=datetime.time(start), ends_at=datetime.time(end)
    )


def unsaved(**overrides):
    fields = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "phone": "+12065550123",
        "email": "ada@example.com",
        "state_of_residence": "WA",
        "service": Consultation.Service.INDIVIDUAL,
        "session_format": Consultation.Format.ONLINE,
    } | overrides
    return Consultation(**fields)


def test_booking_saves_the_call_with_consent_and_reports_it(recorded):
    PageFactory(slug="privacy", title="Privacy")
    clinician = ClinicianFactory()
    monday_hours(clinician)
    booked = services.consultation_book(consultation=unsaved(), starts_at=pt(2026, 3, 2, 10, 15), form_token="t1")
    booked.refresh_from_db()
    assert booked.clinician == clinician
    assert booked.status == Status.CONFIRMED
    assert booked.starts_at == pt(2026, 3, 2, 10, 15)
    assert booked.consented_at == pt(2026, 3, 1, 8, 0)
    assert booked.consent_policy_version == datetime.datetime.now(tz=PRACTICE_TZ).date().isoformat()
    assert str(booked.phone) == "+12065550123"
    assert recorded == [(booked.reference, Notification.Event.BOOKED)]


def test_first_available_goes_to_the_clinician_with_fewest_upcoming_calls(recorded):
    busy, free = ClinicianFactory(display_order=1), ClinicianFactory(display_order=2)
    for clinician in (busy, free):
        monday_hours(clinician, 10, 12)
    ConsultationFactory(clinician=busy, starts_at=pt(2026, 3, 2, 11, 30))
    # Past and cancelled calls don't count.
    ConsultationFactory(clinician=free, starts_at=pt(2026, 2, 23, 10, 0))
    ConsultationFactory(clinician=free, starts_at=pt(2026, 2, 24, 10, 0))
    ConsultationFactory(clinician=free, starts_at=pt(2026, 3, 2, 11, 0), status=Status.CANCELLED)
    booked = services.consultation_book(consultation=unsaved(), starts_at=pt(2026, 3, 2, 10, 0))
    assert booked.clinician == free


def test_first_available_falls_through_when_the_first_choice_was_just_taken(recorded, monkeypatch):
    first, second = ClinicianFactory(display_order=1), ClinicianFactory(display_order=2)
    for clinician in (first, second):
        monday_hours(clinician)
    # Someone books `first` at this time between our availability check and our insert.
    real_candidates = services.clinicians_by_fewest_upcoming

    def candidates_then_a_rival(**kwargs):
        found = real_candidates(**kwargs)
        ConsultationFactory(clinician=first, starts_at=pt(2026, 3, 2, 10, 0), phone="+12065550199")
        return found

    monkeypatch.setattr(services, "clinicians_by_fewest_upcoming", candidates_then_a_rival)
    booked = services.consultation_book(consultation=unsaved(), starts_at=pt(2026, 3, 2, 10, 0))
    assert booked.clinician == second
    assert Consultation.objects.filter(starts_at=pt(2026, 3, 2, 10, 0)).count() == 2


def test_a_slot_taken_meanwhile_by_everyone_is_refused_as_just_taken(recorded, monkeypatch):
    clinician = ClinicianFactory()
    monday_hours(clinician)
    monkeypatch.setattr(
        "consultations.booking.services.slot_lookup",
        lambda **kwargs: Slot(starts_at=kwargs["starts_at"], clinician_ids=(clinician.pk,)),
    )
    ConsultationFactory(clinician=clinician, starts_at=pt(2026, 3, 2, 10, 0))
    with pytest.raises(services.SlotUnavailable) as refused:
        services.consultation_book(consultation=unsaved(), starts_at=pt(2026, 3, 2, 10, 0))
    assert refused.value.just_taken
    assert recorded == []


@pytest.mark.parametrize(
    "starts_at",
    [pt(2026, 2, 23, 10, 0), pt(2026, 3, 2, 10, 5), pt(2026, 3, 2, 13, 0), pt(2026, 4, 27, 10, 0)],
    ids=["past", "misaligned", "outside-hours", "beyond-horizon"],
)
def test_times_that_are_not_open_are_refused(recorded, starts_at):
    monday_hours(ClinicianFactory())
    with pytest.raises(services.SlotUnavailable) as refused:
        services.consultation_book(consultation=unsaved(), starts_at=starts_at)
    assert not refused.value.just_taken
    assert not Consultation.objects.exists()


@pytest.mark.parametrize(
    "sent_again_for",
    [pt(2026, 3, 2, 10, 15), pt(2026, 3, 2, 10, 0)],
    ids=["another-open-time", "its-own-time-now-closed"],
)
def test_the_same_form_token_returns_the_first_booking(recorded, sent_again_for):
    monday_hours(ClinicianFactory())
    first = services.consultation_book(consultation=unsaved(), starts_at=pt(2026, 3, 2, 10, 0), form_token="same")
    again = services.consultation_book(consultation=unsaved(), starts_at=sent_again_for, form_token="same")
    assert again.pk == first.pk
    assert Consultation.objects.count() == 1
    assert len(recorded) == 1


def test_the_same_form_sent_again_by_the_browser_that_booked_returns_the_booking_not_the_offer_to_move(recorded):
    monday_hours(ClinicianFactory())
    first = services.consultation_book(consultation=unsaved(), starts_at=pt(2026, 3, 2, 10, 0), form_token="same")
    again = services.consultation_book(
        consultation=unsaved(), starts_at=pt(2026, 3, 2, 10, 15), form_token="same", own_booking_ids=[first.pk]
    )
    assert again.pk == first.pk
    assert Consultation.objects.count() == 1


def test_the_same_form_sent_again_while_another_clinician_is_free_then_books_nothing_more(recorded):
    monday_hours(ClinicianFactory())
    monday_hours(ClinicianFactory())
    first = services.consultation_book(consultation=unsaved(), starts_at=pt(2026, 3, 2, 10, 0), form_token="same")
    again = services.consultation_book(consultation=unsaved(), starts_at=pt(2026, 3, 2, 10, 0), form_token="same")
    assert again.pk == first.pk
    assert Consultation.objects.get().possible_duplicate_of is None
    assert len(recorded) == 1


@pytest.fixture(params=["phone", "email"])
def same_person(request):
    """An upcoming call, and a new booking's details that share its phone number or its email address."""
    clinician = ClinicianFactory()
    monday_hours(clinician)
    existing = ConsultationFactory(
        clinician=clinician, starts_at=pt(2026, 3, 2, 10, 0), phone="+12065550123", email="ada@example.com"
    )
    other = {"phone": "+12065550100"} if request.param == "email" else {"email": "someone@example.com"}
    return existing, unsaved(**other)


def test_the_browser_that_booked_an_upcoming_call_is_offered_that_call(recorded, same_person):
    existing, details = same_person
    with pytest.raises(services.AlreadyBooked) as refused:
        services.consultation_book(
            consultation=details, starts_at=pt(2026, 3, 2, 10, 30), own_booking_ids=[existing.pk]
        )
    assert refused.value.consultation == existing
    assert Consultation.objects.count() == 1


def test_anyone_else_with_the_same_details_books_and_both_calls_are_flagged(recorded, same_person):
    existing, details = same_person
    booked = services.consultation_book(consultation=details, starts_at=pt(2026, 3, 2, 10, 30), own_booking_ids=[])
    existing.refresh_from_db()
    assert booked.possible_duplicate_of == existing
    assert existing.possible_duplicate_of == booked


def test_a_closed_time_is_refused_before_the_contact_details_are_looked_at(recorded):
    clinician = ClinicianFactory()
    monday_hours(clinician)
    existing = ConsultationFactory(clinician=clinician, starts_at=pt(2026, 3, 2, 10, 0), phone="+12065550123")
    # Even the browser that made the booking hears only that the time is closed.
    with pytest.raises(services.SlotUnavailable):
        services.consultation_book(
            consultation=unsaved(), starts_at=pt(2026, 2, 23, 10, 0), own_booking_ids=[existing.pk]
        )


def test_a_callback_request_with_the_same_details_is_flagged_too(recorded):
    clinician = ClinicianFactory()
    monday_hours(clinician)
    existing = ConsultationFactory(clinician=clinician, starts_at=pt(2026, 3, 2, 10, 0), phone="+12065550123")
    request = services.callback_request_create(consultation=unsaved(email="new@example.com"))
    assert request.possible_duplicate_of == existing


def test_a_cancelled_or_past_call_does_not_block_booking_again(recorded):
    clinician = ClinicianFactory()
    monday_hours(clinician)
    ConsultationFactory(clinician=clinician, starts_at=pt(2026, 3, 2, 10, 0), phone="+12065550123", status="cancelled")
    ConsultationFactory(clinician=clinician, starts_at=pt(2026, 2, 23, 10, 0), phone="+12065550123")
    assert services.consultation_book(consultation=unsaved(), starts_at=pt(2026, 3, 2, 10, 0)).pk


def test_callback_request_is_saved_without_a_time(recorded):
    clinician = ClinicianFactory()
    request = services.callback_request_create(
        consultation=unsaved(preferred_days="Monday"), clinician=clinician, form_token="cb"
    )
    request.refresh_from_db()
    assert request.starts_at is None
    assert request.status == Status.NEW
    assert request.clinician == clinician
    assert request.consented_at is not None
    assert request.booked_via == Consultation.BookedVia.CALLBACK
    assert recorded == [(request.reference, Notification.Event.CALLBACK_REQUESTED)]
    assert services.callback_request_create(consultation=unsaved(), form_token="cb").pk == request.pk


def test_client_cancel_frees_the_slot_and_cannot_be_repeated(recorded):
    clinician = ClinicianFactory()
    monday_hours(clinician)
    booked = services.consultation_book(consultation=unsaved(), starts_at=pt(2026, 3, 2, 10, 0))
    services.consultation_cancel(consultation=booked)
    assert booked.status == Status.CANCELLED
    assert booked.cancelled_at is not None
    assert (booked.booked_via, booked.cancelled_by) == ("online", "client")
    with pytest.raises(services.NotChangeable):
        services.consultation_cancel(consultation=booked)
    assert recorded[-1] == (booked.reference, Notification.Event.CANCELLED)
    assert services.consultation_book(
        consultation=unsaved(phone="+12065550100", email=""), starts_at=pt(2026, 3, 2, 10, 0)
    )


def test_client_cannot_cancel_once_the_call_has_started(recorded):
    booked = ConsultationFactory(starts_at=pt(2026, 3, 1, 7, 50))
    with pytest.raises(services.NotChangeable):
        services.consultation_cancel(consultation=booked)
    booked.refresh_from_db()
    assert booked.status == Status.CONFIRMED


def test_practice_cancel_reports_a_practice_cancellation(recorded):
    booked = ConsultationFactory(starts_at=pt(2026, 3, 2, 10, 0), status=Status.CALLED)
    services.consultation_cancel(consultation=booked, by_practice=True)
    assert recorded == [(booked.reference, Notification.Event.PRACTICE_CANCELLED)]
    booked.refresh_from_db()
    assert booked.cancelled_by == Consultation.CancelledBy.PRACTICE


def test_reschedule_takes_the_new_time_and_releases_the_old_one(recorded):
    clinician = ClinicianFactory()
    monday_hours(clinician)
    booked = services.consultation_book(consultation=unsaved(), starts_at=pt(2026, 3, 2, 10, 0))
    services.consultation_reschedule(
        consultation=booked, starts_at=pt(2026, 3, 9, 10, 30), expected_starts_at=booked.starts_at
    )
    assert booked.starts_at == pt(2026, 3, 9, 10, 30)
    assert recorded[-1] == (booked.reference, Notification.Event.RESCHEDULED)
    # The old time is open for someone else right away.
    other = services.consultation_book(
        consultation=unsaved(phone="+12065550100", email=""), starts_at=pt(2026, 3, 2, 10, 0)
    )
    assert other.clinician == clinician


def test_reschedule_with_a_used_link_does_not_move_the_call_twice(recorded):
    clinician = ClinicianFactory()
    monday_hours(clinician)
    booked = services.consultation_book(consultation=unsaved(), starts_at=pt(2026, 3, 2, 10, 0))
    original = booked.starts_at
    services.consultation_reschedule(consultation=booked, starts_at=pt(2026, 3, 2, 10, 30), expected_starts_at=original)
    with pytest.raises(services.AlreadyChanged):
        services.consultation_reschedule(
            consultation=booked, starts_at=pt(2026, 3, 2, 10, 45), expected_starts_at=original
        )
    booked.refresh_from_db()
    assert booked.starts_at == pt(2026, 3, 2, 10, 30)


def test_reschedule_to_a_taken_time_is_refused_and_keeps_the_old_time(recorded):
    clinician = ClinicianFactory()
    monday_hours(clinician)
    booked = services.consultation_book(consultation=unsaved(), starts_at=pt(2026, 3, 2, 10, 0))
    ConsultationFactory(clinician=clinician, starts_at=pt(2026, 3, 2, 10, 30))
    with pytest.raises(services.SlotUnavailable):
        services.consultation_reschedule(
            consultation=booked, starts_at=pt(2026, 3, 2, 10, 30), expected_starts_at=booked.starts_at
        )
    booked.refresh_from_db()
    assert booked.starts_at == pt(2026, 3, 2, 10, 0)


def test_a_cancelled_call_cannot_be_rescheduled(recorded):
    clinician = ClinicianFactory()
    monday_hours(clinician)
    booked = ConsultationFactory(clinician=clinician, starts_at=pt(2026, 3, 2, 10, 0), status=Status.CANCELLED)
    with pytest.raises(services.NotChangeable):
        services.consultation_reschedule(
            consultation=booked, starts_at=pt(2026, 3, 2, 10, 30), expected_starts_at=booked.starts_at
        )


def test_practice_can_reassign_a_call_to_a_free_colleague(recorded):
    first, second = ClinicianFactory(), ClinicianFactory()
    monday_hours(first)
    monday_hours(second)
    booked = ConsultationFactory(clinician=first, starts_at=pt(2026, 3, 2, 10, 0))
    services.consultation_move(
        consultation=booked, clinician=second, starts_at=booked.starts_at, expected_starts_at=booked.starts_at
    )
    assert booked.clinician == second
    assert recorded == [(booked.reference, Notification.Event.PRACTICE_MOVED)]


def test_practice_cannot_reassign_to_a_colleague_who_is_busy_then(recorded):
    first, second = ClinicianFactory(), ClinicianFactory()
    monday_hours(first)
    monday_hours(second)
    booked = ConsultationFactory(clinician=first, starts_at=pt(2026, 3, 2, 10, 0))
    ConsultationFactory(clinician=second, starts_at=pt(2026, 3, 2, 10, 0))
    with pytest.raises(services.SlotUnavailable):
        services.consultation_move(
            consultation=booked, clinician=second, starts_at=booked.starts_at, expected_starts_at=booked.starts_at
        )
    booked.refresh_from_db()
    assert booked.clinician == first


def test_practice_giving_a_callback_request_a_time_confirms_it(recorded):
    clinician = ClinicianFactory()
    monday_hours(clinician)
    request = ConsultationFactory(clinician=None, starts_at=None, status=Status.NEW)
    services.consultation_move(
        consultation=request, clinician=clinician, starts_at=pt(2026, 3, 2, 10, 0), expected_starts_at=None
    )
    assert request.status == Status.CONFIRMED
    assert request.starts_at == pt(2026, 3, 2, 10, 0)


def test_status_changes_apply_only_from_the_states_they_follow():
    confirmed = ConsultationFactory(starts_at=pt(2026, 3, 2, 10, 0))
    cancelled = ConsultationFactory(starts_at=pt(2026, 3, 2, 10, 15), status=Status.CANCELLED)
    completed = ConsultationFactory(starts_at=pt(2026, 3, 2, 10, 30), status=Status.COMPLETED)
    changed = services.consultations_status_set(queryset=Consultation.objects.all(), status=Status.CALLED)
    assert changed == 1
    assert [c.status for c in Consultation.objects.order_by("starts_at")] == [
        Status.CALLED,
        Status.CANCELLED,
        Status.COMPLETED,
    ]
    assert confirmed.pk and cancelled.pk and completed.pk


def test_a_status_change_from_a_stale_page_does_nothing():
    call = ConsultationFactory(starts_at=pt(2026, 3, 2, 10, 0), status=Status.NO_ANSWER)
    # The page was loaded while the call was "confirmed"; someone has since marked it "no answer".
    changed = services.consultations_status_set(
        queryset=Consultation.objects.filter(pk=call.pk), status=Status.COMPLETED, expected_status=Status.CONFIRMED
    )
    assert changed == 0
    call.refresh_from_db()
    assert call.status == Status.NO_ANSWER


def test_the_database_refuses_two_active_bookings_for_one_clinician_and_time():
    first = ConsultationFactory(starts_at=pt(2026, 3, 2, 10, 0))
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsultationFactory(clinician=first.clinician, starts_at=first.starts_at)
    # A cancelled booking leaves the time free for a new one.
    first.status = Status.CANCELLED
    first.save()
    assert ConsultationFactory(clinician=first.clinician, starts_at=first.starts_at).pk
