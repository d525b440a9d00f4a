"""Photos of the written minutes: from the admin and the reader API, through
the one upload path (HEIC converted to JPEG), listed with the materials."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from branches import meetings
from branches.models import MeetingMaterial
from tests.branches.admin_helpers import admin_client
from tests.branches.test_heic import heic_photo
from tests.content_types.test_documents import make_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(life, in_session):
    return meetings.close_meeting(life.secretary, in_session, minutes="Biên bản viết tay.")


def png_photo():
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 10)).save(out, format="PNG")
    return out.getvalue()


def minutes_photos(meeting):
    return list(MeetingMaterial.objects.filter(meeting=meeting, part="minutes"))


def test_the_secretary_adds_photos_of_the_minutes_in_the_admin(client, life, held):
    admin_client(client, life.secretary.user, life.branch)
    url = reverse("branches_minutes_photos", args=[held.pk])

    overview = client.get(reverse("branches_overview")).content.decode()
    response = client.post(
        url,
        {
            "photos": [
                SimpleUploadedFile("IMG_0100.HEIC", heic_photo(), "image/heic"),
                SimpleUploadedFile("trang-2.png", png_photo(), "image/png"),
            ]
        },
    )

    assert f'href="{url}"' in overview
    assert response.status_code == 302
    photos = minutes_photos(held)
    assert [p.document.filename.rsplit(".", 1)[1] for p in photos] == ["jpg", "png"]
    assert "IMG_0100" in client.get(url).content.decode()


def test_a_document_is_not_a_photo_of_the_minutes(client, life, held):
    admin_client(client, life.secretary.user, life.branch)

    response = client.post(
        reverse("branches_minutes_photos", args=[held.pk]),
        {"photos": [SimpleUploadedFile("bien-ban.pdf", make_pdf("Bien ban"), "application/pdf")]},
    )

    assert response.status_code == 400
    assert "“bien-ban.pdf” is not a photo" in response.content.decode()
    assert not minutes_photos(held)


def test_the_reader_api_takes_a_photo_of_the_minutes(life, held, as_member):
    upload = SimpleUploadedFile("IMG_0101.heic", heic_photo(), "image/heic")

    added = as_member(life.secretary).post(
        f"/api/meetings/{held.pk}/materials/", {"file": upload, "part": "minutes"}
    )
    shown = as_member(life.official).get(f"/api/meetings/{held.pk}/").json()

    assert added.status_code == 201, added.json()
    assert [m["part"] for m in shown["materials"]] == ["minutes"]
    served = as_member(life.official).get(shown["materials"][0]["url"])
    with Image.open(io.BytesIO(b"".join(served.streaming_content))) as image:
        assert image.format == "JPEG"


def test_a_draft_takes_no_photo_of_the_minutes(life, as_member):
    draft = meetings.create_meeting(
        life.secretary,
        life.branch,
        title="Dự thảo",
        starts_at=timezone.now(),
        place="Hội trường",
    )
    upload = SimpleUploadedFile("IMG_0102.heic", heic_photo(), "image/heic")

    refused = as_member(life.secretary).post(
        f"/api/meetings/{draft.pk}/materials/", {"file": upload, "part": "minutes"}
    )

    assert refused.status_code == 409
    assert not minutes_photos(draft)
