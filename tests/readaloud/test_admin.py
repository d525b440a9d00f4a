"""Editors see and hear the audio: "Remake audio" on their pages, the
"Read-aloud audio" report, and the player and the state in the preview."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import (
    nested_form_data,
    querydict_from_html,
    rich_text,
    streamfield,
)

from content_types.factories import news_index, publish_news
from readaloud.models import AudioSource, AudioState, PageAudio

from .conftest import body

pytestmark = pytest.mark.django_db


def test_the_units_editor_remakes_the_audio_of_their_page(client, unit_tree, editor):
    article = publish_news(unit_tree.district, "Tin huyện", body=body("Nội dung."))
    before = PageAudio.objects.get(page_id=article.pk)
    assert before.state == AudioState.MADE

    edit = client.get(reverse("wagtailadmin_pages:edit", args=[article.pk])).content.decode()
    listing = client.get(reverse("wagtailadmin_explore", args=[news_index(unit_tree.district).pk]))
    remake_url = reverse("readaloud_remake", args=[article.pk])
    for html in (edit, listing.content.decode()):
        assert "Remake audio" in html
        assert f'data-w-action-url-value="{remake_url}"' in html

    response = client.post(
        remake_url,
        {"next": reverse("wagtailadmin_pages:edit", args=[article.pk])},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[article.pk])
    after = PageAudio.objects.get(page_id=article.pk)
    assert after.state == AudioState.MADE
    assert after.made_at > before.made_at
    followed = client.get(response["Location"]).content.decode()
    assert "Audio will be made again for “Tin huyện”." in followed


def audio_rows(unit, count, state=AudioState.MADE):
    """``count`` published articles of ``unit`` with a stored audio row each
    (made directly: the report reads rows, it makes nothing)."""
    rows = []
    for number in range(count):
        article = publish_news(unit, f"Tin {unit.code} {number}")
        rows.append(
            PageAudio.objects.create(
                page=article,
                state=state,
                source=AudioSource.GENERATED,
                duration_seconds=75.4,
                bytes=150_000,
                problem="espeak-ng failed: boom" if state == AudioState.FAILED else "",
                queued_at=timezone.now(),
                made_at=timezone.now() - datetime.timedelta(minutes=number),
            )
        )
    return rows


def test_the_report_lists_the_audio_of_the_editors_own_pages(client, unit_tree, editor, settings):
    settings.READALOUD_ON_PUBLISH = False
    audio_rows(unit_tree.district, 2)
    audio_rows(unit_tree.grassroots, 1, state=AudioState.FAILED)  # below the district
    audio_rows(unit_tree.district_2, 1)

    response = client.get(reverse("readaloud_report"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Tin DT 0" in html and "Tin DT 1" in html and "Tin DT-X1 0" in html
    assert "Tin PL 0" not in html
    assert "1:15" in html and "espeak-ng failed: boom" in html
    assert "146.5" in html  # KB
    failed = client.get(reverse("readaloud_report"), {"state": "failed"}).content.decode()
    assert "Tin DT-X1 0" in failed and "Tin DT 0" not in failed


def test_the_report_costs_the_same_queries_for_3_or_30_rows(
    client, unit_tree, editor, settings, django_assert_max_num_queries
):
    settings.READALOUD_ON_PUBLISH = False
    audio_rows(unit_tree.district, 3)
    client.get(reverse("readaloud_report"))  # warm Wagtail's caches
    with django_assert_max_num_queries(20) as few:
        assert client.get(reverse("readaloud_report")).status_code == 200
    audio_rows(unit_tree.grassroots, 27)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        response = client.get(reverse("readaloud_report"))
    assert response.content.decode().count("Tin DT-X1 ") == 27
    assert len(many.captured_queries) == len(few.captured_queries)


def preview(client, page, **fields):
    """Edit the page in the admin form and preview it; StreamFields are drawn
    by JavaScript, so the body is given here."""
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    data = querydict_from_html(edit.content.decode(), form_id="page-edit-form")
    fields.setdefault("body", streamfield([("paragraph", rich_text("<p>Nội dung.</p>"))]))
    data.update(nested_form_data(fields))
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
    assert client.post(url, data).json()["is_valid"] is True
    return client.get(url).content.decode()


def test_the_preview_plays_the_audio_and_shows_its_state(client, unit_tree, editor):
    article = publish_news(unit_tree.district, "Tin huyện", body=body("Nội dung."))
    audio = PageAudio.objects.get(page_id=article.pk)
    seconds = round(audio.duration_seconds)

    html = preview(client, article)

    assert f'<audio controls preload="none" src="/media/{audio.file.name}">' in html
    # The preview is the page in its own language (Vietnamese).
    assert f"Đã tạo âm thanh ({seconds // 60}:{seconds % 60:02d})" in html
    assert "sẽ được tạo lại" not in html

    edited = preview(
        client, article, body=streamfield([("paragraph", rich_text("<p>Nội dung mới.</p>"))])
    )
    assert "âm thanh sẽ được tạo lại khi xuất bản" in edited


def test_readers_hear_the_audio_without_the_editors_notes(client, unit_tree):
    article = publish_news(unit_tree.district, "Tin huyện", body=body("Nội dung."))
    audio = PageAudio.objects.get(page_id=article.pk)
    html = client.get(article.url).content.decode()
    assert f'<audio controls preload="none" src="/media/{audio.file.name}">' in html
    assert "Đã tạo âm thanh" not in html


def test_the_preview_of_a_failed_audio_shows_the_reason(client, unit_tree, editor, settings):
    settings.READALOUD_VOICE = "no-such-voice"
    article = publish_news(unit_tree.district, "Tin lỗi")
    assert PageAudio.objects.get(page_id=article.pk).state == AudioState.FAILED

    html = preview(client, article)

    assert (
        "Tạo âm thanh không thành công: espeak-ng trên máy chủ không có giọng no-such-voice."
        in html
    )
    assert "<audio" not in html
