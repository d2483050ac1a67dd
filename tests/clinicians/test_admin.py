"""A clinician who signs in sees and edits only their own profile; the front desk sees everyone."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from clinicians.models import Clinician
from clinicians.permissions import is_front_desk
from tests.clinicians.factories import (
    ClinicianFactory,
    StaffUserFactory,
    clinician_user,
    front_desk_user,
)

pytestmark = pytest.mark.django_db


def admin_url(name, *args):
    return reverse(f"admin:clinicians_clinician_{name}", args=args)


def form_data(clinician, **changes):
    data = {
        "full_name": clinician.full_name,
        "credentials": clinician.credentials,
        "pronouns": clinician.pronouns,
        "short_bio": clinician.short_bio,
        "full_bio": clinician.full_bio,
        "approaches": clinician.approaches,
        "languages": clinician.languages,
        "accepting_new_clients": "on",
        "openings_note": clinician.openings_note,
        "license_number": clinician.license_number,
        "license_state": clinician.license_state,
        "alert_email": clinician.alert_email,
        "offers_individual": "on",
        "offers_online": "on",
        "slug": clinician.slug,
        "active": "on",
        "display_order": clinician.display_order,
    }
    data.update(changes)
    return data


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    # Signing in with a code is tested with the admin's security; here we test what each role sees.
    settings.REQUIRE_STAFF_2FA = False


@pytest.fixture
def colleague():
    return ClinicianFactory(full_name="Colleague Other", slug="colleague-other")


@pytest.fixture
def mari_client(client, mari):
    client.force_login(clinician_user(mari))
    return client


def test_clinician_list_shows_only_their_own_profile(mari_client, mari, colleague):
    response = mari_client.get(admin_url("changelist"))

    assert response.status_code == 200
    assert list(response.context["cl"].queryset) == [mari]
    assert "Colleague Other" not in response.content.decode()


def test_clinician_search_cannot_find_colleagues(mari_client, colleague):
    response = mari_client.get(admin_url("changelist"), {"q": "Colleague"})

    assert list(response.context["cl"].queryset) == []


@pytest.mark.parametrize("view", ["change", "delete", "history"])
def test_colleagues_admin_urls_are_not_found(mari_client, colleague, view):
    response = mari_client.get(admin_url(view, colleague.pk))

    assert response.status_code in (403, 404)


def test_clinician_cannot_post_changes_to_a_colleague(mari_client, colleague):
    response = mari_client.post(admin_url("change", colleague.pk), form_data(colleague, full_name="Hijacked"))

    assert response.status_code in (403, 404)
    colleague.refresh_from_db()
    assert colleague.full_name == "Colleague Other"


def test_clinician_can_edit_their_own_profile(mari_client, mari):
    response = mari_client.post(
        admin_url("change", mari.pk), form_data(mari, openings_note="Evenings open from January")
    )

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    mari.refresh_from_db()
    assert mari.openings_note == "Evenings open from January"


def test_clinician_cannot_unpublish_rename_or_relink_their_profile(mari_client, mari):
    other_user = StaffUserFactory()

    mari_client.post(
        admin_url("change", mari.pk),
        form_data(mari, slug="new-address", active="", display_order=1, user=other_user.pk),
    )

    mari.refresh_from_db()
    assert (mari.slug, mari.active, mari.user.groups.get().name) == ("maricor-coquia", True, "Clinicians")
    assert mari.display_order == 100


def test_clinician_cannot_add_or_delete_profiles(mari_client, mari):
    assert mari_client.get(admin_url("add")).status_code == 403
    assert mari_client.post(admin_url("delete", mari.pk), {"post": "yes"}).status_code == 403
    assert Clinician.objects.filter(pk=mari.pk).exists()


def test_staff_user_without_a_profile_sees_no_clinicians(client, mari):
    user = StaffUserFactory(groups=["Clinicians"])
    client.force_login(user)

    response = client.get(admin_url("changelist"))

    assert list(response.context["cl"].queryset) == []
    assert client.get(admin_url("change", mari.pk)).status_code in (403, 404)


def test_front_desk_sees_and_edits_every_clinician(client, mari, colleague):
    client.force_login(front_desk_user())

    response = client.get(admin_url("changelist"))
    assert set(response.context["cl"].queryset) == {mari, colleague}
    assert client.get(admin_url("change", colleague.pk)).status_code == 200

    response = client.post(admin_url("change", colleague.pk), form_data(colleague, slug="colleague-renamed", active=""))
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert (colleague.slug, colleague.active) == ("colleague-renamed", False)


def test_front_desk_can_add_a_clinician(client):
    client.force_login(front_desk_user())
    assert client.get(admin_url("add")).status_code == 200

    response = client.post(
        admin_url("add"),
        form_data(ClinicianFactory.build(full_name="New Person", slug="new-person"), alert_email="new@thrive.example"),
    )

    assert response.status_code == 302
    assert Clinician.objects.filter(slug="new-person").exists()


def test_admin_list_filters_by_service_and_format(client, mari, colleague):
    colleague.offers_couples = True
    colleague.offers_in_person = False
    colleague.save()
    mari.offers_couples = False
    mari.save()
    client.force_login(front_desk_user())

    couples = client.get(admin_url("changelist"), {"service": "couples"})
    in_person = client.get(admin_url("changelist"), {"format": "in_person"})

    assert list(couples.context["cl"].queryset) == [colleague]
    assert list(in_person.context["cl"].queryset) == [mari]


def test_slug_is_prefilled_from_the_name_for_the_front_desk(client):
    client.force_login(front_desk_user())

    response = client.get(admin_url("add"))

    assert "prepopulated" in response.content.decode()
    assert response.context["adminform"].prepopulated_fields[0]["field"].name == "slug"


def test_is_front_desk_by_group_permission_or_superuser(mari):
    assert is_front_desk(front_desk_user())
    assert is_front_desk(StaffUserFactory(is_superuser=True))
    assert not is_front_desk(clinician_user(mari))
    assert not is_front_desk(StaffUserFactory())


def test_specialty_admin_is_for_the_front_desk_only(client, mari):
    client.force_login(front_desk_user())
    assert client.get(reverse("admin:clinicians_specialty_changelist")).status_code == 200

    client.force_login(mari.user or clinician_user(mari))
    assert client.get(reverse("admin:clinicians_specialty_changelist")).status_code == 403


def test_groups_exist(db):
    assert set(Group.objects.values_list("name", flat=True)) >= {"Front desk", "Clinicians"}


def test_clinician_sees_their_own_change_form_without_front_desk_fields(mari_client, mari):
    response = mari_client.get(admin_url("change", mari.pk))

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "openings_note" in form.fields
    assert not {"slug", "active", "display_order", "user"} & set(form.fields)


NOT_A_PHOTO = "This file isn't a photo we can use. Please upload a JPEG, PNG or WebP image."


def photo_refused(client, clinician, upload):
    """Upload a photo on the clinician's admin page; the errors shown, once sure nothing was kept."""
    response = client.post(admin_url("change", clinician.pk), {**form_data(clinician), "photo": upload})
    assert response.status_code == 200
    clinician.refresh_from_db()
    assert not clinician.photo
    return response.context["adminform"].form.errors["photo"]


