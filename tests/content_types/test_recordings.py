"""Recordings (a person reading a lesson) go into the document library, checked
by content like every upload; a party document still attaches only texts and
photos, and a lesson's audio must be a recording.

The sound files are real, made by ffmpeg for each test.
"""

import subprocess
import tempfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from wagtail.documents import get_document_model
from wagtail.test.utils.form_data import (
    nested_form_data,
    querydict_from_html,
    rich_text,
    streamfield,
)

from content_types.extraction import FileKind, detect_kind
from content_types.models import AttachmentText, PartyDocument, StudyLesson
from tests.content_types.test_documents import create_url, form_data, make_pdf
from tests.content_types.test_study import publish_module

Document = get_document_model()


def make_sound(extension="mp3", seconds=2, *options):
    """The bytes of ``seconds`` of a 440 Hz tone, mono, as ffmpeg writes a
    ``.extension`` file (``options`` go before the output name)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"sound.{extension}"
        subprocess.run(
            [
                "ffmpeg",
                "-nostdin",
                "-loglevel",
                "error",
                "-f",
                "lavfi",
                "-i",
                f"sine=frequency=440:duration={seconds}",
                "-ac",
                "1",
                *options,
                str(path),
            ],
            check=True,
        )
        return path.read_bytes()


def upload(client, unit, name, content, title="Bài đọc"):
    """Upload one file with the admin's document form, as an editor does."""
    return client.post(
        reverse("wagtaildocs:add"),
        {
            "title": title,
            "file": SimpleUploadedFile(name, content),
            "collection": unit.collection.pk,
        },
    )


def file_errors(response):
    """The messages on the file field, as an editor reading in English sees them."""
    assert response.status_code == 200, "the form should have been shown again"
    with translation.override("en"):
        return [str(m) for e in response.context["form"].errors.as_data()["file"] for m in e]


@pytest.mark.parametrize(
    ("extension", "options", "kind"),
    [
        ("mp3", (), FileKind.MP3),
        ("mp3", ("-write_xing", "0", "-id3v2_version", "0"), FileKind.MP3),  # bare frames
        ("m4a", (), FileKind.M4A),
        ("aac", (), FileKind.AAC),  # raw ADTS
        ("ogg", ("-c:a", "libopus"), FileKind.OGG),
        ("opus", (), FileKind.OGG),
        ("wav", (), FileKind.WAV),
    ],
)
def test_a_recording_is_uploaded_and_not_flagged_as_unreadable(
    client, unit_tree, editor, extension, options, kind
):
    content = make_sound(extension, 2, *options)
    assert detect_kind(ContentFile(content)) == kind

    response = upload(client, unit_tree.district, f"bai-doc.{extension}", content)

    assert response.status_code == 302, response.content.decode()[:2000]
    document = Document.objects.get()
    assert document.file.size == len(content)
    # No text to search, and nothing for editors to fix: not "unreadable".
    row = AttachmentText.objects.get(document=document)
    assert (row.status, row.text, row.problem) == (AttachmentText.Status.EXTRACTED, "", "")
    assert not row.is_flagged


def test_a_pdf_named_mp3_is_refused(client, unit_tree, editor):
    response = upload(client, unit_tree.district, "bai-doc.mp3", make_pdf("Bao cao"))
    assert file_errors(response) == [
        "“bai-doc.mp3” is named as a MP3 file, but it is really a PDF file. "
        "Give it the right name, or convert it, and upload it again."
    ]
    assert not Document.objects.exists()


def test_an_mp3_named_pdf_is_refused(client, unit_tree, editor):
    response = upload(client, unit_tree.district, "bao-cao.pdf", make_sound("mp3"))
    assert file_errors(response) == [
        "“bao-cao.pdf” is named as a PDF file, but it is really a MP3 file. "
        "Give it the right name, or convert it, and upload it again."
    ]
    assert not Document.objects.exists()


def test_text_that_is_no_sound_is_refused_naming_recordings(client, unit_tree, editor):
    response = upload(client, unit_tree.district, "bai-doc.mp3", b"just some text, no sound")
    (message,) = file_errors(response)
    assert message.startswith("“bai-doc.mp3” is not a PDF, a Word (DOCX) file")
    assert "sound recording (MP3, M4A, AAC, Ogg, Opus or WAV)" in message


