import csv
import io

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from consultations.models import Consultation, ConsultationSettings, TimeOff
from consultations.privacy.services import consultation_personal_data
from consultations.timefmt import PRACTICE_TZ
from tests.clinicians.factories import StaffUserFactory, clinician_user, front_desk_user
from tests.consultations.admin_pages import admin_url
from tests.consultations.factories import ConsultationFactory, TimeOffFactory, pt
from tests.responses import assert_page
from thrive.spreadsheets import csv_safe

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("monday_morning")]

Status = Consultation.Status


def change_data(consultation, **overrides):
    local = consultation.starts_at.astimezone(PRACTICE_TZ) if consultation.starts_at else None
    data = {
        "status": consultation.status,
        "clinician": consultation.clinician_id or "",
        "starts_at_0": local.strftime("%Y-%m-%d") if local else "",
        "starts_at_1": local.strftime("%H:%M:%S") if local else "",
        "first_name": consultation.first_name,
        "last_name": consultation.last_name,
        "preferred_name": consultation.preferred_name,
        "phone": str(consultation.phone),
        "email": consultation.email,
        "voicemail_ok": "on" if consultation.voicemail_ok else "",
        "service": consultation.service,
        "session_format": consultation.session_format,
        "state_of_residence": consultation.state_of_residence,
        "note": consultation.note,
        "heard_about": consultation.heard_about,
        "internal_notes": consultation.internal_notes,
        "notifications-TOTAL_FORMS": "0",
        "notifications-INITIAL_FORMS": "0",
        "notifications-MIN_NUM_FORMS": "0",
        "notifications-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_queue_lists_calls_with_status_time_clinician_and_reference(desk, mari):
    call = ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 0), first_name="Ada", last_name="Lovelace")
    html = desk.get(admin_url("changelist")).content.decode()
    for text in ("Monday, March 2, 10:00 AM", "Confirmed", "Maricor Coquia", call.reference, "Ada Lovelace"):
        assert text in html


def test_todays_calls_view_shows_only_today(desk, mari):
    today = ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 0))
    tomorrow = ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 3, 10, 0))
    response = desk.get(admin_url("today"), follow=True)
    html = response.content.decode()
    assert today.reference in html
    assert tomorrow.reference not in html


def test_search_finds_a_phone_typed_as_people_read_it(desk, mari):
    call = ConsultationFactory(clinician=mari, phone="+12065550123")
    other = ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 30), phone="+12065550188")
    html = desk.get(admin_url("changelist"), {"q": "(206) 555-0123"}).content.decode()
    assert call.reference in html
    assert other.reference not in html


def test_bulk_mark_called_skips_calls_in_the_wrong_state(desk, mari):
    confirmed = ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 0))
    cancelled = ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 15), status=Status.CANCELLED)
    response = desk.post(
        admin_url("changelist"),
        {"action": "mark_called", "_selected_action": [confirmed.pk, cancelled.pk]},
        follow=True,
    )
    confirmed.refresh_from_db()
    cancelled.refresh_from_db()
    assert confirmed.status == Status.CALLED
    assert cancelled.status == Status.CANCELLED
    assert "Left 1 unchanged" in response.content.decode()


def test_csv_export_escapes_formulas(desk, mari):
    ConsultationFactory(clinician=mari, first_name='=HYPERLINK("http://evil")', note="@SUM(A1)", last_name="-2+3")
    response = desk.post(
        admin_url("changelist"),
        {"action": "export_csv", "_selected_action": list(Consultation.objects.values_list("pk", flat=True))},
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header, row = rows[0], rows[1]
    record = dict(zip(header, row, strict=True))
    assert record["First name"] == '\'=HYPERLINK("http://evil")'
    assert record["Note"] == "'@SUM(A1)"
    assert record["Last name"] == "'-2+3"
    assert record["Phone"].startswith("'+1206")
    assert record["When (Pacific Time)"] == "2026-03-02 10:00"


def test_csv_export_is_recorded_in_each_exported_consultation_s_audit_history(client, mari):
    exporter = front_desk_user()
    client.force_login(exporter)
    exported = ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 0))
    left_out = ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 15))
    response = client.post(admin_url("changelist"), {"action": "export_csv", "_selected_action": [exported.pk]})
    assert response.status_code == 200
    [entry] = LogEntry.objects.get_for_object(exported).filter(action=LogEntry.Action.ACCESS)
    assert entry.actor == exporter
    # The autouse fixture's clock: Monday 2 March, 7 AM Pacific.
    assert entry.timestamp == pt(2026, 3, 2, 7, 0)
    assert entry.additional_data == {"exported": "CSV"}
    assert not LogEntry.objects.get_for_object(left_out).filter(action=LogEntry.Action.ACCESS).exists()
    # The client sees it in what we hold about them.
    history = consultation_personal_data(consultation=exported)["history"]
    assert "Exported by our staff" in [item["what"] for item in history]


