"""ClinicianScopedAdminMixin on a model that points at a clinician, as the booking admin uses it."""

import datetime

import pytest
from django.contrib import admin
from django.http import Http404
from django.test import RequestFactory

from clinicians.permissions import ClinicianScopedAdminMixin
from consultations.models import TimeOff
from tests.clinicians.factories import ClinicianFactory, clinician_user, front_desk_user

pytestmark = pytest.mark.django_db


class TimeOffAdmin(ClinicianScopedAdminMixin, admin.ModelAdmin):
    list_filter = ["clinician", "starts_on"]


@pytest.fixture
def model_admin():
    return TimeOffAdmin(TimeOff, admin.AdminSite(name="scoped-test"))


def request_for(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def time_off(clinician):
    day = datetime.date(2026, 12, 24)
    return TimeOff.objects.create(clinician=clinician, starts_on=day, ends_on=day)


@pytest.fixture
def setting():
    mari, colleague = ClinicianFactory(), ClinicianFactory()
    return {
        "mari": mari,
        "colleague": colleague,
        "mari_user": clinician_user(mari),
        "mine": time_off(mari),
        "theirs": time_off(colleague),
        "holiday": time_off(None),
    }


def test_clinician_queryset_holds_only_their_rows(model_admin, setting):
    queryset = model_admin.get_queryset(request_for(setting["mari_user"]))

    assert list(queryset) == [setting["mine"]]


def test_front_desk_queryset_holds_every_row(model_admin, setting):
    queryset = model_admin.get_queryset(request_for(front_desk_user()))

    assert set(queryset) == {setting["mine"], setting["theirs"], setting["holiday"]}


def test_a_colleagues_object_is_not_found(model_admin, setting):
    request = request_for(setting["mari_user"])

    with pytest.raises(Http404):
        model_admin.get_object(request, str(setting["theirs"].pk))
    assert model_admin.get_object(request, str(setting["mine"].pk)) == setting["mine"]


def test_object_permissions_refuse_a_colleagues_object(model_admin, setting):
    request = request_for(setting["mari_user"])

    assert model_admin.has_change_permission(request, setting["mine"])
    assert not model_admin.has_change_permission(request, setting["theirs"])
    assert not model_admin.has_delete_permission(request, setting["theirs"])
    assert not model_admin.has_view_permission(request, setting["theirs"])


def test_clinician_choice_offers_only_their_own_record_and_is_required(model_admin, setting):
    field = model_admin.formfield_for_foreignkey(
        TimeOff._meta.get_field("clinician"), request_for(setting["mari_user"])
    )

    assert list(field.queryset) == [setting["mari"]]
    assert field.required
    assert field.empty_label is None


def test_front_desk_may_choose_anyone_or_the_whole_practice(model_admin, setting):
    field = model_admin.formfield_for_foreignkey(TimeOff._meta.get_field("clinician"), request_for(front_desk_user()))

    assert set(field.queryset) >= {setting["mari"], setting["colleague"]}
    assert not field.required


def test_clinician_filter_is_hidden_from_clinicians_only(model_admin, setting):
    assert model_admin.get_list_filter(request_for(setting["mari_user"])) == ["starts_on"]
    assert model_admin.get_list_filter(request_for(front_desk_user())) == ["clinician", "starts_on"]