def test_recordings_have_their_own_size_limit(client, unit_tree, editor, settings):
    """A recording may be larger than Wagtail's document limit, up to
    READALOUD_RECORDING_MAX_BYTES; past it, the refusal names the file and
    the limit."""
    sound = make_sound("mp3", 2)
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = len(sound) // 2
    settings.READALOUD_RECORDING_MAX_BYTES = len(sound) * 2
    assert upload(client, unit_tree.district, "ngan.mp3", sound).status_code == 302

    settings.READALOUD_RECORDING_MAX_BYTES = 10_000
    response = upload(client, unit_tree.district, "dai.mp3", make_sound("mp3", 4))
    (message,) = file_errors(response)
    assert message.startswith("“dai.mp3” is too big (")
    assert message.endswith("The largest recording allowed is 9.8\xa0KB.")
    assert Document.objects.count() == 1

    # Documents keep Wagtail's limit.
    pdf = make_pdf("Bao cao " * 200)
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = len(pdf) - 1
    settings.READALOUD_RECORDING_MAX_BYTES = len(pdf) * 10
    (message,) = file_errors(upload(client, unit_tree.district, "bao-cao.pdf", pdf))
    assert message.startswith("“bao-cao.pdf” is too big (")
    assert "The largest file allowed is" in message


def test_the_upload_form_tells_both_limits(client, unit_tree, editor):
    response = client.get(reverse("wagtaildocs:add"))
    field = response.context["form"].fields["file"]
    assert field.help_text == (
        "PDF, Word (DOCX) or photos up to 20.0\xa0MB; sound recordings for lessons "
        "(MP3, M4A, AAC, Ogg, Opus or WAV) up to 40.0\xa0MB."
    )


def test_a_party_document_refuses_an_attached_recording(unit_tree, admin_client):
    recording = Document.objects.create(
        title="Bài đọc", file=ContentFile(make_sound("mp3"), name="bai-doc.mp3")
    )
    with translation.override("en"):
        response = admin_client.post(
            create_url(unit_tree.district), form_data("9-BC/HU", "BC", attachments=[recording])
        )
    assert response.status_code == 200
    errors = response.context["form"].formsets["attachments"].forms[0].errors["document"]
    # The admin speaks the editor's language (Vietnamese by default).
    assert errors == [
        f"“{recording.filename}” là bản ghi âm. Văn bản của Đảng chỉ đính kèm tệp PDF, Word "
        "(DOCX) hoặc ảnh chụp; bản ghi âm dùng cho phần nghe của bài học."
    ]
    assert not PartyDocument.objects.exists()


def edit_lesson(client, lesson, **fields):
    """Post the lesson's admin edit form, as loaded, with ``fields`` changed
    (StreamFields are drawn by JavaScript: the body is given here)."""
    url = reverse("wagtailadmin_pages:edit", args=[lesson.pk])
    data = querydict_from_html(client.get(url).content.decode(), form_id="page-edit-form")
    body = streamfield([("paragraph", rich_text(f"<p>{lesson.title}</p>"))])
    data.update(nested_form_data({"body": body, **fields}))
    return client.post(url, data)


def test_a_lesson_refuses_audio_that_is_not_a_recording(client, unit_tree, editor):
    _module, (lesson,) = publish_module(unit_tree.district, "Học phần", lessons=1)
    pdf = Document.objects.create(
        title="Văn bản", file=ContentFile(make_pdf("Bao cao"), name="bao-cao.pdf")
    )
    response = edit_lesson(client, lesson, audio=pdf.pk)
    assert response.status_code == 200
    with translation.override("en"):
        errors = [str(message) for message in response.context["form"].errors["audio"]]
    assert errors == [
        f"“{pdf.filename}” is not a sound recording. Choose an MP3, M4A, AAC, Ogg, Opus or "
        "WAV file for the lesson's audio."
    ]
    assert StudyLesson.objects.get(pk=lesson.pk).audio_id is None

    recording = Document.objects.create(
        title="Bài đọc", file=ContentFile(make_sound("mp3"), name="bai-doc.mp3")
    )
    response = edit_lesson(client, lesson, audio=recording.pk)
    assert response.status_code == 302
    assert StudyLesson.objects.get(pk=lesson.pk).get_latest_revision_as_object().audio_id == (
        recording.pk
    )