def test_csv_safe_leaves_ordinary_text_alone():
    assert csv_safe("Ada") == "Ada"
    assert csv_safe(None) == ""
    assert csv_safe("\t=1") == "'\t=1"


def phone_in_data(**overrides):
    """The add form as the front desk fills it in for Grace Hopper on the phone (a new call has no status field)."""
    caller = ConsultationFactory.build(
        clinician=None, starts_at=None, first_name="Grace", last_name="Hopper", email="", session_format="in_person"
    )
    data = change_data(caller, **overrides)
    data.pop("status")
    return data


def test_staff_book_a_caller_into_an_open_time(desk, mari):
    data = phone_in_data(
        clinician="",
        slot="20260303T1830Z",
        caller_consented="on",
    )
    response = desk.post(admin_url("add"), data)
    assert response.status_code == 302, response.content.decode()
    call = Consultation.objects.get()
    assert call.clinician == mari
    assert call.starts_at == pt(2026, 3, 3, 10, 30)
    assert call.status == Status.CONFIRMED
    assert call.consented_at is not None
    assert call.booked_via == Consultation.BookedVia.FRONT_DESK


def test_staff_booking_needs_an_open_time_and_the_callers_consent(desk, mari):
    data = phone_in_data(
        clinician=mari.pk,
        slot="20260303T2100Z",
    )
    response = desk.post(admin_url("add"), data)
    assert_page(
        response,
        says=[
            "That time isn",
            "Nearest open times: Tuesday, March 3, 11:15 AM Pacific Time",
            "Ask the caller for their consent",
        ],
    )
    assert not Consultation.objects.exists()


def test_staff_booking_without_a_time_is_a_callback_request(desk, mari):
    data = phone_in_data(
        caller_consented="on",
    )
    assert desk.post(admin_url("add"), data).status_code == 302
    assert Consultation.objects.get().is_callback_request


def test_reassigning_to_a_busy_clinician_is_refused(desk, mari, colleague):
    call = ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 0))
    ConsultationFactory(clinician=colleague, starts_at=pt(2026, 3, 2, 10, 0))
    response = desk.post(admin_url("change", call), change_data(call, clinician=colleague.pk))
    assert response.status_code == 200
    assert "That time isn" in response.content.decode()
    call.refresh_from_db()
    assert call.clinician == mari


def test_reassigning_to_a_free_clinician_moves_the_call(desk, mari, colleague):
    call = ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 0))
    response = desk.post(
        admin_url("change", call), change_data(call, clinician=colleague.pk, internal_notes="Mari is out sick")
    )
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.clinician == colleague
    assert call.internal_notes == "Mari is out sick"


def test_a_status_change_from_a_stale_form_is_not_applied(desk, mari):
    call = ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 0))
    page = desk.get(admin_url("change", call))
    assert page.status_code == 200
    # A colleague cancels the call while this form is open.
    Consultation.objects.filter(pk=call.pk).update(status=Status.CANCELLED)
    desk.post(admin_url("change", call), change_data(call, status=Status.CALLED, loaded_status=Status.CONFIRMED))
    call.refresh_from_db()
    assert call.status == Status.CANCELLED


def test_an_edit_that_cannot_be_applied_changes_nothing_and_says_so(desk, mari):
    call = ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 0), internal_notes="")
    loaded = change_data(call, status=Status.COMPLETED, loaded_status=Status.CONFIRMED)
    # Meanwhile a colleague marks it "not a fit", from which "completed" may not follow.
    Consultation.objects.filter(pk=call.pk).update(status=Status.NOT_A_FIT)
    response = desk.post(admin_url("change", call), loaded | {"internal_notes": "Left a voicemail"}, follow=True)
    call.refresh_from_db()
    assert call.status == Status.NOT_A_FIT
    assert call.internal_notes == ""
    assert f"{call.reference} was not changed" in response.content.decode()


def test_an_unrelated_save_from_a_stale_form_keeps_a_colleagues_changes(desk, mari):
    call = ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 0))
    loaded = change_data(call, loaded_status=Status.CONFIRMED, loaded_schedule=f"{mari.pk}@20260302T1800Z")
    # Meanwhile a colleague marks it called and moves it to 11:00.
    Consultation.objects.filter(pk=call.pk).update(status=Status.CALLED, starts_at=pt(2026, 3, 2, 11, 0))
    response = desk.post(admin_url("change", call), loaded | {"internal_notes": "Prefers texts first"})
    assert response.status_code == 302
    call.refresh_from_db()
    assert (call.status, call.starts_at) == (Status.CALLED, pt(2026, 3, 2, 11, 0))
    assert call.internal_notes == "Prefers texts first"


