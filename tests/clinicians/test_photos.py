"""Photos are resized to the sizes the pages show; a non-image or a file over 5 MB is refused."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from clinicians.photos import CARD_SIZE, MAX_UPLOAD_BYTES, PROFILE_SIZE, validate_photo_upload
from tests.clinicians.factories import ClinicianFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def image_upload(size=(1600, 1200), image_format="PNG", mode="RGB", name="portrait.png", exif=None):
    buffer = io.BytesIO()
    image = Image.new(mode, size, "teal" if mode == "RGB" else (0, 128, 128, 128))
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(buffer, format=image_format, **kwargs)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{image_format.lower()}")


def open_stored(field_file):
    with field_file.open("rb") as stored, Image.open(stored) as image:
        image.load()
        return image


def test_upload_is_cropped_square_and_resized_for_profile_and_card():
    clinician = ClinicianFactory(slug="dee-photo", photo=image_upload())

    clinician.refresh_from_db()
    profile, card = open_stored(clinician.photo), open_stored(clinician.photo_card)
    assert profile.size == (PROFILE_SIZE, PROFILE_SIZE)
    assert card.size == (CARD_SIZE, CARD_SIZE)
    assert (profile.format, card.format) == ("JPEG", "JPEG")
    assert (clinician.photo_width, clinician.photo_height) == (PROFILE_SIZE, PROFILE_SIZE)
    assert clinician.photo.name.startswith("clinicians/dee-photo-")


def test_small_photo_is_not_enlarged():
    clinician = ClinicianFactory(photo=image_upload(size=(150, 200)))

    assert open_stored(clinician.photo).size == (150, 150)
    assert clinician.card_photo_size == 150


def test_transparent_photo_gets_a_solid_background():
    clinician = ClinicianFactory(photo=image_upload(mode="RGBA"))

    assert open_stored(clinician.photo).mode == "RGB"


def test_camera_details_are_removed_from_the_stored_photo():
    exif = Image.Exif()
    exif[0x010F] = "Phone maker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° to display
    clinician = ClinicianFactory(photo=image_upload(size=(400, 300), image_format="JPEG", name="p.jpg", exif=exif))

    stored = open_stored(clinician.photo)
    assert not stored.getexif()


def test_saving_again_without_a_new_upload_keeps_the_same_files():
    clinician = ClinicianFactory(photo=image_upload())
    names = (clinician.photo.name, clinician.photo_card.name)

    clinician.openings_note = "Mornings"
    clinician.save()

    assert (clinician.photo.name, clinician.photo_card.name) == names


def test_removing_the_photo_removes_the_card_copy():
    clinician = ClinicianFactory(photo=image_upload())

    clinician.photo = ""
    clinician.save()

    assert not clinician.photo_card


def test_a_file_that_is_not_an_image_is_refused_with_a_clear_message():
    upload = SimpleUploadedFile("cv.png", b"%PDF-1.7 this is not a picture", content_type="image/png")

    with pytest.raises(ValidationError) as error:
        validate_photo_upload(upload)

    assert "isn't a photo we can use" in error.value.messages[0]


def test_a_photo_over_5_mb_is_refused_with_its_size():
    upload = SimpleUploadedFile("huge.png", b"\0" * (MAX_UPLOAD_BYTES + 1), content_type="image/png")

    with pytest.raises(ValidationError) as error:
        validate_photo_upload(upload)

    assert "under 5 MB" in error.value.messages[0]
    assert "5.0" in error.value.messages[0]


def test_a_photo_of_exactly_5_mb_is_accepted():
    upload = image_upload()
    padded = SimpleUploadedFile("ok.png", upload.read() + b"\0" * (MAX_UPLOAD_BYTES - upload.size))

    validate_photo_upload(padded)  # does not raise


def test_model_validation_refuses_a_non_image_before_saving():
    clinician = ClinicianFactory.build(photo=SimpleUploadedFile("notes.jpg", b"plain text", content_type="image/jpeg"))

    with pytest.raises(ValidationError) as error:
        clinician.full_clean()

    assert "photo" in error.value.message_dict


def test_replacing_a_photo_deletes_the_old_files(django_capture_on_commit_callbacks):
    clinician = ClinicianFactory(photo=image_upload())
    old = [clinician.photo.name, clinician.photo_card.name]
    storage = clinician.photo.storage

    with django_capture_on_commit_callbacks(execute=True):
        clinician.photo = image_upload(size=(800, 800))
        clinician.save()

    assert not any(storage.exists(name) for name in old)
    assert storage.exists(clinician.photo.name) and storage.exists(clinician.photo_card.name)


def test_removing_a_photo_deletes_its_files(django_capture_on_commit_callbacks):
    clinician = ClinicianFactory(photo=image_upload())
    old = [clinician.photo.name, clinician.photo_card.name]

    with django_capture_on_commit_callbacks(execute=True):
        clinician.photo = ""
        clinician.save()

    assert not any(clinician.photo.storage.exists(name) for name in old)
