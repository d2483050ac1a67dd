"""The staff roles the migration creates carry exactly the permissions each role needs."""

import pytest
from django.contrib.auth.models import Group

pytestmark = pytest.mark.django_db

CRUD = ["add", "change", "delete", "view"]


def perms(group_name):
    group = Group.objects.get(name=group_name)
    return set(group.permissions.values_list("content_type__app_label", "codename"))


def crud(app_label, model, actions=CRUD):
    return {(app_label, f"{action}_{model}") for action in actions}


def test_front_desk_can_manage_the_site_and_every_consultation():
    expected = (
        crud("clinicians", "clinician")
        | crud("clinicians", "specialty")
        | crud("pages", "page")
        | crud("pages", "section")
        | crud("pages", "announcement")
        | crud("thrive", "sitesettings", ["view", "change"])
        | crud("consultations", "consultation")
        | {("consultations", "view_all_consultations")}
        | crud("consultations", "consultationhours")
        | crud("consultations", "timeoff")
        | crud("consultations", "consultationsettings", ["view", "change"])
        | crud("consultations", "notification", ["view", "change"])
        | crud("consultations", "privacyrequest", ["view", "add", "change"])
        | crud("consultations", "externalcalendar")
        | {("auditlog", "view_logentry")}
        | crud("axes", "accessattempt", ["view", "delete"])
    )

    assert perms("Front desk") == expected


def test_clinicians_manage_only_their_profile_hours_time_off_and_calls():
    expected = (
        crud("clinicians", "clinician", ["view", "change"])
        | crud("consultations", "consultation", ["view", "change"])
        | crud("consultations", "consultationhours")
        | crud("consultations", "timeoff")
        | crud("consultations", "externalcalendar")
    )

    assert perms("Clinicians") == expected


def test_neither_role_can_manage_logins():
    for group_name in ("Front desk", "Clinicians"):
        assert not {codename for app, codename in perms(group_name) if app == "auth"}
