"""Event images: uploads are checked with Pillow and re-encoded, so that no metadata
(camera, place, time) and nothing but pixels reaches the public pages."""

import io
import secrets
import warnings
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
ACCEPTED_CONTENT_TYPES = ("image/jpeg", "image/png", "image/webp")
# For <input type="file" accept="…">: the browser offers only these files.
ACCEPT_ATTRIBUTE = ",".join(ACCEPTED_CONTENT_TYPES)
# More pixels than this is a photo nobody needs on a calendar page, or a
# decompression bomb: a small file that unpacks into gigabytes.
MAX_PIXELS = 40_000_000
MAX_SIDE = 1600
JPEG_QUALITY = 85
MEGABYTE = 1024 * 1024
# Names of image types people upload that we do not take, so that they are told
# "unsupported type" rather than "not an image".
OTHER_IMAGE_SUFFIXES = {
    ".avif", ".bmp", ".gif", ".heic", ".heif", ".jxl", ".svg", ".tif", ".tiff",
}  # fmt: skip


def _megabytes(size):
    """5 MB, 5,3 MB (in German), 30 MB: one decimal only where it says something."""
    whole = size % MEGABYTE == 0 or size >= 10 * MEGABYTE
    digits = 0 if whole else 1
    return number_format(round(size / MEGABYTE, digits), decimal_pos=digits)


def _unsupported(kind):
    return ValidationError(
        _("This type of image is not accepted (%(type)s). Upload a JPEG, PNG or WebP image.")
        % {"type": kind},
        code="unsupported_type",
    )


def _not_an_image():
    return ValidationError(
        _("The file is not an image, or it is damaged. Upload a JPEG, PNG or WebP image."),
        code="not_an_image",
    )


def _too_many_pixels(pixels=None):
    if pixels is None:
        message = _(
            "The image has too many pixels (at most %(max)s megapixels). "
            "Make it smaller and upload it again."
        ) % {"max": MAX_PIXELS // 1_000_000}
    else:
        message = _(
            "The image has too many pixels (%(pixels)s megapixels; at most %(max)s). "
            "Make it smaller and upload it again."
        ) % {
            "pixels": number_format(round(pixels / 1_000_000), decimal_pos=0),
            "max": MAX_PIXELS // 1_000_000,
        }
    return ValidationError(message, code="too_many_pixels")


def _open(upload):
    """The image in the upload, verified and decoded; raises ValidationError."""
    suffix = PurePath(upload.name or "").suffix.lower()
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its limit and twice its limit; refuse either way.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as probe:
                kind = probe.format
                if kind not in ACCEPTED_FORMATS:
                    raise _unsupported(kind or suffix or "?")
                if probe.width * probe.height > MAX_PIXELS:
                    raise _too_many_pixels(probe.width * probe.height)
                # verify() checks the file's structure without decoding all of it.
                probe.verify()
            upload.seek(0)
            image = Image.open(upload)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except UnidentifiedImageError:
        content_type = getattr(upload, "content_type", "") or ""
        if suffix in OTHER_IMAGE_SUFFIXES or (
            content_type.startswith("image/") and content_type not in ACCEPTED_CONTENT_TYPES
        ):
            raise _unsupported(suffix.lstrip(".").upper() or content_type) from None
        raise _not_an_image() from None
    except (OSError, SyntaxError, ValueError, EOFError):
        # Truncated or corrupt data (Pillow raises all of these for broken files).
        raise _not_an_image() from None
    return image


def _has_transparency(image):
    if image.mode == "P":
        return "transparency" in image.info
    if image.mode in ("RGBA", "LA", "PA"):
        lowest_alpha, _highest = image.getchannel("A").getextrema()
        return lowest_alpha < 255
    return False


def process_image(upload):
    """A re-encoded copy of an uploaded image under a new random name; raises ValidationError.

    Accepts JPEG, PNG and WebP up to EVENTS_MAX_IMAGE_BYTES and MAX_PIXELS. The copy is
    turned upright by its EXIF orientation, scaled down to MAX_SIDE pixels on its long
    side and saved without metadata: as JPEG, or as PNG if it has transparent parts.
    """
    limit = settings.EVENTS_MAX_IMAGE_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The image is too large (%(size)s MB; at most %(max)s MB).")
            % {"size": _megabytes(upload.size), "max": _megabytes(limit)},
            code="too_large",
        )
    image = _open(upload)
    try:
        # The colour profile is kept for RGB images: it describes colours, not people.
        icc_profile = image.info.get("icc_profile") if image.mode in ("RGB", "RGBA") else None
        image = ImageOps.exif_transpose(image)
        transparent = _has_transparency(image)
        image = image.convert("RGBA" if transparent else "RGB")
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
        # Pillow writes some of what it read (comments, XMP, DPI) unless told otherwise.
        image.info = {}
        output = io.BytesIO()
        options = {"icc_profile": icc_profile} if icc_profile else {}
        if transparent:
            image.save(output, "PNG", optimize=True, **options)
        else:
            image.save(
                output, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True, **options
            )
    except (OSError, ValueError):
        raise _not_an_image() from None
    suffix = ".png" if transparent else ".jpg"
    return ContentFile(output.getvalue(), name=f"{secrets.token_hex(16)}{suffix}")
