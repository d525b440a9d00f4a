"""Audio made on publish: what is made, kept, shared, remade and removed."""

import pytest
from django.core.files.storage import default_storage
from django.test import Client

from content_types.factories import publish_document, publish_news
from readaloud.making import make_audio
from readaloud.models import AudioSource, AudioState, PageAudio
from readaloud.script import page_script, script_text
from readaloud.tasks import requeue_stale_audio

from .conftest import body, codec_of, decoded_seconds

pytestmark = pytest.mark.django_db

LONG_PARAGRAPH = (
    "Chi bộ tổ chức sinh hoạt thường kỳ vào ngày mùng năm hằng tháng. "
    "Đồng chí bí thư thông báo tình hình thực hiện nhiệm vụ chính trị của địa phương, "
    "các đảng viên thảo luận và biểu quyết nghị quyết của chi bộ."
)


def audio_of(page):
    return PageAudio.objects.get(page_id=page.pk)


def test_publishing_an_article_makes_opus_audio_as_long_as_its_words(unit_tree):
    article = publish_news(
        unit_tree.province, "Sinh hoạt chi bộ", lead="Tóm tắt", body=body(LONG_PARAGRAPH * 3)
    )
    audio = audio_of(article)
    assert audio.state == AudioState.MADE
    assert audio.source == AudioSource.GENERATED
    assert audio.file.name == f"audio/{audio.spoken_hash}.ogg"
    assert codec_of(audio.file.name) == "opus"
    seconds = decoded_seconds(audio.file.name)
    # Vietnamese writes one syllable per word: at 150 a minute, about 0.4 s each,
    # plus the pauses after the heading and the paragraphs.
    syllables = len(script_text(page_script(article)).split())
    assert 0.6 * syllables * 60 / 150 < seconds < 1.6 * syllables * 60 / 150 + 5
    assert audio.duration_seconds == pytest.approx(seconds, abs=0.2)
    assert audio.bytes == default_storage.size(audio.file.name)
    # Speech bitrate: well under 300 KB a minute.
    assert audio.bytes / (seconds / 60) < 300_000


def test_a_republish_with_the_same_words_makes_nothing_and_an_edit_replaces_the_file(
    unit_tree, django_capture_on_commit_callbacks
):
    article = publish_news(unit_tree.province, "Tin một", body=body("Nội dung thứ nhất."))
    first = audio_of(article)
    article.save_revision().publish()
    again = audio_of(article)
    assert (again.file.name, again.made_at) == (first.file.name, first.made_at)

    article.body = body("Nội dung đã sửa lại.")
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    edited = audio_of(article)
    assert edited.file.name != first.file.name
    assert default_storage.exists(edited.file.name)
    assert not default_storage.exists(first.file.name)


def test_pages_that_say_the_same_share_one_file_removed_with_the_last(
    unit_tree, django_capture_on_commit_callbacks
):
    one = publish_news(unit_tree.province, "Cùng nội dung", lead="Giống nhau")
    two = publish_news(unit_tree.district, "Cùng nội dung", lead="Giống nhau")
    name = audio_of(one).file.name
    assert audio_of(two).file.name == name

    with django_capture_on_commit_callbacks(execute=True):
        one.unpublish()
    assert not PageAudio.objects.filter(page_id=one.pk).exists()
    assert default_storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        two.delete()
    assert not PageAudio.objects.exists()
    assert not default_storage.exists(name)


def test_a_document_is_read_with_its_symbol_and_date(unit_tree):
    document = publish_document(
        unit_tree.province,
        "619-BC/TU",
        "BC",
        title="Báo cáo tổng kết",
        summary="Tổng kết năm.",
    )
    audio = audio_of(document)
    assert audio.state == AudioState.MADE
    script = script_text(page_script(document))
    assert "619-BC/TU" not in script
    assert script.startswith("Báo cáo tổng kết")


def test_a_missing_voice_is_a_failure_with_its_reason(unit_tree, settings):
    settings.READALOUD_VOICE = "no-such-voice"
    article = publish_news(unit_tree.province, "Tin lỗi")
    audio = audio_of(article)
    assert audio.state == AudioState.FAILED
    # Stored in the site's language, for the editors.
    assert audio.problem == "espeak-ng trên máy chủ không có giọng no-such-voice."


