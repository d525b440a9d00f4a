"""Phone photos in HEIC/HEIF become JPEG for readers (``branches.uploads``),
through the reader API's upload of a meeting material."""

import io

import pillow_heif
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from branches.models import MeetingMaterial

pytestmark = pytest.mark.django_db


def heic_photo(size=(120, 80), colour=(200, 30, 30)):
    """A real HEIC file, encoded by libheif."""
    out = io.BytesIO()
    pillow_heif.from_pillow(Image.new("RGB", size, colour)).save(out, format="HEIF", quality=60)
    return out.getvalue()


def upload_material(client, meeting, upload):
    return client.post(
        f"/api/meetings/{meeting.pk}/materials/", {"file": upload, "title": "Ảnh biên bản"}
    )


def test_a_heic_photo_is_served_to_the_roll_as_a_jpeg(life, announced, as_member):
    photo = heic_photo()
    assert photo[4:12] == b"ftypheic"
    upload = SimpleUploadedFile("IMG_0042.HEIC", photo, "image/heic")

    added = upload_material(as_member(life.secretary), announced, upload)

    assert added.status_code == 201, added.json()
    document = MeetingMaterial.objects.get(meeting=announced).document
    assert document.filename.endswith(".jpg")
    served = as_member(life.official).get(added.json()["materials"][0]["url"])
    content = b"".join(served.streaming_content)
    with Image.open(io.BytesIO(content)) as image:
        assert (image.format, image.size) == ("JPEG", (120, 80))
        red, green, blue = image.getpixel((60, 40))
        assert red > 150 and green < 90 and blue < 90


def test_a_broken_heic_file_is_refused_naming_the_file(life, announced, as_member):
    broken = heic_photo()[:60]
    upload = SimpleUploadedFile("IMG_0043.heic", broken, "image/heic")

    refused = upload_material(as_member(life.secretary), announced, upload)

    assert refused.status_code == 400
    assert "IMG_0043.heic" in str(refused.json())
    assert not MeetingMaterial.objects.filter(meeting=announced).exists()
