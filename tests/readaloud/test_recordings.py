"""A lesson's recording (a person's voice) is its audio: measured on publish,
given by the API, measured again when its file is replaced, and reported as
failed, with the reason, when it cannot be played."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from wagtail.documents import get_document_model

from readaloud.models import AudioSource, AudioState, PageAudio
from tests.content_types.test_recordings import make_sound
from tests.content_types.test_study import publish_lesson, publish_module

pytestmark = pytest.mark.django_db

Document = get_document_model()


def recording(content, name="bai-doc.mp3"):
    return Document.objects.create(title="Bài đọc", file=ContentFile(content, name=name))


def lesson_with(unit, document):
    module, _lessons = publish_module(unit, "Học phần nghe", lessons=0)
    return publish_lesson(module, "Bài 1", audio=document)


def test_a_lesson_with_a_recording_is_read_with_it(unit_tree):
    document = recording(make_sound("mp3", 2))
    lesson = lesson_with(unit_tree.district, document)

    audio = PageAudio.objects.get(page_id=lesson.pk)
    assert (audio.state, audio.source) == (AudioState.MADE, AudioSource.RECORDED)
    assert audio.recording_id == document.pk
    assert audio.duration_seconds == pytest.approx(2, abs=0.15)
    assert audio.bytes == document.file.size
    assert not audio.file  # nothing generated

    detail = Client().get(f"/api/v2/pages/{lesson.pk}/").json()
    assert detail["audio"] == {
        "url": f"http://testserver{document.url}",
        "duration_seconds": audio.duration_seconds,
        "source": "recorded",
        "bytes": document.file.size,
    }


def test_a_new_file_on_the_recording_remakes_the_audio(unit_tree, admin_client):
    document = recording(make_sound("mp3", 2))
    lesson = lesson_with(unit_tree.district, document)
    first = PageAudio.objects.get(page_id=lesson.pk)

    response = admin_client.post(
        reverse("wagtaildocs:edit", args=[document.pk]),
        {
            "title": document.title,
            "file": SimpleUploadedFile("bai-doc-moi.mp3", make_sound("mp3", 4)),
            "collection": document.collection_id,
            "tags": "",
        },
    )

    assert response.status_code == 302
    document.refresh_from_db()
    audio = PageAudio.objects.get(page_id=lesson.pk)
    assert audio.state == AudioState.MADE
    assert audio.duration_seconds == pytest.approx(4, abs=0.15)
    assert audio.bytes == document.file.size
    assert audio.made_at > first.made_at
    assert audio.spoken_hash != first.spoken_hash


def test_a_recording_that_cannot_be_decoded_fails_with_the_reason(unit_tree):
    broken = recording(b"OggS" + b"\x00\x02" + b"not really sound " * 200, name="hong.ogg")
    lesson = lesson_with(unit_tree.district, broken)

    audio = PageAudio.objects.get(page_id=lesson.pk)
    assert audio.state == AudioState.FAILED
    assert audio.problem.startswith("ffprobe bị lỗi: ")
    assert Client().get(f"/api/v2/pages/{lesson.pk}/").json()["audio"] is None