def test_a_server_without_espeak_keeps_the_failure_and_the_api_gives_no_audio(
    unit_tree, monkeypatch
):
    monkeypatch.setenv("PATH", "/nonexistent")
    article = publish_news(unit_tree.province, "Tin lỗi")
    audio = audio_of(article)
    assert audio.state == AudioState.FAILED
    assert audio.problem == "Máy chủ chưa cài espeak-ng."
    detail = Client().get(f"/api/v2/pages/{article.pk}/").json()
    assert detail["audio"] is None


def test_the_api_detail_carries_the_audio(unit_tree):
    article = publish_news(unit_tree.province, "Tin có tiếng")
    audio = audio_of(article)
    detail = Client().get(f"/api/v2/pages/{article.pk}/").json()
    assert detail["audio"] == {
        "url": f"http://testserver/media/{audio.file.name}",
        "duration_seconds": audio.duration_seconds,
        "source": "generated",
        "bytes": audio.bytes,
    }
    played = Client().get(f"/media/{audio.file.name}", HTTP_RANGE="bytes=0-99")
    assert played.status_code == 206
    assert played["Content-Type"] == "audio/ogg"
    assert len(b"".join(played.streaming_content)) == 100


def test_the_detail_changes_its_etag_when_the_audio_is_made(unit_tree, settings):
    settings.READALOUD_ON_PUBLISH = False
    article = publish_news(unit_tree.province, "Tin chờ tiếng")
    first = Client().get(f"/api/v2/pages/{article.pk}/")
    assert first.json()["audio"] is None
    make_audio(article.pk)
    second = Client().get(f"/api/v2/pages/{article.pk}/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert second.json()["audio"]["source"] == "generated"


def test_audio_queued_too_long_is_queued_again(unit_tree, settings):
    article = publish_news(unit_tree.province, "Tin bị mất hàng đợi")
    PageAudio.objects.filter(page_id=article.pk).update(
        state=AudioState.QUEUED, queued_at="2020-01-01T00:00:00Z"
    )
    assert requeue_stale_audio() == 1
    assert audio_of(article).state == AudioState.MADE
    assert requeue_stale_audio() == 0


def test_sync_reports_audio_made_after_the_page_was_synced(unit_tree, settings):
    settings.READALOUD_ON_PUBLISH = False
    settings.API_SYNC_MARGIN_SECONDS = 0
    client = Client()
    article = publish_news(unit_tree.province, "Tin đồng bộ")
    first = client.get("/api/sync/").json()
    assert [item["id"] for item in first["changed"]] == [article.pk]
    assert first["audio"] == []

    make_audio(article.pk)
    later = client.get("/api/sync/", {"since": first["cursor"]}).json()
    assert later["changed"] == []
    audio = audio_of(article)
    assert later["audio"] == [
        {
            "id": article.pk,
            "audio": {
                "url": f"http://testserver/media/{audio.file.name}",
                "duration_seconds": audio.duration_seconds,
                "source": "generated",
                "bytes": audio.bytes,
            },
        }
    ]
    again = client.get("/api/sync/", {"since": later["cursor"]}).json()
    assert again["audio"] == []


def test_the_schema_describes_the_audio_of_details_and_sync(client):
    document = client.get("/api/schema/?format=json").json()
    audio = document["components"]["schemas"]["Audio"]
    assert set(audio["required"]) == {"url", "duration_seconds", "source", "bytes"}
    assert audio["properties"]["source"]["enum"] == ["generated", "recorded"]
    detail = document["paths"]["/api/v2/pages/{id}/"]["get"]["responses"]["200"]
    assert detail["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PageDetail"
    }
    sync = document["components"]["schemas"]["SyncResponse"]
    assert "audio" in sync["properties"]


def test_a_long_lesson_is_made_in_chunks_that_play_as_one_file(unit_tree, monkeypatch):
    monkeypatch.setattr("readaloud.synthesis.CHUNK_CHARS", 400)
    article = publish_news(unit_tree.province, "Bài dài", body=body(*[LONG_PARAGRAPH] * 6))
    audio = audio_of(article)
    segments = page_script(article)
    assert sum(len(s.text) for s in segments) > 3 * 400
    seconds = decoded_seconds(audio.file.name)
    syllables = len(script_text(segments).split())
    assert 0.6 * syllables * 60 / 150 < seconds < 1.6 * syllables * 60 / 150 + 8
    assert audio.duration_seconds == pytest.approx(seconds, abs=0.2)
