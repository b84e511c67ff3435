"""Event images: what is accepted, and that only re-encoded pixels are stored."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from quartiersnetz.events.images import process_image


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def upload(data, name="foto.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def encoded(image, kind, **options):
    buffer = io.BytesIO()
    image.save(buffer, kind, **options)
    return buffer.getvalue()


def refusal(data, **kwargs):
    with pytest.raises(ValidationError) as excinfo:
        process_image(upload(data, **kwargs))
    return excinfo.value


def stored(content_file):
    return Image.open(io.BytesIO(content_file.read()))


def test_a_photo_is_re_encoded_without_metadata_and_under_a_new_name():
    photo = Image.new("RGB", (640, 480), (10, 120, 60))
    exif = Image.Exif()
    exif[0x010F] = "Kamerahersteller"  # Make
    exif[0x9003] = "2026:12:05 17:00:00"  # DateTimeOriginal
    data = encoded(
        photo,
        "JPEG",
        exif=exif.tobytes(),
        comment=b"Ida zu Hause",
        xmp=b"<x:xmpmeta>GPS 51.39 7.22</x:xmpmeta>",
    )

    result = process_image(upload(data, name="ida-zu-hause-welper.jpg"))

    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", result.name)
    image = stored(result)
    assert image.format == "JPEG"
    assert image.size == (640, 480)
    assert not image.getexif()
    assert "comment" not in image.info
    content = result.open().read()
    assert b"Kamerahersteller" not in content
    assert b"GPS" not in content
    assert b"Ida" not in content


def test_text_chunks_of_a_png_are_not_kept():
    info = PngInfo()
    info.add_text("Author", "Ida Schulte, Welper")
    logo = Image.new("RGBA", (30, 20), (0, 0, 0, 0))
    result = process_image(upload(encoded(logo, "PNG", pnginfo=info), name="logo.png"))
    assert b"Ida Schulte" not in result.open().read()


def test_the_exif_orientation_is_applied_before_it_is_removed():
    # A portrait photo stored sideways, as phones do: 600 wide, 400 high, "rotate 90°".
    sideways = Image.new("RGB", (600, 400), (200, 200, 200))
    exif = Image.Exif()
    exif[0x0112] = 6
    image = stored(process_image(upload(encoded(sideways, "JPEG", exif=exif.tobytes()))))
    assert image.size == (400, 600)
    assert 0x0112 not in image.getexif()


def test_a_large_image_is_scaled_down_to_1600_pixels_on_its_long_side():
    big = Image.new("RGB", (4000, 3000), (0, 0, 0))
    image = stored(process_image(upload(encoded(big, "PNG"), name="gross.png")))
    assert image.size == (1600, 1200)
    # A PNG without transparent parts becomes a JPEG.
    assert image.format == "JPEG"


def test_a_transparent_png_stays_a_png():
    logo = Image.new("RGBA", (300, 200), (0, 0, 0, 0))
    logo.paste((10, 70, 130, 255), (50, 50, 250, 150))
    result = process_image(upload(encoded(logo, "PNG"), name="logo.png"))
    assert result.name.endswith(".png")
    image = stored(result)
    assert image.format == "PNG"
    assert image.mode == "RGBA"
    assert image.getpixel((0, 0))[3] == 0


def test_webp_is_accepted():
    image = stored(process_image(upload(encoded(Image.new("RGB", (50, 50)), "WEBP"))))
    assert image.format == "JPEG"


def test_other_image_types_are_refused_by_name():
    gif = encoded(Image.new("P", (10, 10)), "GIF")
    error = refusal(gif, name="animation.gif", content_type="image/gif")
    assert error.code == "unsupported_type"
    assert error.messages == [
        "This type of image is not accepted (GIF). Upload a JPEG, PNG or WebP image."
    ]
    # Formats Pillow cannot read at all (HEIC from phones, SVG) are named too.
    heic = refusal(b"\x00\x00\x00\x18ftypheic", name="IMG_0001.HEIC", content_type="image/heic")
    assert heic.code == "unsupported_type"
    assert "HEIC" in heic.messages[0]


def test_a_file_that_is_not_an_image_is_refused():
    error = refusal(b"%PDF-1.7 Einladung", name="einladung.jpg")
    assert error.code == "not_an_image"
    assert error.messages == [
        "The file is not an image, or it is damaged. Upload a JPEG, PNG or WebP image."
    ]


def test_a_damaged_image_is_refused():
    data = encoded(Image.new("RGB", (400, 300), (1, 2, 3)), "PNG")
    assert refusal(data[: len(data) // 2], name="kaputt.png").code == "not_an_image"


def test_a_file_over_five_megabytes_is_refused_before_it_is_read():
    error = refusal(b"\xff\xd8\xff" + b"0" * (30 * 1024 * 1024))
    assert error.code == "too_large"
    assert error.messages == ["The image is too large (30 MB; at most 5 MB)."]
    assert refusal(b"0" * (5 * 1024 * 1024 + 300_000)).messages == [
        "The image is too large (5.3 MB; at most 5 MB)."
    ]


def test_the_limit_is_a_setting(settings):
    settings.EVENTS_MAX_IMAGE_BYTES = 1024
    data = encoded(Image.new("RGB", (400, 400), (5, 5, 5)), "PNG", compress_level=0)
    assert refusal(data, name="a.png").code == "too_large"


def test_too_many_pixels_are_refused():
    # 8000 × 6000 = 48 megapixels in a file of a few kilobytes.
    data = encoded(Image.new("1", (8000, 6000)), "PNG")
    assert len(data) < 100_000
    error = refusal(data, name="flach.png")
    assert error.code == "too_many_pixels"
    assert error.messages == [
        "The image has too many pixels (48 megapixels; at most 40). "
        "Make it smaller and upload it again."
    ]


def test_a_decompression_bomb_is_refused():
    # Beyond Pillow's own limit: it refuses to open the file at all.
    data = encoded(Image.new("1", (20000, 10000)), "PNG")
    error = refusal(data, name="bombe.png")
    assert error.code == "too_many_pixels"
