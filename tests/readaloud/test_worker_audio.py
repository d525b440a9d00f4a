# ruff: noqa: F811 (the process_env fixture is imported, then taken as an argument)
"""In production the audio leaves the publish: a real ``db_worker`` makes it."""

import pytest
from django.core.mail import send_mail
from django.test import Client
from django_tasks_db.models import DBTaskResult

from content_types.factories import publish_news
from readaloud.models import AudioState, PageAudio
from tests.jobs.conftest import manage, process_env  # noqa: F401 (fixture)

from .conftest import body, decoded_seconds

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_a_published_article_is_read_aloud_by_the_worker(settings, process_env, unit_tree):
    settings.TASKS = DATABASE_TASKS
    article = publish_news(
        unit_tree.province, "Tin cho người nghe", body=body("Đồng chí bí thư phát biểu.")
    )
    assert PageAudio.objects.get(page_id=article.pk).state == AudioState.QUEUED
    assert DBTaskResult.objects.filter(task_path__endswith="make_page_audio").count() == 1
    assert Client().get(f"/api/v2/pages/{article.pk}/").json()["audio"] is None

    result = manage(process_env, "db_worker", "--batch", "--no-startup-delay", "--queue-name", "*")

    assert result.returncode == 0, result.stdout + result.stderr
    audio = PageAudio.objects.get(page_id=article.pk)
    assert audio.state == AudioState.MADE
    assert decoded_seconds(audio.file.name) == pytest.approx(audio.duration_seconds, abs=0.2)
    detail = Client().get(f"/api/v2/pages/{article.pk}/").json()
    assert detail["audio"]["source"] == "generated"
    assert detail["audio"]["bytes"] == audio.bytes


@pytest.mark.django_db
def test_workers_take_audio_after_the_other_tasks(settings, unit_tree):
    settings.TASKS = DATABASE_TASKS
    settings.EMAIL_BACKEND = "cms.mail.TaskEmailBackend"
    publish_news(unit_tree.province, "Tin ưu tiên thấp")
    send_mail("Chủ đề", "Nội dung", None, ["dang-vien@example.vn"])
    queue = [
        path.rsplit(".", 1)[-1]
        for path in DBTaskResult.objects.ready().values_list("task_path", flat=True)
    ]
    # Wagtail's own tasks (search index, references) and the e-mail come first.
    assert queue[-1] == "make_page_audio"
    assert queue.count("make_page_audio") == 1
    assert "deliver_email" in queue