def test_moving_a_call_in_the_admin_uses_the_time_it_had_when_loaded(desk, mari):
    call = ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 0))
    response = desk.post(admin_url("change", call), change_data(call, starts_at_1="11:30:00"))
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.starts_at == pt(2026, 3, 2, 11, 30)


def test_an_impossible_status_change_is_explained(desk, mari):
    call = ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 0), status=Status.CANCELLED)
    response = desk.post(admin_url("change", call), change_data(call, status=Status.CONFIRMED))
    assert "go from “Cancelled” to “Confirmed”" in response.content.decode()


def test_staff_cancel_records_a_practice_cancellation(desk, mari, monkeypatch):
    events = []
    monkeypatch.setattr("consultations.booking.services.notifications_record", lambda **kw: events.append(kw["event"]))
    call = ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 0))
    desk.post(admin_url("change", call), change_data(call, status=Status.CANCELLED))
    call.refresh_from_db()
    assert call.status == Status.CANCELLED
    assert events == ["practice_cancelled"]


def test_clinicians_see_and_change_only_their_own_calls(client, mari):
    client.force_login(clinician_user(mari))
    own = ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 0))
    theirs = ConsultationFactory(starts_at=pt(2026, 3, 2, 10, 0))
    html = client.get(admin_url("changelist")).content.decode()
    assert own.reference in html
    assert theirs.reference not in html
    assert client.get(admin_url("change", theirs)).status_code == 404
    client.post(admin_url("changelist"), {"action": "mark_called", "_selected_action": [own.pk, theirs.pk]})
    theirs.refresh_from_db()
    assert theirs.status == Status.CONFIRMED


def test_clinicians_manage_only_their_own_hours_and_time_off(client, mari):
    client.force_login(clinician_user(mari))
    TimeOffFactory(clinician=None, reason="Thanksgiving")
    TimeOffFactory(reason="Someone else's holiday")
    html = client.get(reverse("admin:consultations_timeoff_changelist")).content.decode()
    assert "Thanksgiving" not in html
    assert "Someone else" not in html
    response = client.post(
        reverse("admin:consultations_timeoff_add"),
        {"clinician": "", "starts_on": "2026-03-10", "ends_on": "2026-03-11", "reason": "Away"},
    )
    assert response.status_code == 200  # a clinician can't close the whole practice
    assert not TimeOff.objects.filter(reason="Away").exists()


def test_settings_open_straight_at_the_single_record(desk):
    response = desk.get(reverse("admin:consultations_consultationsettings_changelist"))
    assert response.status_code == 200
    assert 'name="call_minutes"' in response.content.decode()
    assert ConsultationSettings.objects.count() == 1


def test_consultation_page_includes_the_outbox(client, mari):
    client.force_login(StaffUserFactory(is_superuser=True))
    call = ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 0))
    html = client.get(admin_url("change", call)).content.decode()
    assert "notifications-TOTAL_FORMS" in html
    assert "Open the page the client sees" in html


def test_hours_that_end_before_they_start_are_explained(desk, mari):
    response = desk.post(
        reverse("admin:consultations_consultationhours_add"),
        {"clinician": mari.pk, "weekday": 2, "starts_at": "15:00", "ends_at": "09:00"},
    )
    assert_page(response, says=["The end must be later than the start."], leaves_out=["Constraint"])


def test_the_queue_links_to_todays_calls(desk):
    html = desk.get(admin_url("changelist")).content.decode()
    assert f'href="{admin_url("day")}"' in html


def test_the_front_desk_sees_and_filters_possible_duplicates(desk, mari):
    first = ConsultationFactory(clinician=mari, phone="+12065550123")
    second = ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 10, 30), phone="+12065550123")
    Consultation.objects.filter(pk=first.pk).update(possible_duplicate_of=second)
    Consultation.objects.filter(pk=second.pk).update(possible_duplicate_of=first)
    lonely = ConsultationFactory(clinician=mari, starts_at=pt(2026, 3, 2, 11, 0))
    html = desk.get(admin_url("change", second)).content.decode()
    assert f'<a href="{admin_url("change", first)}">{first.reference}</a>' in html
    listed = desk.get(admin_url("changelist"), {"duplicate": "yes"}).content.decode()
    assert first.reference in listed and second.reference in listed
    assert lonely.reference not in listed
