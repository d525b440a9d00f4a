"""The database task backend: tasks leave the request for a real ``db_worker``
process, and a worker killed mid-task does not lose its task."""

import os
import signal
import time

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from content_types.models.documents import AttachmentText
from content_types.tasks import requeue_waiting_files
from jobs.models import WorkerHeartbeat
from jobs.workers import live_workers, oldest_queued_age, requeue_lost_tasks
from tests.content_types.test_documents import make_pdf, stored_document

from .conftest import manage, start_manage
from .sample_tasks import write_after_pause

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def wait_for(condition, timeout=30.0, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False


@pytest.mark.django_db(transaction=True)
def test_an_uploaded_file_is_read_by_the_worker_not_in_the_request(settings, process_env):
    settings.TASKS = DATABASE_TASKS
    document = stored_document("nq.pdf", make_pdf("Nghi quyet ve chuyen doi so"))

    waiting = AttachmentText.objects.get(document=document)
    assert waiting.status == AttachmentText.Status.PENDING
    assert waiting.text == ""
    queued = DBTaskResult.objects.get(task_path__endswith="extract_attachment_text")
    assert queued.status == TaskResultStatus.READY
    assert oldest_queued_age() is not None

    result = manage(process_env, "db_worker", "--batch", "--no-startup-delay", "--queue-name", "*")

    assert result.returncode == 0, result.stdout + result.stderr
    read = AttachmentText.objects.get(document=document)
    assert read.status == AttachmentText.Status.EXTRACTED
    assert "Nghi quyet ve chuyen doi so" in read.text
    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.SUCCESSFUL
    assert oldest_queued_age() is None
    # A worker that stopped cleanly leaves no heartbeat behind.
    assert not WorkerHeartbeat.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_task_whose_worker_is_killed_runs_again_on_another_worker(
    settings, process_env, tmp_path
):
    settings.TASKS = DATABASE_TASKS
    settings.TASKS_WORKER_LOST_AFTER = 5
    task = write_after_pause.enqueue(str(tmp_path), 6)
    first = start_manage(
        process_env, "db_worker", "--worker-id", "first", "--no-startup-delay", "--queue-name", "*"
    )
    try:
        assert wait_for(lambda: (tmp_path / "starts").exists()), "the first worker never started"
        row = DBTaskResult.objects.get(id=task.id)
        assert row.status == TaskResultStatus.RUNNING
        assert row.worker_ids == ["first"]
        assert [w.worker_id for w in live_workers()] == ["first"]
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(10)
        assert DBTaskResult.objects.get(id=task.id).status == TaskResultStatus.RUNNING
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)

    # While the dead worker's heartbeat is recent, its task is left alone.
    assert requeue_lost_tasks() == (0, 0)
    # Once it is silent for TASKS_WORKER_LOST_AFTER, the sweeper puts the task back.
    assert wait_for(lambda: requeue_lost_tasks() == (1, 0), timeout=20, step=0.5)
    assert DBTaskResult.objects.get(id=task.id).status == TaskResultStatus.READY

    result = manage(
        process_env, "db_worker", "--batch", "--worker-id", "second", "--no-startup-delay",
        "--queue-name", "*",
    )  # fmt: skip

    assert result.returncode == 0, result.stdout + result.stderr
    row = DBTaskResult.objects.get(id=task.id)
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.worker_ids == ["first", "second"]
    assert (tmp_path / "starts").read_text() == "start\nstart\n"
    assert (tmp_path / "result").read_text() == "done"


def test_a_task_that_keeps_killing_its_workers_is_failed_not_retried_forever(settings):
    settings.TASKS = DATABASE_TASKS
    settings.TASKS_MAX_ATTEMPTS = 2
    task = write_after_pause.enqueue("/nonexistent", 0)
    long_ago = timezone.now() - timezone.timedelta(hours=1)
    DBTaskResult.objects.filter(id=task.id).update(
        status=TaskResultStatus.RUNNING, started_at=long_ago, worker_ids=["gone-1"]
    )
    assert requeue_lost_tasks() == (1, 0)
    DBTaskResult.objects.filter(id=task.id).update(
        status=TaskResultStatus.RUNNING, started_at=long_ago, worker_ids=["gone-1", "gone-2"]
    )

    assert requeue_lost_tasks() == (0, 1)

    row = DBTaskResult.objects.get(id=task.id)
    assert row.status == TaskResultStatus.FAILED
    assert "gone-1, gone-2" in row.traceback


def test_a_running_task_of_a_live_worker_is_left_alone(settings):
    settings.TASKS = DATABASE_TASKS
    task = write_after_pause.enqueue("/nonexistent", 0)
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id="busy", hostname="h", pid=1, started_at=now, last_seen_at=now
    )
    DBTaskResult.objects.filter(id=task.id).update(
        status=TaskResultStatus.RUNNING,
        started_at=now - timezone.timedelta(hours=1),
        worker_ids=["busy"],
    )

    assert requeue_lost_tasks() == (0, 0)
    assert DBTaskResult.objects.get(id=task.id).status == TaskResultStatus.RUNNING


def test_a_file_whose_reading_failed_is_queued_again_not_left_waiting(settings):
    settings.TASKS = DATABASE_TASKS
    failed_file = stored_document("a.pdf", make_pdf("Bao cao"))
    queued_file = stored_document("b.pdf", make_pdf("Ke hoach"))
    DBTaskResult.objects.filter(args_kwargs__args=[failed_file.pk]).update(
        status=TaskResultStatus.FAILED
    )

    assert requeue_waiting_files() == 1
    assert requeue_waiting_files() == 0

    tasks = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path="content_types.tasks.extract_attachment_text"
    )
    assert sorted(task.args_kwargs["args"] for task in tasks) == [
        [failed_file.pk],
        [queued_file.pk],
    ]
