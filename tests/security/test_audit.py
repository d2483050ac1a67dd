"""The audit trail: who changed what and when, and who opened contact details, with personal values masked."""

import datetime
from html.parser import HTMLParser

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from pages.models import Page
from tests.clinicians.factories import ClinicianFactory, front_desk_user
from tests.consultations.factories import ConsultationFactory
from tests.pages.factories import PageFactory

pytestmark = pytest.mark.django_db


class FormValues(HTMLParser):
    """The values a browser would submit from the page's forms, as it was rendered."""

    def __init__(self):
        super().__init__()
        self.values = {}
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        name = attributes.get("name")
        if tag == "input" and name and attributes.get("type") not in ("submit", "button", "file"):
            if attributes.get("type") in ("checkbox", "radio") and "checked" not in attributes:
                return
            self.values[name] = attributes.get("value", "on")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""
        elif tag == "select" and name:
            self._select = name
            self.values.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attributes:
            self.values[self._select] = attributes.get("value", "")

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def form_values(html):
    parser = FormValues()
    parser.feed(html)
    return parser.values


@pytest.fixture
def front_desk_client(client):
    user = front_desk_user()
    client.force_login(user)
    client.user = user
    return client


def test_a_change_to_a_consultation_is_recorded_with_personal_values_masked():
    consultation = ConsultationFactory(first_name="Robin", email="robin@example.com")
    consultation.first_name = "Robyn"
    consultation.email = "robyn@example.com"
    consultation.status = "called"
    consultation.save()
    entry = LogEntry.objects.get_for_object(consultation).filter(action=LogEntry.Action.UPDATE).get()
    changes = entry.changes_dict
    assert changes["first_name"] == ["[hidden]", "[hidden]"]
    assert changes["email"] == ["[hidden]", "[hidden]"]
    assert changes["status"] == ["confirmed", "called"]
    everything = str(list(LogEntry.objects.get_for_object(consultation).values()))
    for secret in ("Robin", "Robyn", "robin@example.com", "robyn@example.com"):
        assert secret not in everything


def test_changes_to_clinicians_and_pages_are_recorded():
    clinician = ClinicianFactory(accepting_new_clients=True)
    clinician.accepting_new_clients = False
    clinician.save()
    page = PageFactory(title="Fees")
    page.title = "Fees and insurance"
    page.save()
    assert LogEntry.objects.get_for_object(clinician).filter(action=LogEntry.Action.UPDATE).exists()
    page_change = LogEntry.objects.get_for_object(page).get(action=LogEntry.Action.UPDATE)
    assert page_change.changes_dict["title"] == ["Fees", "Fees and insurance"]
    assert isinstance(page, Page)


def test_a_change_made_through_the_admin_records_who_made_it(front_desk_client):
    consultation = ConsultationFactory(internal_notes="")
    url = reverse("admin:consultations_consultation_change", args=[consultation.pk])
    data = form_values(front_desk_client.get(url).content.decode())
    data["internal_notes"] = "Prefers mornings"
    response = front_desk_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    entry = LogEntry.objects.get_for_object(consultation).get(action=LogEntry.Action.UPDATE)
    assert entry.actor == front_desk_client.user
    assert entry.changes_dict["internal_notes"] == ["", "[hidden]"]


def test_opening_a_consultation_in_the_admin_records_who_saw_the_contact_details(front_desk_client):
    consultation = ConsultationFactory()
    url = reverse("admin:consultations_consultation_change", args=[consultation.pk])
    assert front_desk_client.get(url).status_code == 200
    access = LogEntry.objects.get_for_object(consultation).filter(action=LogEntry.Action.ACCESS)
    assert access.count() == 1
    assert access.get().actor == front_desk_client.user


def test_the_history_is_visible_to_the_front_desk_in_the_admin(front_desk_client):
    consultation = ConsultationFactory()
    consultation.status = "called"
    consultation.save()
    response = front_desk_client.get(reverse("admin:auditlog_logentry_changelist"))
    assert response.status_code == 200
    assert consultation.reference in response.content.decode()


def test_a_status_change_made_with_update_can_be_added_to_the_history(front_desk_client):
    from auditlog.context import set_actor

    from staff.audit import audit_record_update

    consultation = ConsultationFactory(status="confirmed")
    with set_actor(front_desk_client.user):
        type(consultation).objects.filter(pk=consultation.pk).update(status="called")
        audit_record_update(instance=consultation, changes={"status": ("confirmed", "called")})
    entry = LogEntry.objects.get_for_object(consultation).get(action=LogEntry.Action.UPDATE)
    assert entry.changes_dict == {"status": ["confirmed", "called"]}
    assert entry.actor == front_desk_client.user


def test_bulk_status_changes_from_the_queue_reach_the_history(front_desk_client):
    from auditlog.context import set_actor

    from consultations.booking.services import consultations_status_set
    from consultations.models import Consultation

    confirmed = ConsultationFactory(status="confirmed")
    cancelled = ConsultationFactory(status="cancelled")
    with set_actor(front_desk_client.user):
        changed = consultations_status_set(
            queryset=Consultation.objects.filter(pk__in=[confirmed.pk, cancelled.pk]), status="called"
        )

    assert changed == 1
    updates = LogEntry.objects.filter(action=LogEntry.Action.UPDATE)
    (entry,) = [e for e in updates & LogEntry.objects.get_for_object(confirmed) if e.changes_dict.get("status")]
    assert entry.changes_dict["status"] == ["confirmed", "called"]
    assert entry.actor == front_desk_client.user
    assert not [e for e in updates & LogEntry.objects.get_for_object(cancelled) if e.changes_dict.get("status")]


def test_a_client_cancelling_reaches_the_history():
    from consultations.booking.services import consultation_cancel

    consultation = ConsultationFactory(status="confirmed")

    consultation_cancel(consultation=consultation, now=consultation.starts_at - datetime.timedelta(days=1))

    entries = LogEntry.objects.get_for_object(consultation).filter(action=LogEntry.Action.UPDATE)
    assert any(entry.changes_dict.get("status") == ["confirmed", "cancelled"] for entry in entries)
