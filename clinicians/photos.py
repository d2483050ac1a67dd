"""Clinician photos: checked on upload, then cropped square and resized to the sizes the pages show."""

import io
import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# The profile shows the photo at 320 CSS pixels and the directory card at 96; stored at twice
# that so they stay sharp on high-density phone screens.
PROFILE_SIZE = 640
CARD_SIZE = 192
# A 5 MB file can still unpack into an enormous bitmap; refuse before decoding it.
MAX_PIXELS = 40_000_000
JPEG_QUALITY = 85
# Only what phones and cameras produce. Pillow is never even asked to try another decoder: some (EPS,
# through Ghostscript) run outside Python, and none of them is a photo worth putting on the site.
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP")
PHOTO_NOT_AN_IMAGE = "This file isn't a photo we can use. Please upload a JPEG, PNG or WebP image."


def validate_photo_upload(photo):
    """Refuse files over 5 MB or that aren't JPEG, PNG or WebP images, with a message the front desk can act on."""
    if getattr(photo, "_committed", False):
        return  # already stored (and processed) on an earlier save
    size = getattr(photo, "size", 0) or 0
    if size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            "This photo is %(size)s. Please choose one under 5 MB — a photo from your phone or "
            "exported at about 1000 pixels wide is plenty.",
            code="photo_too_large",
            params={"size": filesizeformat(size)},
        )
    try:
        photo.seek(0)
        with Image.open(photo, formats=PHOTO_FORMATS) as image:
            width, height = image.size
    except Exception:  # noqa: BLE001 - anything Pillow cannot read is "not a photo" to the person uploading
        raise ValidationError(PHOTO_NOT_AN_IMAGE, code="photo_invalid") from None
    finally:
        photo.seek(0)
    if width * height > MAX_PIXELS:
        raise ValidationError(
            "This photo has too many pixels to process (%(width)s × %(height)s). Please choose a smaller one.",
            code="photo_too_many_pixels",
            params={"width": width, "height": height},
        )


def _square(image, side):
    image = ImageOps.exif_transpose(image)  # phones store "rotate me" in EXIF; apply it before it's stripped
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, (250, 247, 242))  # the site's warm background
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    side = min(side, *image.size)  # never enlarge a small photo: it would only look blurry
    # Keep the top of the frame: in a portrait the face is rarely below the middle.
    return ImageOps.fit(image.convert("RGB"), (side, side), Image.Resampling.LANCZOS, centering=(0.5, 0.35))


def _jpeg(image):
    buffer = io.BytesIO()
    # Saved without EXIF, so no camera location or device details reach the public site.
    image.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return buffer.getvalue()


def photo_renditions(*, upload, name_stem):
    """Return (profile, card) JPEG files cut from an uploaded photo."""
    upload.seek(0)
    with Image.open(upload, formats=PHOTO_FORMATS) as original:
        width, height = original.size
        if width * height > MAX_PIXELS:
            raise ValidationError("This photo is too large to process. Please choose a smaller one.")
        original.load()
        token = secrets.token_hex(4)  # a new name on every upload, so browsers never show an old photo
        profile = _square(original, PROFILE_SIZE)
        card = _square(profile, CARD_SIZE)
    return (
        ContentFile(_jpeg(profile), name=f"{name_stem}-{token}.jpg"),
        ContentFile(_jpeg(card), name=f"{name_stem}-{token}-card.jpg"),
    )
