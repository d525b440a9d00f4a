"""Scenario 3: ``kill -9`` of the worker reading a large PDF.

The file is uploaded to the library (saving it queues its reading); the
worker running the task is found by its id in the task's row, and killed. The
scheduler's sweeper returns the task to the queue once the worker's heartbeat
is TASKS_WORKER_LOST_AFTER old, the other worker runs it, and the text is
stored once.
"""

import signal
import time

from .big_pdf import write_pdf
from .conftest import record
from .topology import RUN, wait_until

TASK = "content_types.tasks.extract_attachment_text"


def task_row(stack, document_id):
    rows = stack.sql(
        "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult "
        "WHERE task_path = %s AND args_kwargs->'args'->>0 = %s "
        "ORDER BY enqueued_at DESC LIMIT 1",
        (TASK, str(document_id)),
    )
    return rows[0] if rows else None


def test_a_killed_worker_s_task_runs_again_and_stores_the_text_once(stack):
    path = RUN / "rapport-lon.pdf"
    size = write_pdf(path, pages=400, lines=60)
    document = stack.admin("upload", str(path))["document"]

    def running():
        row = task_row(stack, document)
        return row if row and row[0] == "RUNNING" else None

    _status, worker_ids = wait_until(running, 60, "the reading task running", interval=0.1)
    victim = worker_ids[-1]
    number = victim.rsplit("-", 1)[1]
    stack.processes[f"worker{number}"].kill(signal.SIGKILL)
    killed = time.monotonic()

    def finished():
        row = task_row(stack, document)
        return row if row and row[0] in ("SUCCESSFUL", "FAILED") else None

    status, worker_ids = wait_until(finished, 120, "the task run again", interval=0.5)
    recovered = time.monotonic() - killed
    stack.processes[f"worker{number}"].stop()
    stack.start_worker(int(number))
    texts = stack.sql(
        "SELECT status, length(text) FROM content_types_attachmenttext WHERE document_id = %s",
        (document,),
    )
    record(
        "3. kill -9 of a worker reading a large PDF",
        {
            "file": f"{size // 1024} KB, 400 pages",
            "killed worker": victim,
            "workers that ran the task": worker_ids,
            "task status": status,
            "kill to completion (s)": round(recovered, 1),
            "stored texts": [(row[0], row[1]) for row in texts],
        },
    )
    assert status == "SUCCESSFUL"
    assert worker_ids[0] == victim and worker_ids[-1] != victim
    assert len(texts) == 1
    assert texts[0][0] == "extracted" and texts[0][1] > 100_000