def test_admin_refuses_an_upload_that_is_not_an_image(client, mari):
    client.force_login(front_desk_user())
    fake = SimpleUploadedFile("me.jpg", b"this is a text file", content_type="image/jpeg")

    assert photo_refused(client, mari, fake) == [NOT_A_PHOTO]


def test_admin_refuses_a_photo_over_5_mb(client, mari, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(front_desk_user())
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "teal").save(buffer, format="PNG")
    big = SimpleUploadedFile("big.png", buffer.getvalue() + b"\0" * (5 * 1024 * 1024), content_type="image/png")

    [error] = photo_refused(client, mari, big)
    assert "under 5 MB" in error


def test_admin_upload_is_stored_resized(client, mari, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(front_desk_user())
    buffer = io.BytesIO()
    Image.new("RGB", (1000, 800), "teal").save(buffer, format="PNG")
    photo = SimpleUploadedFile("portrait.png", buffer.getvalue(), content_type="image/png")

    response = client.post(admin_url("change", mari.pk), {**form_data(mari), "photo": photo})

    assert response.status_code == 302
    mari.refresh_from_db()
    assert (mari.photo_width, mari.photo_height) == (640, 640)
    assert mari.photo_card.name.endswith("-card.jpg")


@pytest.mark.parametrize(
    ("image_format", "name"),
    [("EPS", "me.eps"), ("GIF", "me.gif"), ("BMP", "me.bmp"), ("TIFF", "me.tiff")],
)
def test_admin_refuses_image_formats_other_than_jpeg_png_and_webp(client, mari, settings, tmp_path, image_format, name):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(front_desk_user())
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "teal").save(buffer, format=image_format)
    upload = SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")

    assert photo_refused(client, mari, upload) == [NOT_A_PHOTO]
